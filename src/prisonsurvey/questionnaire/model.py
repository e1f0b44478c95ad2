"""The questionnaire model: immutable pydantic objects every other part reads.

A questionnaire is a tree: :class:`Questionnaire` -> modules (top-level :class:`Group`) ->
questions and nested groups or repeats. Texts are :data:`Text` maps from an IANA language code
to the text. Logic (``relevant``, ``constraint``, ``calculation``, ``choice_filter``,
``required`` when conditional, ``repeat_count``) is kept as source text in XLSForm expression
syntax; :mod:`prisonsurvey.questionnaire.expressions` parses it into an AST.

Choice codes are stable integers used in data and statistical files. A choice list declares
which of its codes mean don't know, refused or not applicable, so the whole pipeline shares
one missing-value taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

Text = dict[str, str]
"""A text in several languages: ``{"es": "...", "en": "..."}``."""

LANGUAGE_NAMES: dict[str, str] = {
    "es": "Español",
    "en": "English",
    "pt": "Português",
    "fr": "Français",
    "nl": "Nederlands",
    "ht": "Kreyòl ayisyen",
    "qu": "Runasimi",
    "ay": "Aymar aru",
    "gn": "Avañe'ẽ",
}
"""Display names of languages, used in XLSForm column headers such as ``label::Español (es)``."""


class QuestionType(StrEnum):
    """Kinds of question."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    DATE = "date"
    DATETIME = "datetime"
    NOTE = "note"
    CALCULATE = "calculate"


class KeyRole(StrEnum):
    """How a quasi-identifier takes part in disclosure control."""

    CATEGORICAL = "categorical"
    CONTINUOUS = "continuous"


class MissingKind(StrEnum):
    """The missing-value taxonomy shared from questionnaire to statistical files."""

    SKIPPED = "skipped"
    """Structural skip: the question was not relevant."""
    UNANSWERED = "unanswered"
    """Relevant but no answer (not reached, interview broken off)."""
    DONT_KNOW = "dont_know"
    REFUSED = "refused"
    NOT_APPLICABLE = "not_applicable"
    NOT_ASKED = "not_asked"
    """The question did not exist in the questionnaire version the row was collected with."""


