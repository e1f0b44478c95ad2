"""Evaluate an expression on every row of a DataFrame at once, with ODK's semantics.

The rules follow ODK Web Forms (``@getodk/xforms-engine``) and JavaRosa (ODK Collect), which
agree on everything a questionnaire normally writes:

- An unanswered question is the empty string: ``${x} = ''`` is true, ``${age} >= 18`` is false
  and ``${age} != 18`` is true (the empty string as a number is NaN).
- ``=`` and ``!=``: if either side is logical, both are compared as logical values; else if
  either side is a number (or a date from ``today()``), as numbers; else as text (so two
  unanswered questions are equal).
- ``<``, ``<=``, ``>``, ``>=``: as numbers. ISO date texts and date columns count days since
  1970-01-01 (a time of day adds a fraction), so ``${d} <= today()`` and ``${d1} < ${d2}``
  work.
- Arithmetic on a missing value gives NaN; division by zero gives infinity; ``int()``
  truncates toward zero; ``round()`` rounds half away from zero.
- ``selected(${x}, v)`` splits the answer on spaces; like both engines, an empty answer holds
  one empty item, so only ``selected(${x}, '')`` is true for it.

Where the engines differ, or where one row per respondent cannot say what a form would:

- A question used directly as a logical value (``not(${x})``, ``if(${x}, ...)``) is true when
  its answer is not blank, as in JavaRosa (Web Forms treats any existing field as true).
- ``count(${r})``: the number held in column ``r`` (missing counts as 0) when that column is
  numeric, so an importer can store the number of repeat entries under the repeat's name;
  otherwise 1 for a non-blank value and 0 for a blank one. ``sum(${x})`` is the number in
  ``x``. ``jr:choice-name(v, ...)`` is ``v`` as text (the table holds no choice labels).
- ``now()`` is the start of ``today`` when ``today`` is given.
- Elsewhere Web Forms is followed where JavaRosa differs: JavaRosa rounds -2.5 to -2, reads
  neither the ISO date text of a text question nor ``'1e3'`` as a number, skips empty answers
  in ``sum()``, ``min()`` and ``max()`` (Web Forms: NaN) and writes NaN as 'NaN' (Web
  Forms: ''). A column of ISO date texts is read as dates, as both engines read a date
  question.

Results: logical expressions give a boolean Series (never NA), numeric ones float64, text
ones object (str), dates datetime64. The index is the DataFrame's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

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
from prisonsurvey.questionnaire.expressions.library import FUNCTIONS
from prisonsurvey.questionnaire.expressions.values import Array, Value, date_days, map_unique

_NUMERIC_KINDS = ("num", "date")
_MAX_DAYS = 106_000.0


class _Evaluator:
    def __init__(self, data: pd.DataFrame, current: str | None, today: dt.date | None) -> None:
        self.data = data
        self.n = len(data)
        self.current = current
        self.today = today
        self.columns: dict[str, Value] = {}

    def column(self, name: str, node: Expr) -> Value:
        if name not in self.columns:
            if name not in self.data.columns:
                raise ExpressionError(
                    "EXP010",
                    f"the data has no column '{name}'",
                    max(node.offset, 0),
                )
            self.columns[name] = Value.node(self.data[name])
        return self.columns[name]

    def eval(self, node: Expr) -> Value:
        if isinstance(node, Ref | Name):
            return self.column(node.name, node)
        if isinstance(node, Current):
            if self.current is None:
                raise ExpressionError(
                    "EXP013",
                    "'.' needs the name of the current column (current=...)",
                    max(node.offset, 0),
                )
            return self.column(self.current, node)
        if isinstance(node, Number):
            return Value.number(node.value)
        if isinstance(node, String):
            return Value.string(node.value)
        if isinstance(node, Neg):
            return Value.number(-self.eval(node.operand).to_num())
        if isinstance(node, Not):
            return Value.boolean(~self.eval(node.operand).to_bool())
        if isinstance(node, BinOp):
            return self.binop(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def binop(self, node: BinOp) -> Value:
        a = self.eval(node.left)
        b = self.eval(node.right)
        op = node.op
        if op == "and":
            return Value.boolean(a.to_bool() & b.to_bool())
        if op == "or":
            return Value.boolean(a.to_bool() | b.to_bool())
        if op in ("=", "!="):
            eq = self.equal(a, b)
            return Value.boolean(eq if op == "=" else ~eq)
        x, y = a.to_num(), b.to_num()
        with np.errstate(all="ignore"):
            if op == "<":
                return Value.boolean(x < y)
            if op == "<=":
                return Value.boolean(x <= y)
            if op == ">":
                return Value.boolean(x > y)
            if op == ">=":
                return Value.boolean(x >= y)
            if op == "+":
                return Value.number(x + y)
            if op == "-":
                return Value.number(x - y)
            if op == "*":
                return Value.number(x * y)
            if op == "div":
                return Value.number(np.true_divide(x, y))
            if op == "mod":
                return Value.number(np.fmod(x, y))
        raise ExpressionError("EXP001", f"unknown operator '{op}'", max(node.offset, 0))

    @staticmethod
    def equal(a: Value, b: Value) -> Array:
        if a.kind == "bool" or b.kind == "bool":
            return np.asarray(a.to_bool() == b.to_bool())
        if a.kind in _NUMERIC_KINDS or b.kind in _NUMERIC_KINDS:
            with np.errstate(invalid="ignore"):
                return np.asarray(a.to_num() == b.to_num())
        x, y = a.to_str(), b.to_str()
        if x.ndim == 0 and y.ndim == 0:
            return np.asarray(x[()] == y[()])
        if x.ndim == 0 or y.ndim == 0:
            # Compare the distinct texts once, then spread the answer over the rows.
            const, arr = (x[()], y) if x.ndim == 0 else (y[()], x)
            return map_unique(lambda s: s == const, [arr], "bool")
        return np.asarray(x == y, dtype=bool)

    # -- functions --------------------------------------------------------------------

    def call(self, node: Call) -> Value:
        sig = SIGNATURES.get(node.name)
        offset = max(node.offset, 0)
        if sig is None:
            raise ExpressionError("EXP004", f"unknown function {node.name}()", offset)
        nargs = len(node.args)
        if nargs < sig.min_args or (sig.max_args is not None and nargs > sig.max_args):
            raise ExpressionError(
                "EXP003", f"{node.name}() takes {sig.arity_text()}, not {nargs}", offset
            )
        impl = FUNCTIONS.get(node.name)
        if impl is None or not sig.evaluable:
            raise ExpressionError(
                "EXP020", f"{node.name}() cannot be evaluated on a table of answers", offset
            )
        return impl(self, node)

    def args(self, node: Call) -> list[Value]:
        return [self.eval(a) for a in node.args]

    def first(self, node: Call) -> Value:
        """The first argument, or the current answer when there is none (``string-length()``)."""
        return self.eval(node.args[0] if node.args else Current(offset=node.offset))

    def today_days(self) -> float:
        return date_days(self.today if self.today is not None else dt.date.today())


def _to_series(value: Value, n: int, index: pd.Index) -> pd.Series:
    if value.kind == "node":
        assert value.column is not None
        if value.is_numeric_node():
            return pd.Series(value.to_num(), index=index, dtype=np.float64)
        if value.is_date_node():
            return _to_series(Value.date(value.datetime_days()), n, index)
        value = Value.string(value.to_str())
    data = np.broadcast_to(value.data, (n,))
    if value.kind == "bool":
        return pd.Series(np.array(data, dtype=bool), index=index, dtype=bool)
    if value.kind == "num":
        return pd.Series(np.array(data, dtype=np.float64), index=index, dtype=np.float64)
    if value.kind == "date":
        days = np.asarray(data, dtype=np.float64)
        # Dates pandas cannot hold (outside 1677-2262) become NaT.
        ms = np.where(np.abs(days) < _MAX_DAYS, np.round(days * 86_400_000.0), np.nan)
        return pd.to_datetime(pd.Series(ms, index=index), unit="ms").astype("datetime64[ns]")
    out_obj = np.empty(n, dtype=object)
    out_obj[:] = data
    return pd.Series(out_obj, index=index, dtype=object)


def evaluate(
    expr: Expr,
    data: pd.DataFrame,
    *,
    current: str | None = None,
    today: dt.date | None = None,
) -> pd.Series:
    """Evaluate ``expr`` on every row of ``data`` at once.

    Args:
        expr: A parsed (and usually resolved) expression.
        data: One column per question, named as the question (see the data conventions in
            ``docs/questionnaire-format.md``).
        current: The column ``.`` refers to (the question a constraint belongs to).
        today: The date ``today()`` returns; the system date when not given.

    Returns:
        One value per row, indexed like ``data``: bool for logical expressions, float64 for
        numbers, object (str) for text, datetime64 for dates.

    Raises:
        ExpressionError: A referenced column is missing (EXP010), ``.`` is used without
            ``current`` (EXP013), or a function cannot be evaluated on a table (EXP020).
    """
    ev = _Evaluator(data, current, today)
    # Division by zero, overflow and NaN follow IEEE rules silently, as in ODK.
    with np.errstate(all="ignore"):
        return _to_series(ev.eval(expr), len(data), data.index)
