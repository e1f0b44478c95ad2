"""Read an XLSForm's sheets into questionnaire objects, noting what cannot be represented."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prisonsurvey.errors import InputError, Issue, Issues, Severity
from prisonsurvey.questionnaire.model import (
    LANGUAGE_NAMES,
    ChoiceList,
    Group,
    Question,
    QuestionType,
    Text,
)
from prisonsurvey.xlsform._words import word
from prisonsurvey.xlsform.columns import SURVEY_LOGIC, SURVEY_TEXTS
from prisonsurvey.xlsform.import_choices import with_other
from prisonsurvey.xlsform.import_spelling import ENGLISH_LANGUAGE_NAMES, parse_type
from prisonsurvey.xlsform.read import (
    SheetRow,
    XlsformBook,
    language_code,
    split_column,
)

TEXT_COLUMNS = SURVEY_TEXTS
LOGIC_COLUMNS = SURVEY_LOGIC
_METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "audit",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "start-geopoint",
}
_RECREATED = {"start", "end", "deviceid", "audit"}
_SIMPLE_TYPES = {t.value: t for t in QuestionType}
_YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0", ""}


@dataclass
class _Node:
    """A group being built: its row, its items, and where it started."""

    row: SheetRow | None
    kind: str
    name: str
    items: list[Question | Group | _Node] = field(default_factory=list)


class SheetImporter:
    """Turn the rows of an XLSForm into questionnaire objects, collecting located issues."""

    def __init__(self, book: XlsformBook) -> None:
        self.book = book
        self.issues = Issues()
        self.languages: list[str] = []
        self.lang_of: dict[str | None, str] = {}
        self.default_language = ""
        self.reported_columns: set[tuple[str, str]] = set()
        self.row_of: dict[str, int] = {}

    def issue(
        self,
        code: str,
        message: str,
        sheet: str,
        row: int | None = None,
        column: str | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        """Record an issue located in the workbook."""
        self.issues.add(Issue(code, message, self.book.location(sheet, row, column), severity))

    # --- languages -----------------------------------------------------------------------
    def find_languages(self, settings: dict[str, str]) -> None:
        """Find the languages of the text columns and which one is the default."""
        names: list[str | None] = []
        for sheet in ("survey", "choices"):
            for header in self.book.sheet(sheet).header:
                column, language = split_column(header)
                if column in TEXT_COLUMNS and language not in names:
                    names.append(language)
        declared = settings.get("default_language", "")
        for name in names:
            if name is None:
                continue
            self.lang_of[name] = language_code(name) or self.code_from_name(name)
        if None in names:
            found = language_code(declared) if declared else None
            code = found if found and found not in self.lang_of.values() else "en"
            if code in self.lang_of.values():
                code = "und"
            self.lang_of[None] = code
            self.issue(
                "XLS110",
                f"texts without a language (e.g. 'label'); taken as '{code}'. Name the language "
                f"in every text column, e.g. 'label::{LANGUAGE_NAMES.get(code, code)} ({code})'",
                "survey",
                1,
                "label",
                Severity.INFO,
            )
        self.languages = list(dict.fromkeys(self.lang_of[n] for n in names)) or ["en"]
        wanted = (language_code(declared) if declared else None) or (
            self.lang_of.get(declared) if declared else None
        )
        self.default_language = wanted if wanted in self.languages else self.languages[0]

    def code_from_name(self, name: str) -> str:
        """Return a language code for a language name written without one, and report it."""
        by_name = ENGLISH_LANGUAGE_NAMES | {v.lower(): k for k, v in LANGUAGE_NAMES.items()}
        known = by_name.get(name.strip().lower())
        code = known or re.sub(r"[^a-z]", "", name.lower())[:2] or "und"
        self.issue(
            "XLS110",
            f"language '{name}' has no IANA code; taken as '{code}'"
            + ("" if known else ", a guess")
            + f". Write it as '{name} ({code})'",
            "survey",
            1,
            next((h for h in self.book.sheet("survey").header if h.endswith(name)), None),
            Severity.INFO if known else Severity.WARNING,
        )
        return code

    def texts(self, sheet: str, row: SheetRow, column: str) -> Text:
        """Collect ``column`` in every language from a row, filling gaps from other languages."""
        found: dict[str, str] = {}
        for header, value in row.cells.items():
            col, language = split_column(header)
            if col != column:
                continue
            lang = self.lang_of.get(language)
            if lang is not None and value:
                found[lang] = value
        if not found:
            return {}
        source = self.default_language if self.default_language in found else next(iter(found))
        fallback = found[source]
        missing = [lang for lang in self.languages if lang not in found]
        if missing:
            self.issue(
                "XLS116",
                f"{column} has no text in {', '.join(missing)}; the {source} text is used. "
                "Translate it",
                sheet,
                row.row,
                column,
            )
        return {lang: found.get(lang, fallback) for lang in self.languages}

    def plain(self, row: SheetRow, column: str) -> str:
        """Return the cell of an untranslated column ('' when blank)."""
        for header, value in row.cells.items():
            col, language = split_column(header)
            if language is None and col == column:
                return value
        return ""

    def unknown_columns(self, sheet: str, row: SheetRow, known: set[str]) -> None:
        """Report, once per column, a column the questionnaire format has no place for."""
        for header in row.cells:
            col, _ = split_column(header)
            if col in known or (sheet, header) in self.reported_columns:
                continue
            self.reported_columns.add((sheet, header))
            self.issue(
                "XLS111",
                f"column '{header}' has no place in the questionnaire format and is dropped",
                sheet,
                row.row,
                header,
            )

    # --- choices ---------------------------------------------------------------------------
    # --- survey ----------------------------------------------------------------------------
    def survey(self, lists: dict[str, ChoiceList]) -> list[Question | Group | _Node]:
        """Read the survey sheet into questions and open groups, in order."""
        root = _Node(None, "root", "")
        stack = [root]
        for row in self.book.sheet("survey").rows:
            kind = re.sub(r"\s+", " ", self.plain(row, "type")).strip()
            name = self.plain(row, "name")
            parsed = parse_type(kind)
            key = parsed.kind
            if name:
                self.row_of.setdefault(name, row.row)
            if key in ("begin_group", "begin_repeat"):
                node = _Node(row, "repeat" if key == "begin_repeat" else "group", name)
                stack[-1].items.append(node)
                stack.append(node)
                continue
            if key in ("end_group", "end_repeat"):
                if len(stack) == 1:
                    raise InputError(
                        Issue(
                            "XLS119",
                            f"'{kind}' without a matching begin; remove it or add the begin row",
                            self.book.location("survey", row.row, "type"),
                        )
                    )
                stack.pop()
                continue
            if not kind:
                self.untyped(row)
                continue
            if key in _METADATA:
                if key not in _RECREATED:
                    self.issue(
                        "XLS113",
                        f"metadata '{kind}' is not kept; exports record start, end, deviceid "
                        "and audit",
                        "survey",
                        row.row,
                        "type",
                    )
                continue
            stack[-1].items.extend(self.question(row, kind, name, lists))
        if len(stack) > 1:
            open_row = stack[-1].row
            raise InputError(
                Issue(
                    "XLS119",
                    f"group '{stack[-1].name}' is never closed; add an end_{stack[-1].kind} row",
                    self.book.location("survey", open_row.row if open_row else None, "type"),
                )
            )
        return root.items

    def question(
        self, row: SheetRow, kind: str, name: str, lists: dict[str, ChoiceList]
    ) -> list[Question]:
        """Turn one survey row into a question (and its "specify other" text), or say why not."""
        parsed = parse_type(kind)
        qtype = _SIMPLE_TYPES.get(parsed.kind)
        list_name = parsed.list_name
        if qtype is None:
            what = "choices from a file" if parsed.kind == "from_file" else "an equivalent"
            self.issue(
                "XLS112",
                f"question type '{kind}' has no equivalent in the questionnaire format "
                f"({what}); '{name}' is dropped",
                "survey",
                row.row,
                "type",
            )
            return []
        if list_name is not None and list_name not in lists:
            self.issue(
                "XLS121",
                f"choice list '{list_name}' is not on the choices sheet; '{name}' is dropped",
                "survey",
                row.row,
                "type",
                Severity.ERROR,
            )
            return []
        question = self.make_question(row, qtype, name, list_name)
        if not parsed.or_other or list_name is None:
            return [question]
        lists[list_name] = with_other(lists[list_name], self.languages)
        other = Question(
            name=f"{name}_other",
            type=QuestionType.TEXT,
            label=dict.fromkeys(self.languages, "Specify other."),
            relevant=f"selected(${{{name}}}, 'other')"
            if qtype is QuestionType.SELECT_MULTIPLE
            else f"${{{name}}} = 'other'",
        )
        self.row_of.setdefault(other.name, row.row)
        return [question, other]

    def untyped(self, row: SheetRow) -> None:
        """Report a row without a type: a comment row, or a question pyxform would refuse."""
        if self.plain(row, "name") or self.texts("survey", row, "label"):
            self.issue(
                "XLS126",
                "row has a name or label but no type; it is dropped",
                "survey",
                row.row,
                "type",
            )
        else:
            self.issue(
                "XLS126",
                "row without type, name or label is a comment; it is skipped",
                "survey",
                row.row,
                None,
                Severity.INFO,
            )

    def make_question(
        self, row: SheetRow, qtype: QuestionType, name: str, list_name: str | None
    ) -> Question:
        """Build the question of a survey row whose type is known."""
        label = self.texts("survey", row, "label")
        if not label and qtype is not QuestionType.CALCULATE:
            label = dict.fromkeys(self.languages, name)
            self.issue(
                "XLS125",
                f"'{name}' has no label; its name is used as the label",
                "survey",
                row.row,
                "label",
            )
        self.unknown_columns("survey", row, {"type", "name", *TEXT_COLUMNS, *LOGIC_COLUMNS})
        required_text = self.plain(row, "required")
        required: bool | str = required_text.lower() in _YES
        if required_text.lower() not in _YES | _NO:
            required = required_text
        guidance, show_card = self.split_show_card(self.texts("survey", row, "guidance_hint"))
        default = self.plain(row, "default") or None
        return Question(
            name=name,
            type=qtype,
            label=label,
            hint=self.texts("survey", row, "hint"),
            guidance_hint=guidance,
            show_card=show_card,
            constraint_message=self.texts("survey", row, "constraint_message"),
            required_message=self.texts("survey", row, "required_message"),
            required=required,
            relevant=self.plain(row, "relevant") or None,
            constraint=self.plain(row, "constraint") or None,
            calculation=self.plain(row, "calculation") or None,
            choices=list_name,
            choice_filter=self.plain(row, "choice_filter") or None,
            default=default,
            appearance=self.plain(row, "appearance") or None,
            read_only=self.plain(row, "read_only").lower() in _YES,
        )

    def split_show_card(self, guidance: Text) -> tuple[Text, Text]:
        """Take back a show card that export appended to the guidance hint as ``[Card: text]``."""
        cards: Text = {}
        rest: Text = {}
        for lang, text in guidance.items():
            prefix = f"[{word('show_card', lang)}: "
            start = text.rfind(prefix)
            if start >= 0 and text.endswith("]"):
                cards[lang] = text[start + len(prefix) : -1]
                rest[lang] = text[:start].rstrip()
            else:
                rest[lang] = text
        if cards and len(cards) != len(guidance):
            return guidance, {}
        return {k: v for k, v in rest.items() if v}, cards

    def group(self, node: _Node) -> Group:
        """Turn an open group into a group, recovering intros and self-administered blocks."""
        row = node.row
        assert row is not None  # only the root has no row
        self.unknown_columns("survey", row, {"type", "name", *TEXT_COLUMNS, *LOGIC_COLUMNS})
        items: list[Question | Group] = []
        for item in node.items:
            items.append(self.group(item) if isinstance(item, _Node) else item)
        intro: Text = {}
        sensitive = False
        names = [i.name for i in items]
        if names and names[0] == f"{node.name}_intro" and _is_note(items[0]):
            intro = dict(items.pop(0).label)
            names.pop(0)
        if (
            len(items) >= 2
            and names[0] == f"{node.name}_handover"
            and names[-1] == f"{node.name}_takeback"
            and _is_note(items[0])
            and _is_note(items[-1])
        ):
            items = items[1:-1]
            sensitive = True
        items = mark_sensitive_runs(items)
        return Group(
            name=node.name,
            type="repeat" if node.kind == "repeat" else "group",
            label=self.texts("survey", row, "label"),
            intro=intro,
            relevant=self.plain(row, "relevant") or None,
            repeat_count=self.plain(row, "repeat_count") or None,
            sensitive=sensitive,
            appearance=self.plain(row, "appearance") or None,
            items=tuple(items),
        )

    def modules(self, items: list[Question | Group | _Node]) -> list[Group]:
        """Make every top-level item a module; loose questions go into generated modules."""
        modules: list[Group] = []
        loose: list[Question | Group] = []

        def flush() -> None:
            if not loose:
                return
            name = f"module_{len(modules) + 1}"
            self.issue(
                "XLS114",
                f"questions outside any group (from '{loose[0].name}' to '{loose[-1].name}') are "
                f"put in module '{name}'; their data paths change",
                "survey",
                self.row_of.get(loose[0].name),
                "type",
                Severity.INFO,
            )
            label = dict.fromkeys(self.languages, name.replace("_", " ").capitalize())
            modules.append(Group(name=name, label=label, items=tuple(mark_sensitive_runs(loose))))
            loose.clear()

        for item in items:
            if isinstance(item, _Node) and item.kind == "group":
                flush()
                modules.append(self.group(item))
            elif isinstance(item, _Node):
                flush()
                repeat = self.group(item)
                modules.append(
                    Group(name=f"{repeat.name}_module", label=repeat.label, items=(repeat,))
                )
                self.issue(
                    "XLS114",
                    f"repeat '{repeat.name}' is outside any group; it is put in module "
                    f"'{repeat.name}_module'",
                    "survey",
                    item.row.row if item.row else None,
                    "type",
                    Severity.INFO,
                )
            else:
                loose.append(item)
        flush()
        return modules


def _is_note(item: Question | Group) -> bool:
    return isinstance(item, Question) and item.type is QuestionType.NOTE


def mark_sensitive_runs(items: list[Question] | list[Question | Group]) -> list[Question | Group]:
    """Turn ``x_handover`` ... ``y_takeback`` notes (written by export) into sensitive items."""
    out: list[Question | Group] = []
    i = 0
    while i < len(items):
        end = _run_end(items, i)
        if end is None:
            out.append(items[i])
            i += 1
            continue
        for item in items[i + 1 : end]:
            out.append(item.model_copy(update={"sensitive": True}))
        i = end + 1
    return out


def _run_end(items: list[Question] | list[Question | Group], start: int) -> int | None:
    first = items[start]
    if not (_is_note(first) and first.name.endswith("_handover")):
        return None
    for j in range(start + 1, len(items)):
        item = items[j]
        if not isinstance(item, Question):
            return None
        if _is_note(item) and item.name.endswith("_takeback"):
            run = items[start + 1 : j]
            if (
                run
                and first.name == f"{run[0].name}_handover"
                and item.name == f"{run[-1].name}_takeback"
            ):
                return j
            return None
    return None
