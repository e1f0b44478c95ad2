"""Build the XLSForm (survey, choices and settings sheets) of a questionnaire and write it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import (
    LANGUAGE_NAMES,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    Text,
)
from prisonsurvey.xlsform._logic import XPathRenderer
from prisonsurvey.xlsform._words import word, words
from prisonsurvey.xlsform.columns import SURVEY_LOGIC, SURVEY_TEXTS
from prisonsurvey.xlsform.facilities import FACILITY_LIST, read_facility_frame
from prisonsurvey.xlsform.version import xlsform_version
from prisonsurvey.xlsx import write_workbook

METADATA = ("start", "end", "deviceid", "audit")
"""Metadata questions every exported form records first."""


def language_column(column: str, lang: str) -> str:
    """Return the XLSForm header of a translated column, e.g. ``label::Español (es)``."""
    return f"{column}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def language_name(lang: str) -> str:
    """Return the XLSForm language name, e.g. ``Español (es)``."""
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


@dataclass(frozen=True)
class XlsformSheets:
    """The three sheets of an XLSForm as headers and rows of cell texts."""

    survey_header: tuple[str, ...]
    survey: tuple[dict[str, str], ...]
    choices_header: tuple[str, ...]
    choices: tuple[dict[str, str], ...]
    settings_header: tuple[str, ...]
    settings: tuple[dict[str, str], ...]


@dataclass
class _Builder:
    questionnaire: Questionnaire
    renderer: XPathRenderer
    rows: list[dict[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.questionnaire.languages

    def texts(self, row: dict[str, str], column: str, text: Text) -> None:
        for lang in self.languages:
            value = text.get(lang, "")
            if value:
                row[language_column(column, lang)] = value

    def fresh_name(self, base: str) -> str:
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.names.add(name)
        return name

    def note(self, base: str, text: Text, relevant: str | None = None) -> None:
        row = {"type": "note", "name": self.fresh_name(base)}
        self.texts(row, "label", text)
        if relevant:
            row["relevant"] = relevant
        self.rows.append(row)

    def group(self, group: Group, in_sensitive: bool) -> None:
        kind = "repeat" if group.is_repeat else "group"
        row = {"type": f"begin_{kind}", "name": group.name}
        self.texts(row, "label", group.label)
        for column in ("relevant", "repeat_count"):
            if text := self.renderer.field(group.name, column):
                row[column] = text
        if group.appearance:
            row["appearance"] = group.appearance
        self.rows.append(row)
        if group.intro:
            self.note(f"{group.name}_intro", group.intro)
        handover = group.sensitive and not in_sensitive
        if handover:
            self.note(f"{group.name}_handover", words("handover", self.languages))
        self.items(group.items, in_sensitive or group.sensitive)
        if handover:
            self.note(f"{group.name}_takeback", words("takeback", self.languages))
        self.rows.append({"type": f"end_{kind}", "name": group.name})

    def items(self, items: Sequence[Question | Group], in_sensitive: bool) -> None:
        run: list[Question] = []
        for item in items:
            if isinstance(item, Question) and item.sensitive and not in_sensitive:
                run.append(item)
                continue
            self.sensitive_run(run)
            run = []
            if isinstance(item, Group):
                self.group(item, in_sensitive)
            else:
                self.question(item)
        self.sensitive_run(run)

    def sensitive_run(self, run: list[Question]) -> None:
        """Wrap consecutive self-administered questions in hand-over and take-back notes."""
        if not run:
            return
        relevant: str | None = None
        parts = [self.renderer.field(q.name, "relevant") for q in run]
        if all(parts):
            relevant = parts[0] if len(set(parts)) == 1 else " or ".join(f"({p})" for p in parts)
        self.note(f"{run[0].name}_handover", words("handover", self.languages), relevant)
        for q in run:
            self.question(q)
        self.note(f"{run[-1].name}_takeback", words("takeback", self.languages), relevant)

    def question(self, q: Question) -> None:
        kind = q.type.value
        if q.is_select:
            kind = f"{kind} {q.choices}"
        row = {"type": kind, "name": q.name}
        self.texts(row, "label", q.label)
        self.texts(row, "hint", q.hint)
        guidance = dict(q.guidance_hint)
        for lang, card in q.show_card.items():
            prefix = f"{guidance[lang]} " if guidance.get(lang) else ""
            guidance[lang] = f"{prefix}[{word('show_card', lang)}: {card}]"
        self.texts(row, "guidance_hint", guidance)
        self.texts(row, "constraint_message", q.constraint_message)
        self.texts(row, "required_message", q.required_message)
        if q.required is True:
            row["required"] = "yes"
        for column in ("required", "relevant", "constraint", "calculation", "choice_filter"):
            if text := self.renderer.field(q.name, column):
                row[column] = text
        if q.default is not None:
            row["default"] = self.default(q)
        if q.appearance:
            row["appearance"] = q.appearance
        if q.read_only:
            row["read_only"] = "yes"
        self.rows.append(row)

    def default(self, q: Question) -> str:
        value = q.default or ""
        if q.is_select and q.choices in self.questionnaire.choice_lists:
            by_name = self.questionnaire.choice_lists[q.choices].by_name()
            return " ".join(str(by_name[v].code) if v in by_name else v for v in value.split())
        return value


def build_sheets(
    questionnaire: Questionnaire,
    *,
    form_id: str | None = None,
    facilities: ChoiceList | None = None,
    public_key: str | None = None,
) -> XlsformSheets:
    """Return the survey, choices and settings rows of the questionnaire's XLSForm.

    Args:
        questionnaire: The instrument.
        form_id: XLSForm ``form_id``; defaults to the questionnaire id.
        facilities: A choice list that replaces the questionnaire's ``facility`` list.
        public_key: Base64 RSA public key; makes the form encrypted.
    """
    renderer = XPathRenderer(questionnaire)
    builder = _Builder(questionnaire, renderer)
    builder.names.update(item.name for _, item in questionnaire.walk())
    builder.names.update(METADATA)
    langs = questionnaire.languages
    builder.rows.extend({"type": m, "name": m} for m in METADATA)
    for module in questionnaire.modules:
        builder.group(module, in_sensitive=False)

    survey_header = (
        "type",
        "name",
        *(language_column(c, lang) for c in SURVEY_TEXTS for lang in langs),
        *SURVEY_LOGIC,
    )
    lists = dict(questionnaire.choice_lists)
    if facilities is not None:
        lists[FACILITY_LIST] = facilities
    filter_columns = sorted({k for cl in lists.values() for c in cl.choices for k in c.filters})
    choices: list[dict[str, str]] = []
    for list_name, choice_list in lists.items():
        for choice in choice_list.choices:
            row = {"list_name": list_name, "name": str(choice.code)}
            for lang in langs:
                row[language_column("label", lang)] = choice.label.get(lang, "")
            for key, value in choice.filters.items():
                row[key] = str(value)
            choices.append(row)
    choices_header = (
        "list_name",
        "name",
        *(language_column("label", lang) for lang in langs),
        *filter_columns,
    )

    settings = {
        "form_title": questionnaire.title.get(questionnaire.default_language, questionnaire.id),
        "form_id": form_id or questionnaire.id,
        "version": xlsform_version(questionnaire.version),
        "default_language": language_name(questionnaire.default_language),
    }
    if any(len(cl.by_code()) < len(cl.choices) for cl in lists.values()):
        settings["allow_choice_duplicates"] = "yes"  # a value repeated for a choice_filter
    if instance_name := renderer.instance_name():
        settings["instance_name"] = instance_name
    if public_key:
        lines = [line for line in public_key.splitlines() if not line.startswith("-----")]
        settings["public_key"] = "".join("".join(lines).split())
    return XlsformSheets(
        survey_header=survey_header,
        survey=tuple(builder.rows),
        choices_header=choices_header,
        choices=tuple(choices),
        settings_header=tuple(settings),
        settings=(settings,),
    )


def export_xlsform(
    questionnaire: Questionnaire | Path,
    path: Path,
    *,
    form_id: str | None = None,
    facilities: ChoiceList | Path | None = None,
    public_key: str | None = None,
) -> Path:
    """Write the questionnaire as an XLSForm workbook, byte-identical for the same input.

    Args:
        questionnaire: The instrument, or the folder to load it from.
        path: Where to write the ``.xlsx`` file.
        form_id: XLSForm ``form_id``; defaults to the questionnaire id.
        facilities: A frame CSV (``code,name[,filters...]``) or a choice list replacing the
            ``facility`` list.
        public_key: Base64 RSA public key for encrypted submissions.

    Returns:
        The path written.

    Raises:
        InputError: The questionnaire folder or the facility frame is unusable.
    """
    if isinstance(questionnaire, Path):
        questionnaire = load_questionnaire_or_raise(questionnaire)
    if isinstance(facilities, Path):
        facilities = read_facility_frame(facilities, questionnaire.languages)
    sheets = build_sheets(
        questionnaire, form_id=form_id, facilities=facilities, public_key=public_key
    )
    return write_workbook(
        path,
        [
            ("survey", sheets.survey_header, sheets.survey),
            ("choices", sheets.choices_header, sheets.choices),
            ("settings", sheets.settings_header, sheets.settings),
        ],
    )