NOT_ASKED_COLUMN = "_not_asked"
"""Data column naming, per row, the questions that row's questionnaire version did not have."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Choice(_Frozen):
    """One answer option.

    Attributes:
        code: Stable numeric code written in data and statistical files.
        name: Mnemonic used in expressions, e.g. ``relatives`` in
            ``selected(${children_care}, 'relatives')``.
        label: Answer text per language.
        filters: Extra attributes used by ``choice_filter`` (e.g. ``{"country": "ARC"}``).
        xlsform_name: The name this choice had in the XLSForm it was imported from, when that
            name was not usable in expressions; data keyed by that name still import.
    """

    code: int
    name: str
    label: Text
    filters: dict[str, str | int] = Field(default_factory=dict)
    xlsform_name: str | None = None


class ChoiceList(_Frozen):
    """A named, ordered list of choices.

    Attributes:
        name: List name referenced by questions.
        choices: The options in display order.
        dont_know: Code meaning "don't know", if any.
        refused: Code meaning "refused", if any.
        not_applicable: Code meaning "not applicable", if any.
        local: A placeholder each country replaces with its own list (facilities, regions);
            replacing it does not affect comparability.
    """

    name: str
    choices: tuple[Choice, ...]
    dont_know: int | None = None
    refused: int | None = None
    not_applicable: int | None = None
    local: bool = False

    def by_code(self) -> dict[int, Choice]:
        """Return the choices keyed by code."""
        return {c.code: c for c in self.choices}

    def by_name(self) -> dict[str, Choice]:
        """Return the choices keyed by name."""
        return {c.name: c for c in self.choices}

    def missing_codes(self) -> dict[int, MissingKind]:
        """Return the codes that mean a kind of missing value."""
        out: dict[int, MissingKind] = {}
        if self.dont_know is not None:
            out[self.dont_know] = MissingKind.DONT_KNOW
        if self.refused is not None:
            out[self.refused] = MissingKind.REFUSED
        if self.not_applicable is not None:
            out[self.not_applicable] = MissingKind.NOT_APPLICABLE
        return out


class Question(_Frozen):
    """One question (or note / calculation).

    Attributes:
        name: Variable name: snake_case, at most 32 characters, no leading underscore.
        type: The kind of question.
        label: Question text per language (not needed for ``calculate``).
        hint: Help shown to the respondent or interviewer under the question.
        guidance_hint: Interviewer instruction (printed on paper, shown on demand in ODK).
        show_card: Text of the show card handed to the respondent, if any.
        constraint_message: Shown when the constraint fails.
        required_message: Shown when a required question is left empty.
        required: ``True``/``False`` or an expression.
        relevant: Expression; the question is asked only when it is true.
        constraint: Expression on ``.`` (the answer) that must hold.
        calculation: Expression for ``calculate`` questions.
        choices: Name of the choice list (select questions).
        choice_filter: Expression selecting which choices are shown.
        default: Default answer.
        appearance: ODK appearance (e.g. ``minimal``, ``multiline``).
        read_only: Shown but not editable.
        sensitive: Asked in a self-administered block.
        identifying: Direct identifier: never written to outputs unless asked.
        key: Quasi-identifier for disclosure control: ``categorical`` (its values are combined
            with the other keys into the key patterns whose frequencies measure the risk of a
            record), ``continuous`` (measured by outliers, protected by top coding and noise),
            or ``None``. ``key: true`` in YAML means ``categorical``.
        unit: Unit of a number (e.g. ``years``), for codebooks.
        note: Designer's note (sources, rationale); not shown to respondents.
        renamed_from: Lineage: the name this question had in the previous version.
        recode_from: Lineage: how the previous version's choice codes map to this version's
            (``{old_code: new_code}``); codes not listed keep their value.
        replaces: Lineage: questions of the previous version this one replaces without being
            comparable to them (their data are not carried over).
        xlsform_name: The name this question had in the XLSForm it was imported from, when that
            name broke the naming rules; data collected with that form still import.
    """

    name: str
    type: QuestionType
    label: Text = Field(default_factory=dict)
    hint: Text = Field(default_factory=dict)
    guidance_hint: Text = Field(default_factory=dict)
    show_card: Text = Field(default_factory=dict)
    constraint_message: Text = Field(default_factory=dict)
    required_message: Text = Field(default_factory=dict)
    required: bool | str = False
    relevant: str | None = None
    constraint: str | None = None
    calculation: str | None = None
    choices: str | None = None
    choice_filter: str | None = None
    default: str | None = None
    appearance: str | None = None
    read_only: bool = False
    sensitive: bool = False
    identifying: bool = False
    key: KeyRole | None = None
    unit: str | None = None
    note: str | None = None
    renamed_from: str | None = None
    recode_from: dict[int, int] = Field(default_factory=dict)
    replaces: tuple[str, ...] = ()
    xlsform_name: str | None = None

    @field_validator("key", mode="before")
    @classmethod
    def _key_true(cls, value: object) -> object:
        if value is True:
            return KeyRole.CATEGORICAL
        if value is False:
            return None
        return value

    @property
    def is_select(self) -> bool:
        """Whether the question takes answers from a choice list."""
        return self.type in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE)

    @property
    def holds_data(self) -> bool:
        """Whether the question produces a data column (notes do not)."""
        return self.type is not QuestionType.NOTE


class Group(_Frozen):
    """A module, a group inside a module, or a repeat (roster).

    Attributes:
        name: Group name (same rules as variable names).
        type: ``group`` or ``repeat`` (one entry per child, per offence...).
        label: Title per language.
        intro: Text read or shown at the start of the group.
        relevant: Expression; the whole group is skipped when false.
        repeat_count: Expression giving the number of repeat entries.
        sensitive: Self-administered block (hand-over notes, show cards).
        appearance: ODK appearance (e.g. ``field-list``).
        note: Designer's note, e.g. the source instruments a module follows.
        renamed_from: Lineage: the name this group had in the previous version.
        xlsform_name: The name this group had in the XLSForm it was imported from, when that
            name broke the naming rules.
        items: Questions and nested groups in order.
    """

    name: str
    type: Literal["group", "repeat"] = "group"
    label: Text = Field(default_factory=dict)
    intro: Text = Field(default_factory=dict)
    relevant: str | None = None
    repeat_count: str | None = None
    sensitive: bool = False
    appearance: str | None = None
    note: str | None = None
    renamed_from: str | None = None
    xlsform_name: str | None = None
    items: tuple[Item, ...] = ()

    @property
    def is_repeat(self) -> bool:
        """Whether this group repeats."""
        return self.type == "repeat"


def _item_kind(value: object) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "group" if kind in ("group", "repeat") else "question"


Item = Annotated[
    Annotated[Question, Tag("question")] | Annotated[Group, Tag("group")],
    Discriminator(_item_kind),
]
"""A question or a (nested) group."""


Group.model_rebuild()


class Questionnaire(_Frozen):
    """A whole instrument.

    Attributes:
        id: Instrument id, e.g. ``regional-inmate``; used as the XLSForm ``form_id``.
        version: Semantic version ``MAJOR.MINOR.PATCH``.
        title: Title per language.
        languages: IANA codes of every language the questionnaire promises.
        default_language: The language shown first; one of ``languages``.
        instance_name: Expression naming each submission in ODK.
        description: What the instrument is for.
        modules: Top-level groups in order.
        choice_lists: Choice lists by name.
    """

    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    default_language: str
    instance_name: str | None = None
    description: Text = Field(default_factory=dict)
    modules: tuple[Group, ...] = ()
    choice_lists: dict[str, ChoiceList] = Field(default_factory=dict)

    def walk(self) -> Iterator[tuple[tuple[Group, ...], Question | Group]]:
        """Yield ``(ancestors, item)`` for every group and question in document order."""

        def _walk(
            ancestors: tuple[Group, ...], items: tuple[Question | Group, ...]
        ) -> Iterator[tuple[tuple[Group, ...], Question | Group]]:
            for item in items:
                yield ancestors, item
                if isinstance(item, Group):
                    yield from _walk((*ancestors, item), item.items)

        for module in self.modules:
            yield (), module
            yield from _walk((module,), module.items)

    def questions(self) -> list[Question]:
        """Every question in document order."""
        return [item for _, item in self.walk() if isinstance(item, Question)]

    def question(self, name: str) -> Question:
        """Return the question called ``name``.

        Raises:
            KeyError: No such question.
        """
        for q in self.questions():
            if q.name == name:
                return q
        raise KeyError(name)

    def ancestors(self, name: str) -> tuple[Group, ...]:
        """Return the groups enclosing the question or group ``name``, outermost first."""
        for ancestors, item in self.walk():
            if item.name == name:
                return ancestors
        raise KeyError(name)

    def repeat_of(self, name: str) -> Group | None:
        """Return the innermost repeat enclosing ``name``, or ``None`` for root-level items."""
        for group in reversed(self.ancestors(name)):
            if group.is_repeat:
                return group
        return None

    def choice_list(self, question: Question) -> ChoiceList:
        """Return the choice list a select question uses.

        Raises:
            KeyError: The question has no list or the list does not exist.
        """
        if question.choices is None:
            raise KeyError(question.name)
        return self.choice_lists[question.choices]
