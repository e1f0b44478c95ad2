"""The functions an expression may call, evaluated on whole columns.

Each implementation receives the evaluation :class:`Context` and the call node, evaluates the
arguments it needs and returns a :class:`~prisonsurvey.questionnaire.expressions.values.Value`.
Text functions run once per distinct input (see
:func:`~prisonsurvey.questionnaire.expressions.values.map_unique`), not once per row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Protocol

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.expressions.ast import Call, Expr
from prisonsurvey.questionnaire.expressions.errors import ExpressionError
from prisonsurvey.questionnaire.expressions.values import (
    XML_SPACE,
    Array,
    Value,
    date_text_days,
    map_unique,
)


class Context(Protocol):
    """What a function needs from the evaluator."""

    today: dt.date | None

    def eval(self, node: Expr) -> Value:
        """Evaluate a sub-expression."""
        ...

    def args(self, node: Call) -> list[Value]:
        """Evaluate every argument of a call."""
        ...

    def first(self, node: Call) -> Value:
        """The first argument, or the current answer when there is none."""
        ...

    def today_days(self) -> float:
        """Days since the epoch of the date ``today()`` returns."""
        ...


Impl = Callable[[Context, Call], Value]
"""A function implementation."""

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


def _selected(ev: Context, node: Call) -> Value:
    a, b = ev.args(node)
    return Value.boolean(
        map_unique(lambda s, v: v.strip(XML_SPACE) in _tokens(s), [a.to_str(), b.to_str()], "bool")
    )


def _count_selected(ev: Context, node: Call) -> Value:
    (a,) = ev.args(node)
    return Value.number(map_unique(_count_items, [a.to_str()], "float64"))


def _selected_at(ev: Context, node: Call) -> Value:
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


def _if(ev: Context, node: Call) -> Value:
    c, a, b = ev.args(node)
    return _merge(c.to_bool(), a, b)


def _coalesce(ev: Context, node: Call) -> Value:
    a, b = ev.args(node)
    sa, sb = a.to_str(), b.to_str()
    return Value.string(np.where(np.asarray(sa != "", dtype=bool), sa, sb))


def _concat(ev: Context, node: Call) -> Value:
    parts = [v.to_str() for v in ev.args(node)]
    if not parts:
        return Value.string("")
    out = parts[0]
    for part in parts[1:]:
        out = np.add(out, part, dtype=object)  # str + str, element by element
    return Value.string(np.asarray(out, dtype=object))


def _unary_num(fn: Callable[[Array], Array]) -> Impl:
    def impl(ev: Context, node: Call) -> Value:
        (a,) = ev.args(node)
        with np.errstate(all="ignore"):
            return Value.number(fn(a.to_num()))

    return impl


def _round(ev: Context, node: Call) -> Value:
    vals = ev.args(node)
    digits = vals[1].to_num() if len(vals) > 1 else np.asarray(0.0)
    return Value.number(map_unique(_js_round, [vals[0].to_num(), digits], "float64"))


def _count(ev: Context, node: Call) -> Value:
    (a,) = ev.args(node)
    if a.kind != "node":
        raise ExpressionError(
            "EXP015", "count() needs a repeat or question ${name}", max(node.offset, 0)
        )
    if a.is_numeric_node():
        return Value.number(np.nan_to_num(a.to_num(), nan=0.0))
    return Value.number(a.to_bool().astype(np.float64))


def _regex(ev: Context, node: Call) -> Value:
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


def _str2(fn: Callable[[str, str], object], otype: str) -> Impl:
    def impl(ev: Context, node: Call) -> Value:
        a, b = ev.args(node)
        out = map_unique(fn, [a.to_str(), b.to_str()], otype)
        return Value("bool" if otype == "bool" else "str", out)

    return impl


_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _parse_int(text: str) -> int | None:
    m = _LEADING_INT.match(text)
    return int(m.group(1)) if m else None


def _substr(ev: Context, node: Call) -> Value:
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


def _minmax(fn: Callable[[Array, Array], Array]) -> Impl:
    def impl(ev: Context, node: Call) -> Value:
        vals = [v.to_num() for v in ev.args(node)]
        out = vals[0]
        for v in vals[1:]:
            out = fn(out, v)
        return Value.number(out)

    return impl


def _date(ev: Context, node: Call) -> Value:
    (a,) = ev.args(node)
    if a.kind in ("num", "date", "bool"):
        return Value.date(a.to_num())
    if a.is_date_node():
        return Value.date(np.floor(a.datetime_days()))
    return Value.date(a.to_num())


def _decimal_date_time(ev: Context, node: Call) -> Value:
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


def _const(make: Callable[[Context], Value]) -> Impl:
    return lambda ev, node: make(ev)


def _first(convert: str) -> Impl:
    def impl(ev: Context, node: Call) -> Value:
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


FUNCTIONS: dict[str, Impl] = {
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
"""Implementations by function name."""
