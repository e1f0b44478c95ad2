"""Give imported questions, groups and choices names the questionnaire format accepts.

XLSForm allows names the project's rules refuse (``Sucker_2``, ``FALSE``, ``_1``, ``año``,
names longer than 32 characters, Stata/SPSS/R reserved words, choice names with spaces).
Each is renamed to a valid one, the original kept as ``xlsform_name`` (so data collected with
the original form still import), and every expression and ``${name}`` in a text follows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from prisonsurvey.errors import Severity
from prisonsurvey.questionnaire.expressions import (
    BinOp,
    Call,
    Current,
    Expr,
    ExpressionError,
    Neg,
    Not,
    Ref,
    String,
    parse,
    to_xpath,
)
from prisonsurvey.questionnaire.lint import (
    CHOICE_NAME_RE,
    MAX_MULTIPLE_NAME,
    MAX_NAME,
    NAME_RE,
    RESERVED_NAMES,
    TEXT_REF_RE,
)
from prisonsurvey.questionnaire.model import (
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)
from prisonsurvey.xlsform.import_sheets import SheetImporter

_STATA_STR = re.compile(r"^str\d+$")
_EXPRESSIONS = ("relevant", "constraint", "calculation", "choice_filter", "repeat_count")
_TEXTS = ("label", "hint", "guidance_hint", "constraint_message", "required_message", "intro")


def _limit(item: Question | Group) -> int:
    multiple = isinstance(item, Question) and item.type is QuestionType.SELECT_MULTIPLE
    return MAX_MULTIPLE_NAME if multiple else MAX_NAME


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _reserved(name: str) -> bool:
    return name in RESERVED_NAMES or _STATA_STR.match(name) is not None


def _unique(base: str, taken: set[str], limit: int) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base[: limit - len(str(n)) - 1]}_{n}"
    return name


def valid_name(name: str, taken: set[str], limit: int = MAX_NAME) -> str:
    """Return ``name`` if the naming rules accept it, else the closest valid unused name."""
    if NAME_RE.match(name) and len(name) <= limit and not _reserved(name) and name not in taken:
        return name
    base = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]+", "_", _ascii(name).lower())).strip("_")
    if not base or not base[0].isalpha():
        base = f"q_{base}".rstrip("_")
    base = base[:limit].rstrip("_")
    if _reserved(base):
        base = f"{base[: limit - 2]}_q"
    return _unique(base, taken, limit)


def valid_choice_name(name: str, taken: set[str]) -> str:
    """Return ``name`` if expressions can hold it, else a close name of letters, digits, ``_``."""
    if CHOICE_NAME_RE.match(name):
        return name
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", _ascii(name)).strip("_") or "choice"
    return _unique(base, taken, 64)


class Renamer:
    """Rename what breaks the naming rules and rewrite every use of the old names."""

    def __init__(self, importer: SheetImporter, q: Questionnaire) -> None:
        self.importer = importer
        self.q = q
        self.items: dict[str, str] = {}
        self.choices: dict[str, dict[str, str]] = {}
        self.list_of: dict[str, str] = {}

    def run(self) -> Questionnaire:
        """Return the questionnaire with valid names (unchanged when every name is valid)."""
        lists = {name: self.choice_list(cl) for name, cl in self.q.choice_lists.items()}
        for _, item in self.q.walk():
            if isinstance(item, Question) and item.choices:
                self.list_of[item.name] = item.choices
        taken: set[str] = set()
        renamed: dict[int, str] = {}
        for _, item in self.q.walk():
            new = valid_name(item.name, taken, _limit(item))
            taken.add(new)
            if new != item.name:
                renamed[id(item)] = new
                self.items.setdefault(item.name, new)
        indicators = self.indicators(lists, renamed)
        for _, item in self.q.walk():
            current = renamed.get(id(item), item.name)
            if current in indicators:
                taken.discard(current)
                new = _unique(f"{current}_q", taken | indicators, _limit(item))
                taken.add(new)
                renamed[id(item)] = new
                self.items.setdefault(item.name, new)
        if not renamed and not any(self.choices.values()):
            return self.q
        for _, item in self.q.walk():
            if id(item) in renamed and item.name in self.importer.row_of:
                self.report(item, renamed[id(item)])
        modules = tuple(self.group(m, renamed) for m in self.q.modules)
        instance_name = self.expression(self.q.instance_name)
        return self.q.model_copy(
            update={"modules": modules, "choice_lists": lists, "instance_name": instance_name}
        )

    def indicators(self, lists: dict[str, ChoiceList], renamed: dict[int, str]) -> set[str]:
        """Return the indicator column names ``{name}_{code}`` of the select-multiples."""
        out: set[str] = set()
        for _, item in self.q.walk():
            if isinstance(item, Question) and item.type is QuestionType.SELECT_MULTIPLE:
                name = renamed.get(id(item), item.name)
                for c in lists[item.choices].choices if item.choices in lists else ():
                    out.add(f"{name}_{c.code}")
        return out

    def report(self, item: Question | Group, new: str) -> None:
        """Report the renaming of a question or group, located at its row."""
        self.importer.row_of.setdefault(new, self.importer.row_of.get(item.name, 0))
        self.importer.issue(
            "XLS120",
            f"name '{item.name}' breaks the naming rules (snake_case, at most "
            f"{_limit(item)} characters, not a reserved word, unique); it is renamed '{new}' and "
            "kept as xlsform_name, so data collected with the form still import",
            "survey",
            self.importer.row_of.get(item.name),
            "name",
            Severity.INFO,
        )

    def choice_list(self, cl: ChoiceList) -> ChoiceList:
        """Return the list with invalid choice names renamed (originals kept)."""
        mapping: dict[str, str] = {}
        taken = {c.name for c in cl.choices if CHOICE_NAME_RE.match(c.name)}
        for c in cl.choices:
            if c.name in mapping or CHOICE_NAME_RE.match(c.name):
                continue
            mapping[c.name] = valid_choice_name(c.name, taken)
            taken.add(mapping[c.name])
            self.importer.issue(
                "XLS120",
                f"choice name '{c.name}' of list '{cl.name}' cannot be written in expressions; "
                f"it is renamed '{mapping[c.name]}' and kept as xlsform_name",
                "choices",
                None,
                "name",
                Severity.INFO,
            )
        self.choices[cl.name] = mapping
        if not mapping:
            return cl
        choices = tuple(
            c.model_copy(update={"name": mapping[c.name], "xlsform_name": c.name})
            if c.name in mapping
            else c
            for c in cl.choices
        )
        return cl.model_copy(update={"choices": choices})

    # --- rewriting uses of the old names ---------------------------------------------------
    def text(self, text: Text) -> Text:
        """Return the text with ``${old}`` written ``${new}``."""

        def repl(m: re.Match[str]) -> str:
            return "${" + self.items.get(m.group(1), m.group(1)) + "}"

        return {lang: TEXT_REF_RE.sub(repl, value) for lang, value in text.items()}

    def expression(self, source: str | None, current: str | None = None) -> str | None:
        """Return the expression with renamed questions and choice values."""
        if not source:
            return source
        try:
            expr = parse(source)
        except ExpressionError:
            return source  # reported (and dropped) by the expression check
        new = self.node(expr, current)
        return source if new == expr else to_xpath(new)

    def choice_map(self, node: Expr, current: str | None) -> dict[str, str]:
        """Return the choice renames of the list of the select that ``node`` names."""
        name = current if isinstance(node, Current) else None
        if isinstance(node, Ref):
            name = node.name
        return self.choices.get(self.list_of.get(name or "", ""), {})

    def value(self, node: Expr, mapping: dict[str, str]) -> Expr:
        """Return a string literal renamed through ``mapping``."""
        if isinstance(node, String) and node.value in mapping:
            return replace(node, value=mapping[node.value])
        return node

    def node(self, node: Expr, current: str | None) -> Expr:
        """Rewrite one parsed expression node."""
        if isinstance(node, Ref):
            return replace(node, name=self.items.get(node.name, node.name))
        if isinstance(node, Neg | Not):
            return replace(node, operand=self.node(node.operand, current))
        if isinstance(node, BinOp):
            left, right = self.node(node.left, current), self.node(node.right, current)
            if node.op in ("=", "!="):
                right = self.value(right, self.choice_map(node.left, current))
                left = self.value(left, self.choice_map(node.right, current))
            return replace(node, left=left, right=right)
        if isinstance(node, Call):
            args = [self.node(a, current) for a in node.args]
            if node.name in ("selected", "selected-at") and len(args) == 2:
                args[1] = self.value(args[1], self.choice_map(node.args[0], current))
            return replace(node, args=tuple(args))
        return node

    def group(self, g: Group, renamed: dict[int, str]) -> Group:
        """Return the group with its names and expressions rewritten."""
        update: dict[str, Any] = {
            "items": tuple(
                self.group(i, renamed) if isinstance(i, Group) else self.question(i, renamed)
                for i in g.items
            ),
            "relevant": self.expression(g.relevant),
            "repeat_count": self.expression(g.repeat_count),
            "label": self.text(g.label),
            "intro": self.text(g.intro),
        }
        if id(g) in renamed:  # a module made by the import has no name in the form
            original = g.name if g.name in self.importer.row_of else None
            update |= {"name": renamed[id(g)], "xlsform_name": original}
        return g.model_copy(update=update)

    def question(self, q: Question, renamed: dict[int, str]) -> Question:
        """Return the question with its names and expressions rewritten."""
        update: dict[str, Any] = {name: self.text(getattr(q, name)) for name in _TEXTS[:-1]}
        for column in _EXPRESSIONS[:-1]:
            update[column] = self.expression(getattr(q, column), q.name)
        if isinstance(q.required, str):
            update["required"] = self.expression(q.required, q.name)
        if q.default and q.is_select:
            mapping = self.choices.get(q.choices or "", {})
            update["default"] = " ".join(mapping.get(v, v) for v in q.default.split())
        if id(q) in renamed:
            update |= {"name": renamed[id(q)], "xlsform_name": q.name}
        return q.model_copy(update=update)
