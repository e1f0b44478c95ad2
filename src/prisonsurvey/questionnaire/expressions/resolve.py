"""Check an expression against the questionnaire's variables and rewrite choice names to codes."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from prisonsurvey.questionnaire.expressions.ast import (
    BinOp,
    Call,
    Current,
    Expr,
    Name,
    Neg,
    Not,
    Number,
    Ref,
    String,
)
from prisonsurvey.questionnaire.expressions.errors import ExpressionError
from prisonsurvey.questionnaire.expressions.functions import SIGNATURES
from prisonsurvey.questionnaire.expressions.xpath import format_number
from prisonsurvey.questionnaire.model import ChoiceList, QuestionType


@dataclass(frozen=True)
class VarInfo:
    """What an expression needs to know about a variable.

    Attributes:
        type: The question type.
        choices: The choice list of a select question.
        in_repeat: Name of the innermost repeat holding the variable, ``None`` at the root.
    """

    type: QuestionType
    choices: ChoiceList | None = None
    in_repeat: str | None = None


def _suggest(word: str, candidates: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


class _Resolver:
    def __init__(
        self,
        variables: Mapping[str, VarInfo],
        current: VarInfo | None,
        attributes: Collection[str] | None,
    ) -> None:
        self.variables = variables
        self.current = current
        self.attributes = attributes
        self.errors: list[ExpressionError] = []

    def fail(self, code: str, message: str, node: Expr) -> None:
        self.errors.append(ExpressionError(code, message, max(node.offset, 0)))

    def info(self, node: Expr) -> tuple[str, VarInfo] | None:
        if isinstance(node, Ref):
            found = self.variables.get(node.name)
            return (node.name, found) if found is not None else None
        if isinstance(node, Current) and self.current is not None:
            return ".", self.current
        return None

    def visit(self, node: Expr) -> Expr:
        if isinstance(node, Ref):
            if node.name not in self.variables:
                self.fail(
                    "EXP010",
                    f"'${{{node.name}}}' is not a question of this questionnaire."
                    + _suggest(node.name, self.variables),
                    node,
                )
            return node
        if isinstance(node, Current):
            if self.current is None:
                self.fail(
                    "EXP013",
                    "'.' (the current answer) can only be used in a constraint or choice "
                    "filter; refer to the question as ${name}",
                    node,
                )
            return node
        if isinstance(node, Name):
            self.visit_name(node)
            return node
        if isinstance(node, Number | String):
            return node
        if isinstance(node, Neg):
            return replace(node, operand=self.visit(node.operand))
        if isinstance(node, Not):
            return replace(node, operand=self.visit(node.operand))
        if isinstance(node, BinOp):
            left = self.visit(node.left)
            right = self.visit(node.right)
            if node.op in ("=", "!="):
                right = self.compared_choice(left, right)
                left = self.compared_choice(right, left)
            return replace(node, left=left, right=right)
        if isinstance(node, Call):
            return self.visit_call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def visit_name(self, node: Name) -> None:
        if self.attributes is None:
            hint = (
                f" Write ${{{node.name}}} to refer to that question."
                if node.name in self.variables
                else " Refer to a question as ${name}, or quote text as 'text'."
            )
            self.fail("EXP014", f"bare name '{node.name}' is not allowed here.{hint}", node)
        elif node.name not in self.attributes:
            self.fail(
                "EXP010",
                f"'{node.name}' is not a filter attribute of this choice list."
                + _suggest(node.name, self.attributes),
                node,
            )

    def compared_choice(self, var: Expr, value: Expr) -> Expr:
        """Rewrite ``value`` compared with a select_one ``var`` from a choice name to its code."""
        found = self.info(var)
        if found is None:
            return value
        name, info = found
        if info.type is QuestionType.SELECT_MULTIPLE and not (
            isinstance(value, String) and value.value == ""
        ):
            if isinstance(value, String | Number):
                shown = value.value if isinstance(value, String) else format_number(value.value)
                self.fail(
                    "EXP016",
                    f"{name} is a select_multiple: '=' and '!=' compare the whole answer; write "
                    f"selected({'.' if name == '.' else '${' + name + '}'}, '{shown}') "
                    "to test one choice",
                    var,
                )
            return value
        if info.type is not QuestionType.SELECT_ONE or info.choices is None:
            return value
        if isinstance(value, String):
            if value.value == "":
                return value
            return self.choice_code(name, info.choices, value, as_string=False)
        if isinstance(value, Number) and not self.has_code(info.choices, value.value):
            self.fail(
                "EXP012",
                f"{format_number(value.value)} is not a code of choice list "
                f"'{info.choices.name}' used by {name}; codes are "
                f"{', '.join(str(c.code) for c in info.choices.choices)}",
                value,
            )
        return value

    @staticmethod
    def has_code(choices: ChoiceList, value: float) -> bool:
        return any(c.code == value for c in choices.choices)

    def choice_code(self, var: str, choices: ChoiceList, value: String, *, as_string: bool) -> Expr:
        text = value.value.strip()
        by_name = choices.by_name()
        code: int | None = None
        if text in by_name:
            code = by_name[text].code
        elif text.lstrip("-").isdigit() and int(text) in choices.by_code():
            code = int(text)
        if code is None:
            self.fail(
                "EXP012",
                f"'{value.value}' is not a choice of list '{choices.name}' used by {var}."
                + _suggest(text, by_name)
                + f" Choices are: {', '.join(by_name)}",
                value,
            )
            return value
        if as_string:
            return String(str(code), offset=value.offset)
        return Number(float(code), offset=value.offset)

    def visit_call(self, node: Call) -> Expr:
        sig = SIGNATURES.get(node.name)
        args = tuple(self.visit(a) for a in node.args)
        node = replace(node, args=args)
        if sig is None:
            self.fail(
                "EXP004",
                f"unknown function {node.name}()." + _suggest(node.name, SIGNATURES),
                node,
            )
            return node
        if len(args) < sig.min_args or (sig.max_args is not None and len(args) > sig.max_args):
            self.fail(
                "EXP003",
                f"{node.name}() takes {sig.arity_text()}, not {len(args)}",
                node,
            )
            return node
        if node.name in ("selected", "count-selected", "selected-at"):
            return self.visit_selected(node)
        if node.name == "count" and not isinstance(args[0], Ref | Current):
            message = "count() counts the entries of a repeat: write count(${name})"
            self.fail("EXP015", message, node)
        return node

    def visit_selected(self, node: Call) -> Expr:
        target = node.args[0]
        found = self.info(target)
        if found is None:
            if isinstance(target, Ref | Current):
                return node  # unknown reference or '.', reported already
            self.fail(
                "EXP011",
                f"the first argument of {node.name}() must be a select_multiple question ${{name}}",
                target,
            )
            return node
        name, info = found
        if info.type is not QuestionType.SELECT_MULTIPLE:
            self.fail(
                "EXP011",
                f"{node.name}() needs a select_multiple question but {name} is {info.type.value}"
                + (f"; write {name} = 'choice' instead" if node.name == "selected" else ""),
                target,
            )
            return node
        if node.name != "selected" or info.choices is None:
            return node
        value = node.args[1]
        if isinstance(value, String):
            new = self.choice_code(name, info.choices, value, as_string=True)
            return replace(node, args=(target, new))
        if isinstance(value, Number):
            if not self.has_code(info.choices, value.value):
                self.fail(
                    "EXP012",
                    f"{format_number(value.value)} is not a code of choice list "
                    f"'{info.choices.name}' used by {name}",
                    value,
                )
                return node
            return replace(
                node, args=(target, String(format_number(value.value), offset=value.offset))
            )
        return node


def check_all(
    expr: Expr,
    variables: Mapping[str, VarInfo],
    current: VarInfo | None = None,
    *,
    attributes: Collection[str] | None = None,
) -> list[ExpressionError]:
    """Check ``expr`` like :func:`resolve` but return every problem instead of raising.

    Args:
        expr: A parsed expression.
        variables: Every variable the expression may refer to, by name.
        current: What ``.`` refers to (the question a constraint belongs to), if anything.
        attributes: For a ``choice_filter``, the choice attributes bare names may refer to.

    Returns:
        The problems in source order; empty when the expression is fine.
    """
    resolver = _Resolver(variables, current, attributes)
    resolver.visit(expr)
    return sorted(resolver.errors, key=lambda e: e.offset)


def resolve(
    expr: Expr,
    variables: Mapping[str, VarInfo],
    current: VarInfo | None = None,
    *,
    attributes: Collection[str] | None = None,
) -> Expr:
    """Type-check ``expr`` and rewrite choice names to codes.

    ``${status} = 'pretrial'`` becomes ``${status} = 1`` when ``status`` is a select_one whose
    choice ``pretrial`` has code 1; ``selected(${care}, 'relatives')`` becomes
    ``selected(${care}, '3')``. Codes written directly are checked and kept.

    Args:
        expr: A parsed expression.
        variables: Every variable the expression may refer to, by name.
        current: What ``.`` refers to (the question a constraint belongs to), if anything.
        attributes: For a ``choice_filter``, the choice attributes bare names may refer to.

    Returns:
        The rewritten expression.

    Raises:
        ExpressionError: The first problem in source order: unknown reference (EXP010),
            ``selected()``/``count-selected()`` on a question that is not select_multiple
            (EXP011), unknown choice (EXP012), wrong number of arguments (EXP003), unknown
            function (EXP004), ``.`` without a current answer (EXP013), bare name (EXP014),
            ``count()`` of something other than a reference (EXP015), a select_multiple
            compared with ``=``/``!=`` to a choice (EXP016).
    """
    resolver = _Resolver(variables, current, attributes)
    out = resolver.visit(expr)
    if resolver.errors:
        raise min(resolver.errors, key=lambda e: e.offset)
    return out
