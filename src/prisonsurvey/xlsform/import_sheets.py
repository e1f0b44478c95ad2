"""Read an XLSForm's sheets into questionnaire objects, noting what cannot be represented."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prisonsurvey.errors import InputError, Issue, Issues, Severity
from prisonsurvey.questionnaire.model import (
    LANGUAGE_NAMES,
    Choice,
    ChoiceList,
    Group,
    Question,
    QuestionType,
    Text,
)
from prisonsurvey.xlsform._words import word
from prisonsurvey.xlsform.columns import SURVEY_LOGIC, SURVEY_TEXTS
from prisonsurvey.xlsform.read import (
    SheetRow,
    XlsformBook,
    language_code,
    split_column,
)

TEXT_COLUMNS = SURVEY_TEXTS
LOGIC_COLUMNS = SURVEY_LOGIC
_ALIASES = {
    "jr:constraintmsg": "constraint_message",
    "constraint message": "constraint_message",
    "jr:requiredmsg": "required_message",
    "required message": "required_message",
    "guidance hint": "guidance_hint",
    "choice filter": "choice_filter",
    "repeat count": "repeat_count",
    "read only": "read_only",
    "bind::relevant": "relevant",
    "bind::constraint": "constraint",
    "bind::required": "required",
    "bind::calculate": "calculation",
    "jr:count": "repeat_count",
    "list name": "list_name",
}
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
_TYPE_ALIASES = {
    "int": "integer",
    "string": "text",
    "dateTime": "datetime",
    "select_all_that_apply": "select_multiple",
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_ID_RE = re.compile(r"[^a-z0-9_-]+")
_SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+$")
_XLSFORM_VERSION_RE = re.compile(r"^(\d{3})(\d{3})(\d{3})$")
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
                column = _ALIASES.get(column, column)
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
            )
        self.languages = list(dict.fromkeys(self.lang_of[n] for n in names)) or ["en"]
        wanted = (language_code(declared) if declared else None) or (
            self.lang_of.get(declared) if declared else None
        )
        self.default_language = wanted if wanted in self.languages else self.languages[0]

    def code_from_name(self, name: str) -> str:
        """Return a language code for a language name written without one, and report it."""
        by_name = {v.lower(): k for k, v in LANGUAGE_NAMES.items()}
        code = by_name.get(name.strip().lower(), re.sub(r"[^a-z]", "", name.lower())[:2] or "und")
        self.issue(
            "XLS110",
            f"language '{name}' has no IANA code; taken as '{code}'. Write it as '{name} ({code})'",
            "survey",
            1,
        )
        return code

    def texts(self, sheet: str, row: SheetRow, column: str) -> Text:
        """Collect ``column`` in every language from a row, filling gaps from other languages."""
        found: dict[str, str] = {}
        for header, value in row.cells.items():
            col, language = split_column(header)
            if _ALIASES.get(col, col) != column:
                continue
            lang = self.lang_of.get(language)
            if lang is not None and value:
                found[lang] = value
        if not found:
            return {}
        fallback = found.get(self.default_language) or next(iter(found.values()))
        missing = [lang for lang in self.languages if lang not in found]
        if missing:
            self.issue(
                "XLS116",
                f"{column} has no text in {', '.join(missing)}; the "
                f"{self.default_language} text is used. Translate it",
                sheet,
                row.row,
                column,
            )
        return {lang: found.get(lang, fallback) for lang in self.languages}

    def plain(self, row: SheetRow, column: str) -> str:
        """Return the cell of an untranslated column ('' when blank)."""
        for header, value in row.cells.items():
            col, language = split_column(header)
            if language is None and _ALIASES.get(col, col) == column:
                return value
        return ""

    def unknown_columns(self, sheet: str, row: SheetRow, known: set[str]) -> None:
        """Report, once per column, a column the questionnaire format has no place for."""
        for header in row.cells:
            col, _ = split_column(header)
            col = _ALIASES.get(col, col)
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
    def choice_lists(self) -> dict[str, ChoiceList]:
        """Read the choices sheet into choice lists (codes 1, 2, ... when names are not numeric)."""
        grouped: dict[str, list[SheetRow]] = {}
        for row in self.book.sheet("choices").rows:
            list_name = self.plain(row, "list_name")
            if not list_name:
                continue
            grouped.setdefault(list_name, []).append(row)
        lists: dict[str, ChoiceList] = {}
        known = {"list_name", "name", "label"}
        filter_columns = [
            h
            for h in self.book.sheet("choices").header
            if h
            and split_column(h)[1] is None
            and split_column(h)[0] not in known
            and split_column(h)[0] not in ("image", "audio", "video", "big-image", "media::image")
        ]
        for list_name, rows in grouped.items():
            names = [self.plain(r, "name") for r in rows]
            numeric = all(re.fullmatch(r"-?\d+", n) for n in names)
            if not numeric:
                self.issue(
                    "XLS115",
                    f"choice names of list '{list_name}' are not numeric codes; codes 1, 2, ... "
                    "are given in order and the names are kept for expressions",
                    "choices",
                    rows[0].row,
                    "name",
                    Severity.INFO,
                )
            choices: list[Choice] = []
            for i, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
                self.unknown_columns("choices", row, known | set(filter_columns))
                filters: dict[str, str | int] = {
                    c: row.get(c) for c in filter_columns if row.get(c)
                }
                label = self.texts("choices", row, "label") or dict.fromkeys(self.languages, name)
                choices.append(
                    Choice(
                        code=int(name) if numeric else i,
                        name=name,
                        label=label,
                        filters=filters,
                    )
                )
            lists[list_name] = ChoiceList(name=list_name, choices=tuple(choices))
        return lists

    # --- survey ----------------------------------------------------------------------------
    def survey(self, lists: dict[str, ChoiceList]) -> list[Question | Group | _Node]:
        """Read the survey sheet into questions and open groups, in order."""
        root = _Node(None, "root", "")
        stack = [root]
        for row in self.book.sheet("survey").rows:
            kind = re.sub(r"\s+", " ", self.plain(row, "type")).strip()
            name = self.plain(row, "name")
            key = kind.lower().replace(" ", "_")
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
            question = self.question(row, kind, name, lists)
            if question is not None:
                stack[-1].items.append(question)
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
    ) -> Question | None:
        """Turn one survey row into a question, or report why it cannot be one."""
        parts = kind.split()
        base = _TYPE_ALIASES.get(parts[0], parts[0]) if parts else ""
        if parts[:2] == ["select", "one"] or parts[:2] == ["select", "multiple"]:
            base, parts = f"select_{parts[1]}", [f"select_{parts[1]}", *parts[2:]]
        qtype = _SIMPLE_TYPES.get(base)
        list_name = parts[1] if len(parts) > 1 else None
        if qtype is None or (qtype.value.startswith("select") and len(parts) != 2):
            self.issue(
                "XLS112",
                f"question type '{kind}' has no equivalent in the questionnaire format; "
                f"'{name}' is dropped",
                "survey",
                row.row,
                "type",
            )
            return None
        if list_name is not None and list_name not in lists:
            self.issue(
                "XLS121",
                f"choice list '{list_name}' is not on the choices sheet; '{name}' is dropped",
                "survey",
                row.row,
                "type",
                Severity.ERROR,
            )
            return None
        self.check_name(name, row)
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
            label=self.texts("survey", row, "label"),
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

    def check_name(self, name: str, row: SheetRow) -> None:
        """Report a name that is not a valid variable name."""
        if not _NAME_RE.match(name):
            self.issue(
                "XLS120",
                f"name '{name}' is not snake_case of at most 32 characters starting with a "
                "letter; rename it in the questionnaire (and in the expressions using it)",
                "survey",
                row.row,
                "name",
                Severity.ERROR,
            )

    def group(self, node: _Node) -> Group:
        """Turn an open group into a group, recovering intros and self-administered blocks."""
        row = node.row
        assert row is not None  # only the root has no row
        self.check_name(node.name, row)
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

    # --- settings --------------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """Return the first row of the settings sheet by column."""
        rows = self.book.sheet("settings").rows
        if not rows:
            return {}
        return {split_column(k)[0]: v for k, v in rows[0].cells.items()}

    def identity(self, settings: dict[str, str]) -> tuple[str, str]:
        """Return the form id and semantic version from the settings."""
        raw_id = settings.get("form_id") or self.book.path.stem
        form_id = _ID_RE.sub("-", raw_id.lower()).strip("-_") or "imported-form"
        if form_id != raw_id:
            self.issue(
                "XLS122",
                f"form_id '{raw_id}' is written as '{form_id}' (lowercase letters, digits, "
                "'-' and '_')",
                "settings",
                2,
                "form_id",
                Severity.INFO,
            )
        version = settings.get("version", "")
        match = _XLSFORM_VERSION_RE.match(version)
        if _SEMVER_RE.match(version):
            semver = version
        elif match:
            semver = ".".join(str(int(p)) for p in match.groups())
        else:
            semver = "1.0.0"
            self.issue(
                "XLS118",
                f"version '{version}' is not a semantic version; the questionnaire starts at 1.0.0",
                "settings",
                2,
                "version",
                Severity.INFO,
            )
        return form_id, semver


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
