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
import math
import re
from collections.abc import Callable

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
from prisonsurvey.questionnaire.expressions.values import (
    XML_SPACE,
    Array,
    Value,
    date_days,
    date_text_days,
    map_unique,
)

_NUMERIC_KINDS = ("num", "date")
_MAX_DAYS = 106_000.0


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _tokens(text: str) -> list[str]:
    """Split a select_multiple answer as ODK does: an empty answer is one empty item."""
    return _XML_SPACE.split(text.strip(XML_SPACE))


def _js_round(x: float, digits: float) -> float:
    if math.isnan(x) or math.isnan(digits):
        return math.nan
    mult = np.power(10.0, np.float64(digits))
    sign = -1.0 if x < 0 else 1.0
    return float(np.floor(abs(x) * mult + 0.5) / mult * sign)


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
        impl = _FUNCTIONS.get(node.name)
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


_Impl = Callable[[_Evaluator, Call], Value]


def _str_fn(fn: Callable[..., object], otype: str) -> Callable[[list[Array]], Array]:
    return lambda arrays: map_unique(fn, arrays, otype)


def _selected(ev: _Evaluator, node: Call) -> Value:
    a, b = ev.args(node)
    return Value.boolean(
        map_unique(lambda s, v: v.strip(XML_SPACE) in _tokens(s), [a.to_str(), b.to_str()], "bool")
    )


def _count_selected(ev: _Evaluator, node: Call) -> Value:
    (a,) = ev.args(node)
    return Value.number(map_unique(_count_items, [a.to_str()], "float64"))


def _selected_at(ev: _Evaluator, node: Call) -> Value:
    a, i = ev.args(node)

    def pick(s: str, k: str) -> str:
        toks = _tokens(s)
        i = _parse_int(k)
        return toks[i] if i is not None and 0 <= i < len(toks) else ""

    return Value.string(map_unique(pick, [a.to_str(), i.to_str()], "object"))


def _merge(cond: Array, a: Value, b: Value) -> Value:
    """Pick ``a`` where ``cond`` holds, else ``b``, keeping one kind for the whole column."""
    kinds = {a.kind, b.kind}
    if kinds == {"bool"}:
        return Value.boolean(np.where(cond, a.data, b.data))
    if kinds <= {"num", "date"} or (a.is_numeric_node() and b.is_numeric_node()):
        if kinds == {"date"}:
            return Value.date(np.where(cond, a.data, b.data))
        return Value.number(np.where(cond, a.to_num(), b.to_num()))
    if kinds <= {"date", "node", "str"} and all(
        v.kind == "date" or v.is_date_node() or _is_empty_text(v) for v in (a, b)
    ):
        return Value.date(np.where(cond, _days(a), _days(b)))
    numeric = [v for v in (a, b) if v.kind == "num" or v.is_numeric_node()]
    if numeric and all(v.kind == "num" or v.is_numeric_node() or _is_empty_text(v) for v in (a, b)):
        # if(cond, 5, '') is a number that may be missing.
        return Value.number(np.where(cond, a.to_num(), b.to_num()))
    return Value.string(np.where(cond, a.to_str(), b.to_str()))


def _is_empty_text(v: Value) -> bool:
    return v.kind == "str" and v.data.ndim == 0 and v.data[()] == ""


def _days(v: Value) -> Array:
    if v.kind == "date":
        return v.data
    if v.kind == "node":
        return v.datetime_days() if v.is_date_node() else v.to_num()
    return np.asarray(np.nan)


def _if(ev: _Evaluator, node: Call) -> Value:
    c, a, b = ev.args(node)
    return _merge(c.to_bool(), a, b)


def _coalesce(ev: _Evaluator, node: Call) -> Value:
    a, b = ev.args(node)
    sa, sb = a.to_str(), b.to_str()
    return Value.string(np.where(np.asarray(sa != "", dtype=bool), sa, sb))


def _concat(ev: _Evaluator, node: Call) -> Value:
    parts = [v.to_str() for v in ev.args(node)]
    if not parts:
        return Value.string("")
    out = parts[0]
    for part in parts[1:]:
        out = np.add(out, part, dtype=object)  # str + str, element by element
    return Value.string(np.asarray(out, dtype=object))


def _unary_num(fn: Callable[[Array], Array]) -> _Impl:
    def impl(ev: _Evaluator, node: Call) -> Value:
        (a,) = ev.args(node)
        with np.errstate(all="ignore"):
            return Value.number(fn(a.to_num()))

    return impl


def _round(ev: _Evaluator, node: Call) -> Value:
    vals = ev.args(node)
    digits = vals[1].to_num() if len(vals) > 1 else np.asarray(0.0)
    return Value.number(map_unique(_js_round, [vals[0].to_num(), digits], "float64"))


def _count(ev: _Evaluator, node: Call) -> Value:
    (a,) = ev.args(node)
    if a.kind != "node":
        raise ExpressionError(
            "EXP015", "count() needs a repeat or question ${name}", max(node.offset, 0)
        )
    if a.is_numeric_node():
        return Value.number(np.nan_to_num(a.to_num(), nan=0.0))
    return Value.number(a.to_bool().astype(np.float64))


def _regex(ev: _Evaluator, node: Call) -> Value:
    s, p = ev.args(node)
    cache: dict[str, re.Pattern[str]] = {}

    def match(text: str, pattern: str) -> bool:
        if pattern not in cache:
            try:
                cache[pattern] = re.compile(pattern)
            except re.error as err:
                raise ExpressionError(
                    "EXP001",
                    f"invalid regular expression {pattern!r}: {err}",
                    max(node.args[1].offset, 0),
                ) from err
        return cache[pattern].search(text) is not None

    return Value.boolean(map_unique(match, [s.to_str(), p.to_str()], "bool"))


