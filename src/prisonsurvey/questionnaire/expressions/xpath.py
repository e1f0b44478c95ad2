"""Render a syntax tree back to XLSForm expression text, with canonical spacing."""

from __future__ import annotations

import math
from decimal import Decimal

from prisonsurvey.questionnaire.expressions.ast import (
    PRECEDENCE,
    UNARY_PRECEDENCE,
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

_ATOM = 100


def format_number(value: float) -> str:
    """Write a number as an XPath literal: ``18``, ``1.5``, ``0.00001`` (never an exponent).

    Raises:
        ValueError: ``value`` is not finite (XPath has no literal for it).
    """
    if not math.isfinite(value):
        raise ValueError(f"no XPath literal for {value!r}")
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def quote_string(value: str) -> str:
    """Quote a string literal: single quotes unless the text holds one.

    Text holding both quote characters has no XPath literal; it is written with ``concat()``.
    """
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    parts = value.split("'")
    pieces: list[str] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append('"\'"')
        if part:
            pieces.append(quote_string(part))
    return f"concat({', '.join(pieces)})"


def _precedence(expr: Expr) -> int:
    if isinstance(expr, BinOp):
        return PRECEDENCE[expr.op]
    if isinstance(expr, Neg):
        return UNARY_PRECEDENCE
    return _ATOM


def _wrap(expr: Expr, needed: int) -> str:
    text = to_xpath(expr)
    return f"({text})" if _precedence(expr) < needed else text


def to_xpath(expr: Expr) -> str:
    """Render ``expr`` as XLSForm expression text.

    ``${name}`` references are kept (pyxform turns them into XPath paths). Output is canonical:
    one space around binary operators, ``, `` between arguments, parentheses only where
    precedence needs them, single-quoted strings. ``parse(to_xpath(e)) == e``.
    """
    if isinstance(expr, Ref):
        return "${" + expr.name + "}"
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Current):
        return "."
    if isinstance(expr, Number):
        return format_number(expr.value)
    if isinstance(expr, String):
        return quote_string(expr.value)
    if isinstance(expr, BinOp):
        p = PRECEDENCE[expr.op]
        # Left-associative: an equal-precedence right operand needs parentheses.
        return f"{_wrap(expr.left, p)} {expr.op} {_wrap(expr.right, p + 1)}"
    if isinstance(expr, Neg):
        if isinstance(expr.operand, Neg):
            # '--x' is valid XPath but some engines reject it.
            return f"-({to_xpath(expr.operand)})"
        return "-" + _wrap(expr.operand, UNARY_PRECEDENCE)
    if isinstance(expr, Not):
        return f"not({to_xpath(expr.operand)})"
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(to_xpath(a) for a in expr.args)})"
    raise TypeError(f"not an expression node: {expr!r}")
