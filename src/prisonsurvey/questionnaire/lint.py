"""Cross-field rules of a questionnaire, each with its own ``QNR1xx`` code.

:func:`lint_questionnaire` checks what the model's field types cannot: identity (id, semantic
version, languages), names (unique, valid in Stata/SPSS/R/XLSForm, not reserved, room for
select_multiple indicator columns), choice lists (exist, unique codes and names, declared
missing-value codes present), that every text has every language, that question kinds carry
the right fields, and — through :mod:`prisonsurvey.questionnaire.compiled` — the expressions
(syntax, types, references to earlier questions only, no calculation cycles).

Locations come from a :class:`~prisonsurvey.questionnaire.source_map.SourceMap`; a
questionnaire built in code is checked the same way with empty locations.
"""

from __future__ import annotations

import difflib
import re

from prisonsurvey.errors import Issue, Severity
from prisonsurvey.questionnaire.codes import QnrCode
from prisonsurvey.questionnaire.compiled import analyse_logic
from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)
from prisonsurvey.questionnaire.source_map import ModelPath, SourceMap
from prisonsurvey.questionnaire.text_fields import QUESTION_TEXTS
from prisonsurvey.questionnaire.walk import WalkedItem, walk_items

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 32
MAX_MULTIPLE_NAME = 28
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$")
CHOICE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
TEXT_REF_RE = re.compile(r"\$\{([^}]*)\}")

RESERVED_NAMES: frozenset[str] = frozenset(
    {
        # Stata
        "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
        "_n", "_pi", "_pred", "_rc", "_skip", "str", "strl", "using", "with",
        # SPSS
        "all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to",
        # R
        "else", "repeat", "while", "function", "for", "next", "break", "true", "false",
        "null", "inf", "nan", "na", "na_integer_", "na_real_", "na_complex_",
        "na_character_",
        # XPath / XLSForm
        "div", "mod", "instance", "current", "position", "self", "parent", "child",
        "meta", "start", "end", "today", "deviceid",
    }
)  # fmt: skip
"""Lowercased words no question or group may be named (plus Stata's ``str1``..``str2045``)."""
_STATA_STR_RE = re.compile(r"^str\d+$")

_GROUP_TEXTS = ("label", "intro")