def _str2(fn: Callable[[str, str], object], otype: str) -> _Impl:
    def impl(ev: _Evaluator, node: Call) -> Value:
        a, b = ev.args(node)
        out = map_unique(fn, [a.to_str(), b.to_str()], otype)
        return Value("bool" if otype == "bool" else "str", out)

    return impl


_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _parse_int(text: str) -> int | None:
    m = _LEADING_INT.match(text)
    return int(m.group(1)) if m else None


def _substr(ev: _Evaluator, node: Call) -> Value:
    """``substr(s, start, end)``: 0-based, end excluded, negative positions count from the end."""
    vals = ev.args(node)
    end = vals[2].to_str() if len(vals) > 2 else Value.string("").data

    def cut(s: str, start_text: str, end_text: str) -> str:
        n = len(s)
        start = _parse_int(start_text)
        stop = _parse_int(end_text) if len(vals) > 2 else n
        if n == 0 or start is None or stop is None:
            return ""
        start = start + n if start < 0 else start
        stop = stop + n if stop < 0 else stop
        start = min(max(0, start), n)
        stop = min(max(0, stop), n)
        return s[start:stop] if start <= stop else ""

    return Value.string(map_unique(cut, [vals[0].to_str(), vals[1].to_str(), end], "object"))


def _minmax(fn: Callable[[Array, Array], Array]) -> _Impl:
    def impl(ev: _Evaluator, node: Call) -> Value:
        vals = [v.to_num() for v in ev.args(node)]
        out = vals[0]
        for v in vals[1:]:
            out = fn(out, v)
        return Value.number(out)

    return impl


def _date(ev: _Evaluator, node: Call) -> Value:
    (a,) = ev.args(node)
    if a.kind in ("num", "date", "bool"):
        return Value.date(a.to_num())
    if a.is_date_node():
        return Value.date(np.floor(a.datetime_days()))
    return Value.date(a.to_num())


def _decimal_date_time(ev: _Evaluator, node: Call) -> Value:
    (a,) = ev.args(node)
    if a.kind in ("num", "date", "bool"):
        return Value.number(a.to_num())
    if a.is_date_node():
        return Value.number(a.datetime_days())
    return Value.number(map_unique(_decimal_days, [a.to_str()], "float64"))


def _decimal_days(text: str) -> float:
    days = date_text_days(text.strip(XML_SPACE))
    if math.isnan(days):
        return days
    ts = pd.Timestamp(text.strip(XML_SPACE))
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return float(ts.value / 86_400e9)


def _const(make: Callable[[_Evaluator], Value]) -> _Impl:
    return lambda ev, node: make(ev)


def _first(convert: str) -> _Impl:
    def impl(ev: _Evaluator, node: Call) -> Value:
        a = ev.first(node)
        if convert == "num":
            return Value.number(a.to_num())
        if convert == "str":
            return Value.string(a.to_str())
        if convert == "bool":
            return Value.boolean(a.to_bool())
        return a

    return impl


def _normalize(s: str) -> str:
    return _XML_SPACE.sub(" ", s.strip(XML_SPACE))


def _count_items(s: str) -> float:
    return float(len(_tokens(s))) if s.strip(XML_SPACE) else 0.0


_FUNCTIONS: dict[str, _Impl] = {
    "selected": _selected,
    "count-selected": _count_selected,
    "selected-at": _selected_at,
    "string-length": lambda ev, node: Value.number(
        map_unique(lambda s: float(len(s)), [ev.first(node).to_str()], "float64")
    ),
    "if": _if,
    "coalesce": _coalesce,
    "today": _const(lambda ev: Value.date(ev.today_days())),
    "now": _const(
        lambda ev: Value.date(
            ev.today_days()
            if ev.today is not None
            else pd.Timestamp.now(tz="UTC").tz_localize(None).value / 86_400e9
        )
    ),
    "int": _unary_num(np.trunc),
    "round": _round,
    "not": lambda ev, node: Value.boolean(~ev.eval(node.args[0]).to_bool()),
    "concat": _concat,
    "number": _first("num"),
    "string": _first("str"),
    "boolean": _first("bool"),
    "boolean-from-string": lambda ev, node: Value.boolean(
        map_unique(
            lambda s: s.strip(XML_SPACE) in ("true", "1"), [ev.eval(node.args[0]).to_str()], "bool"
        )
    ),
    "count": _count,
    "sum": _first("num"),
    "max": _minmax(np.maximum),
    "min": _minmax(np.minimum),
    "regex": _regex,
    "true": _const(lambda ev: Value.boolean(True)),
    "false": _const(lambda ev: Value.boolean(False)),
    "contains": _str2(lambda a, b: b in a, "bool"),
    "starts-with": _str2(lambda a, b: a.startswith(b), "bool"),
    "ends-with": _str2(lambda a, b: a.endswith(b), "bool"),
    "substring-before": _str2(lambda a, b: a[: a.find(b)] if b in a else "", "object"),
    "substring-after": _str2(lambda a, b: a[a.find(b) + len(b) :] if b in a else "", "object"),
    "substr": _substr,
    "normalize-space": lambda ev, node: Value.string(
        map_unique(_normalize, [ev.first(node).to_str()], "object")
    ),
    "floor": _unary_num(np.floor),
    "ceiling": _unary_num(np.ceil),
    "abs": _unary_num(np.abs),
    "pow": lambda ev, node: Value.number(
        np.power(ev.eval(node.args[0]).to_num(), ev.eval(node.args[1]).to_num())
    ),
    "once": _first("same"),
    "date": _date,
    "decimal-date-time": _decimal_date_time,
    "jr:choice-name": lambda ev, node: Value.string(ev.eval(node.args[0]).to_str()),
}


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
