"""Every field of the form that ``export xlsform`` writes, where the data of each one lands.

A form holds more fields than the questionnaire's questions: ODK metadata (``start``, ``end``,
``deviceid``, ``audit``), a note at the top of each group with an introduction
(``{group}_intro``, inside repeats too), hand-over and take-back notes around self-administered
blocks (``{group}_handover``...), and names made unique by the export (``x_2``). Tablets
submit an element for each of them and servers export a column for each, so the importers and
the writers of synthetic exports read the form's layout from here: it is computed from the rows
:func:`~prisonsurvey.xlsform.export.build_sheets` writes, so it cannot drift from the export.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prisonsurvey.questionnaire.model import Question, Questionnaire, Text
from prisonsurvey.xlsform.export import METADATA, build_sheets

_META_GROUP = {"audit": "meta"}
"""Metadata pyxform places inside ``meta`` rather than at the root."""


@dataclass(frozen=True)
class FormField:
    """One field of the exported form.

    Attributes:
        name: The field's name in the form.
        table: The innermost repeat holding it (``None``: the submission's root row).
        groups: Every group (repeats included) from the form's root down to the field.
        kind: ``question`` (a question of the questionnaire, notes included), ``note`` (a
            note the export added) or ``metadata``.
        question: The questionnaire's question, for ``question`` fields.
        label: The label per language (for notes the export added).
    """

    name: str
    table: str | None
    groups: tuple[str, ...]
    kind: str
    question: Question | None = None
    label: Text = field(default_factory=dict)

    @property
    def path(self) -> tuple[str, ...]:
        """The groups from :attr:`table` down to the field (the field's path in that table)."""
        if self.table is None:
            return self.groups
        return self.groups[self.groups.index(self.table) + 1 :]


def _labels(row: dict[str, str], languages: tuple[str, ...]) -> Text:
    out: Text = {}
    for lang in languages:
        for column, value in row.items():
            if column.startswith("label::") and column.endswith(f"({lang})") and value:
                out[lang] = value
    return out


_CACHE: dict[int, tuple[Questionnaire, tuple[FormField, ...]]] = {}


def form_fields(questionnaire: Questionnaire) -> tuple[FormField, ...]:
    """The fields of the questionnaire's exported form, in form order.

    Args:
        questionnaire: The instrument (as exported by ``export xlsform``).

    Returns:
        Every field that holds an element in a submission, with the table and group path its
        value belongs to.
    """
    hit = _CACHE.get(id(questionnaire))
    if hit is not None and hit[0] is questionnaire:
        return hit[1]
    if len(_CACHE) > 32:
        _CACHE.clear()
    fields = _layout(questionnaire)
    _CACHE[id(questionnaire)] = (questionnaire, fields)
    return fields


def _layout(questionnaire: Questionnaire) -> tuple[FormField, ...]:
    questions = {q.name: q for q in questionnaire.questions()}
    out: list[FormField] = []
    stack: list[tuple[str, bool]] = []  # (group name, is repeat)
    for row in build_sheets(questionnaire).survey:
        kind = row["type"]
        if kind.startswith("begin_"):
            stack.append((row["name"], kind == "begin_repeat"))
            continue
        if kind.startswith("end_"):
            stack.pop()
            continue
        repeats = [name for name, is_repeat in stack if is_repeat]
        table = repeats[-1] if repeats else None
        path = tuple(name for name, _ in stack)
        name = row["name"]
        if name in METADATA:
            group = _META_GROUP.get(name)
            out.append(FormField(name, None, (group,) if group else (), "metadata"))
        elif name in questions:
            out.append(FormField(name, table, path, "question", questions[name]))
        else:
            label = _labels(row, questionnaire.languages)
            out.append(FormField(name, table, path, "note", label=label))
    return tuple(out)


def added_fields(questionnaire: Questionnaire, table: str | None) -> tuple[FormField, ...]:
    """The notes and metadata the export adds to ``table`` (``None``: the root)."""
    return tuple(f for f in form_fields(questionnaire) if f.kind != "question" and f.table == table)