class _Linter:
    def __init__(self, q: Questionnaire, source: SourceMap) -> None:
        self.q = q
        self.source = source
        self.issues: list[Issue] = []
        self.languages = tuple(q.languages)

    def add(
        self,
        code: QnrCode,
        message: str,
        path: ModelPath,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.issues.append(Issue(code.value, message, self.source.locate(path, key=key), severity))

    # identity and languages

    def identity(self) -> None:
        q = self.q
        if not ID_RE.match(q.id):
            self.add(
                QnrCode.INSTRUMENT_ID,
                f"id '{q.id}' must be lowercase letters, digits, '-' or '_' (e.g. regional-inmate)",
                ("id",),
            )
        if not SEMVER_RE.match(q.version):
            self.add(
                QnrCode.VERSION,
                f"version '{q.version}' is not a semantic version; write MAJOR.MINOR.PATCH "
                "such as 1.0.0 (quote it if YAML reads it as a number)",
                ("version",),
            )
        seen: set[str] = set()
        for i, lang in enumerate(q.languages):
            if not LANGUAGE_RE.match(lang):
                self.add(
                    QnrCode.LANGUAGE_CODE,
                    f"language '{lang}' is not an IANA language code; use a lowercase "
                    "2-3 letter code such as es, en, pt, fr, optionally with a region (pt-BR)",
                    ("languages", i),
                )
            if lang in seen:
                self.add(
                    QnrCode.DUPLICATE_LANGUAGE,
                    f"language '{lang}' is listed twice; remove one",
                    ("languages", i),
                )
            seen.add(lang)
        if q.default_language not in q.languages:
            self.add(
                QnrCode.DEFAULT_LANGUAGE,
                f"default_language '{q.default_language}' is not one of languages "
                f"({', '.join(q.languages)}); add it to languages or change it",
                ("default_language",),
            )

    def text(self, text: Text, path: ModelPath, what: str) -> None:
        if not text:
            return
        missing = [lang for lang in self.languages if lang not in text]
        if missing:
            self.add(
                QnrCode.MISSING_TRANSLATION,
                f"{what} has no {', '.join(missing)} text; every text needs every language "
                f"({', '.join(self.languages)})",
                path,
            )
        for lang, value in text.items():
            if lang not in self.languages:
                self.add(
                    QnrCode.UNDECLARED_LANGUAGE,
                    f"{what} has text in '{lang}', which is not in languages; add the language "
                    "to questionnaire.yaml or remove this text",
                    (*path, lang),
                    key=True,
                    severity=Severity.WARNING,
                )
            elif not value.strip():
                self.add(
                    QnrCode.EMPTY_TEXT,
                    f"{what} is empty in '{lang}'; write the text",
                    (*path, lang),
                )

    # names

    def name(self, item: Question | Group, path: ModelPath) -> None:
        name = item.name
        where = (*path, "name")
        syntax_ok = NAME_RE.match(name) is not None
        if not syntax_ok:
            fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "q"
            self.add(
                QnrCode.NAME_SYNTAX,
                f"name '{name}' must be snake_case: a lowercase letter, then lowercase letters, "
                f"digits or '_' (e.g. '{fixed}')",
                where,
            )
        if len(name) > MAX_NAME:
            self.add(
                QnrCode.NAME_TOO_LONG,
                f"name '{name}' has {len(name)} characters; shorten it to at most {MAX_NAME} "
                "(Stata and SPSS limit)",
                where,
            )
        if syntax_ok and (name in RESERVED_NAMES or _STATA_STR_RE.match(name)):
            self.add(
                QnrCode.RESERVED_NAME,
                f"name '{name}' is a reserved word in Stata, SPSS, R or XPath; choose another "
                f"(e.g. '{name}_q')",
                where,
            )
        if (
            isinstance(item, Question)
            and item.type is QuestionType.SELECT_MULTIPLE
            and len(name) > MAX_MULTIPLE_NAME
        ):
            self.add(
                QnrCode.MULTIPLE_NAME_TOO_LONG,
                f"select_multiple name '{name}' has {len(name)} characters; shorten it to at "
                f"most {MAX_MULTIPLE_NAME} so indicator columns '{{name}}_{{code}}' fit in 32",
                where,
            )

    def names(self, items: list[WalkedItem]) -> None:
        first: dict[str, ModelPath] = {}
        for path, _, item in items:
            self.name(item, path)
            if item.name in first:
                other = self.source.locate((*first[item.name], "name"))
                where_first = f" (first at {other})" if other.file else ""
                self.add(
                    QnrCode.DUPLICATE_NAME,
                    f"name '{item.name}' is used twice{where_first}; names must be unique "
                    "across the whole questionnaire, rename one",
                    (*path, "name"),
                )
            else:
                first[item.name] = path
        indicators: dict[str, str] = {}
        for _, _, item in items:
            if isinstance(item, Question) and item.type is QuestionType.SELECT_MULTIPLE:
                choices = self.q.choice_lists.get(item.choices or "")
                for choice in choices.choices if choices else ():
                    indicators[f"{item.name}_{choice.code}"] = item.name
        for path, _, item in items:
            owner = indicators.get(item.name)
            if owner is not None:
                self.add(
                    QnrCode.INDICATOR_CLASH,
                    f"name '{item.name}' is also the indicator column of select_multiple "
                    f"'{owner}'; rename this question",
                    (*path, "name"),
                )

    # choice lists

    def choice_list(self, cl: ChoiceList) -> None:
        base: ModelPath = ("choice_lists", cl.name)
        if not cl.choices:
            self.add(QnrCode.EMPTY_LIST, f"choice list '{cl.name}' has no choices", base)
        codes: set[int] = set()
        names: set[str] = set()
        seen: dict[str, list[Choice]] = {}
        for i, choice in enumerate(cl.choices):
            path = (*base, "choices", i)
            repeated = _filtered_repeat(choice, seen.setdefault(choice.name, []))
            seen[choice.name].append(choice)
            if repeated:
                pass  # the same value again, told apart by choice_filter: allowed
            elif choice.code in codes:
                self.add(
                    QnrCode.DUPLICATE_CODE,
                    f"code {choice.code} appears twice in list '{cl.name}'; codes must be "
                    "unique within a list",
                    (*path, "code"),
                )
            codes.add(choice.code)
            if choice.name in names and not repeated:
                self.add(
                    QnrCode.DUPLICATE_CHOICE_NAME,
                    f"choice name '{choice.name}' appears twice in list '{cl.name}'; names "
                    "must be unique within a list, unless the same choice (same code) is "
                    "repeated with other filter values for a choice_filter",
                    (*path, "name"),
                )
            names.add(choice.name)
            if not CHOICE_NAME_RE.match(choice.name):
                self.add(
                    QnrCode.CHOICE_NAME_SYNTAX,
                    f"choice name '{choice.name}' may hold only letters, digits, '_', '.' "
                    "or '-' (no spaces): it is written in expressions",
                    (*path, "name"),
                )
            if not choice.label:
                self.add(
                    QnrCode.MISSING_LABEL,
                    f"choice '{choice.name}' of list '{cl.name}' has no label",
                    path,
                )
            self.text(choice.label, (*path, "label"), f"label of choice '{choice.name}'")
        for kind in ("dont_know", "refused", "not_applicable"):
            code = getattr(cl, kind)
            if code is not None and code not in codes:
                self.add(
                    QnrCode.MISSING_CODE_UNDECLARED,
                    f"{kind} code {code} is not a code of list '{cl.name}'; add a choice with "
                    "that code or fix the number",
                    (*base, kind),
                )

    # questions and groups

    def question(self, q: Question, path: ModelPath) -> None:
        lists = self.q.choice_lists
        if q.is_select and q.choices is None:
            self.add(
                QnrCode.SELECT_WITHOUT_LIST,
                f"{q.type.value} question '{q.name}' needs `choices: <list name>`",
                (*path, "type"),
            )
        labelled_calculate = q.type is QuestionType.CALCULATE and q.choices is not None
        if not q.is_select and q.choices is not None and not labelled_calculate:
            self.add(
                QnrCode.LIST_ON_NON_SELECT,
                f"question '{q.name}' is {q.type.value}, so it takes no choice list; remove "
                "`choices` or make it select_one / select_multiple",
                (*path, "choices"),
                key=True,
            )
        if (q.is_select or labelled_calculate) and q.choices and q.choices not in lists:
            close = difflib.get_close_matches(q.choices, list(lists), n=1, cutoff=0.6)
            tip = f"did you mean '{close[0]}'?" if close else "define it in a choice file"
            self.add(
                QnrCode.UNKNOWN_LIST,
                f"question '{q.name}' uses unknown choice list '{q.choices}'; {tip}",
                (*path, "choices"),
            )
        if q.choice_filter is not None and not q.is_select:
            self.add(
                QnrCode.CHOICE_FILTER_WITHOUT_LIST,
                f"question '{q.name}' has a choice_filter but is not a select question",
                (*path, "choice_filter"),
                key=True,
            )
        if q.type is QuestionType.CALCULATE and not (q.calculation or "").strip():
            self.add(
                QnrCode.CALCULATE_WITHOUT_CALCULATION,
                f"calculate question '{q.name}' needs `calculation: <expression>`",
                (*path, "type"),
            )
        if q.type is not QuestionType.CALCULATE and not q.label:
            self.add(
                QnrCode.MISSING_LABEL,
                f"question '{q.name}' has no label; add `label: {{{self.languages[0]}: ...}}`"
                if self.languages
                else f"question '{q.name}' has no label",
                (*path, "name"),
            )
        for name in QUESTION_TEXTS:
            self.text(getattr(q, name), (*path, name), f"{name} of '{q.name}'")

    def group(self, g: Group, path: ModelPath) -> None:
        if g.repeat_count is not None and not g.is_repeat:
            self.add(
                QnrCode.REPEAT_COUNT_ON_GROUP,
                f"group '{g.name}' has repeat_count but is not a repeat; set `type: repeat` "
                "or remove repeat_count",
                (*path, "repeat_count"),
                key=True,
            )
        if not g.items:
            self.add(
                QnrCode.EMPTY_GROUP,
                f"{g.type} '{g.name}' has no items",
                (*path, "name"),
                severity=Severity.WARNING,
            )
        for name in _GROUP_TEXTS:
            self.text(getattr(g, name), (*path, name), f"{name} of '{g.name}'")

    def text_references(self, items: list[WalkedItem]) -> None:
        names = {item.name for _, _, item in items}
        for path, _, item in items:
            fields = QUESTION_TEXTS if isinstance(item, Question) else _GROUP_TEXTS
            for field in fields:
                text: Text = getattr(item, field)
                for lang, value in text.items():
                    for match in TEXT_REF_RE.finditer(value):
                        ref = match.group(1)
                        if ref in names:
                            continue
                        self.issues.append(
                            Issue(
                                QnrCode.UNKNOWN_TEXT_REFERENCE.value,
                                f"{field} of '{item.name}' shows ${{{ref}}}, but there is no "
                                "question of that name; fix the name or remove it",
                                self.source.locate_offset((*path, field, lang), match.start()),
                            )
                        )

    def run(self) -> list[Issue]:
        self.identity()
        self.text(self.q.title, ("title",), "title")
        self.text(self.q.description, ("description",), "description")
        items = list(walk_items(self.q))
        self.names(items)
        for cl in self.q.choice_lists.values():
            self.choice_list(cl)
        for path, _, item in items:
            if isinstance(item, Question):
                self.question(item, path)
            else:
                self.group(item, path)
        self.text_references(items)
        self.issues.extend(analyse_logic(self.q, self.source, items).issues)
        return self.issues


def _filtered_repeat(choice: Choice, before: list[Choice]) -> bool:
    """Whether ``choice`` repeats an earlier choice (same name and code, other filters)."""
    return bool(before) and all(
        c.code == choice.code and c.filters and c.filters != choice.filters for c in before
    )


def lint_questionnaire(q: Questionnaire, source: SourceMap | None = None) -> list[Issue]:
    """Check the cross-field rules of a questionnaire.

    Args:
        q: The questionnaire.
        source: Where its parts were written; without it locations are empty.

    Returns:
        Every problem found (errors and warnings), in the order the rules ran.
    """
    return _Linter(q, source or SourceMap.empty()).run()
