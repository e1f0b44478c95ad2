"""Typed column values for vectorised evaluation, with ODK's conversion rules.

A value is one of five kinds, each backed by a numpy array of one element per row, or by a
0-dimensional array when it is the same on every row (literals):

- ``bool``: logical; ``num``: float64 numbers (NaN when missing); ``str``: Python strings;
- ``date``: float64 days since 1970-01-01 (the result of ``today()``, ``now()``, ``date()``);
- ``node``: the answer to a question (a data column), converted on demand as ODK converts a
  form field: its string value is the text ODK would hold ('' when unanswered), its number
  value parses that text (ISO dates become days since the epoch), and it is true
  when the text is not blank.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

Array = npt.NDArray[Any]

_DAY_NS = 86_400 * 10**9
_UNITS_PER_DAY = {"ns": 86_400e9, "us": 86_400e6, "ms": 86_400e3, "s": 86_400.0}
_EPOCH = dt.date(1970, 1, 1)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_INFINITY = {"Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[-+]\d{2}:\d{2})?)?$"
)
XML_SPACE = " \t\r\n"
"""The characters XPath treats as white space (trimmed, and separating select_multiple codes)."""


def js_number_text(x: float) -> str:
    """Write a number as ODK (JavaScript) does: ``18``, ``1.5``, '' for NaN."""
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    text = repr(float(x))
    if "e" not in text:
        return text
    mantissa, exp = text.split("e")
    e = int(exp)
    if -7 < e < 21:  # JavaScript writes these without an exponent
        return str(np.format_float_positional(x, trim="-"))
    return f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


def date_text_days(text: str) -> float:
    """Return days since the epoch (with a fraction for a time) of an ISO date text, else NaN."""
    if not _ISO_DATE.match(text):
        return math.nan
    try:
        ts = pd.Timestamp(text)
    except (ValueError, OverflowError):
        return math.nan
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return float(ts.value / _DAY_NS)


def text_number(text: str) -> float:
    """Convert text to a number as ODK does (ISO dates become days since the epoch)."""
    s = text.strip(XML_SPACE)
    if not s:
        return math.nan
    if _NUMBER.match(s):
        return float(s)
    if s in _INFINITY:
        return _INFINITY[s]
    return date_text_days(s)


def days_text(days: float) -> str:
    """Write days since the epoch as ODK writes a date (``2024-01-05``) or date-time."""
    if math.isnan(days) or math.isinf(days):
        return ""
    try:
        ts = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=round(days * 86_400_000))
    except OverflowError:
        return ""
    if ts.hour == ts.minute == ts.second == ts.microsecond == 0:
        return ts.date().isoformat()
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}+00:00"


def date_days(value: dt.date) -> float:
    """Return days since the epoch of a date."""
    return float((value - _EPOCH).days)


def _scalar_text(v: object) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, float | int | np.integer | np.floating):
        return js_number_text(float(v))
    if isinstance(v, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(v)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        return days_text(ts.value / _DAY_NS)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def map_unique(fn: Callable[..., Any], arrays: list[Array], otype: str) -> Array:
    """Apply a scalar function row by row, computing it once per distinct input.

    Constant (0-dimensional) inputs stay constant; the result is 0-dimensional when every
    input is. ``otype`` is the numpy dtype of the result (``object``, ``float64``, ``bool``).
    """
    varying = [i for i, a in enumerate(arrays) if a.ndim > 0]
    if not varying:
        return np.asarray(fn(*(a[()] for a in arrays)), dtype=otype)
    n = len(arrays[varying[0]])
    codes_list: list[Array] = []
    uniques_list: list[Array] = []
    for i in varying:
        codes, uniques = pd.factorize(arrays[i], use_na_sentinel=False)
        codes_list.append(codes)
        uniques_list.append(np.asarray(uniques, dtype=object))
    if len(varying) == 1:
        key, combos = codes_list[0], np.arange(len(uniques_list[0]))[None, :]
    else:
        stacked = np.stack(codes_list)
        combos, key = np.unique(stacked, axis=1, return_inverse=True)
        key = key.reshape(-1)
    results = np.empty(combos.shape[1], dtype=otype)
    args: list[Any] = [a[()] if a.ndim == 0 else None for a in arrays]
    for j in range(combos.shape[1]):
        for k, i in enumerate(varying):
            args[i] = uniques_list[k][combos[k, j]]
        results[j] = fn(*args)
    if n == 0:
        return np.empty(0, dtype=otype)
    return results[key]


@dataclass
class Value:
    """One evaluated (sub-)expression: its kind and data (see the module docstring)."""

    kind: str
    data: Array
    column: pd.Series | None = None
    _cache: dict[str, Array] = field(default_factory=dict, repr=False)

    @staticmethod
    def boolean(data: Array | bool) -> Value:
        """A logical value."""
        return Value("bool", np.asarray(data, dtype=bool))

    @staticmethod
    def number(data: Array | float) -> Value:
        """A numeric value."""
        return Value("num", np.asarray(data, dtype=np.float64))

    @staticmethod
    def string(data: Array | str) -> Value:
        """A text value."""
        if isinstance(data, str):
            arr = np.empty((), dtype=object)
            arr[()] = data
            return Value("str", arr)
        return Value("str", np.asarray(data, dtype=object))

    @staticmethod
    def date(days: Array | float) -> Value:
        """A date (days since the epoch)."""
        return Value("date", np.asarray(days, dtype=np.float64))

    @staticmethod
    def node(column: pd.Series) -> Value:
        """The answers in a data column."""
        return Value("node", np.empty(0), column)

    # -- node conversions -------------------------------------------------------------

    def _node_kind(self) -> str:
        assert self.column is not None
        col = self.column
        if pd.api.types.is_bool_dtype(col.dtype):
            return "num"
        if pd.api.types.is_numeric_dtype(col.dtype):
            return "num"
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            return "datetime"
        return "object"

    def datetime_days(self) -> Array:
        """Days since the epoch, with a fraction for the time, of a column of timestamps."""
        assert self.column is not None
        col = self.column
        if getattr(col.dt, "tz", None) is not None:
            col = col.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = col.to_numpy()
        unit, count = np.datetime_data(stamps.dtype) if stamps.dtype.kind == "M" else ("", 1)
        if unit not in _UNITS_PER_DAY:
            stamps = col.to_numpy(dtype="datetime64[ns]")
            unit, count = "ns", 1
        out: Array = stamps.view(np.int64) / (_UNITS_PER_DAY[unit] / count)
        out[np.isnat(stamps)] = np.nan
        return out

    def _node_number(self) -> Array:
        assert self.column is not None
        kind = self._node_kind()
        if kind == "num":
            return self.column.to_numpy(dtype=np.float64, na_value=np.nan)
        if kind == "datetime":
            return self.datetime_days()
        return map_unique(text_number, [self._node_string()], "float64")

    def _node_string(self) -> Array:
        assert self.column is not None
        kind = self._node_kind()
        if kind == "num":
            return map_unique(js_number_text, [self._node_number()], "object")
        if kind == "datetime":
            return map_unique(days_text, [self.datetime_days()], "object")
        values = self.column.to_numpy(dtype=object)
        missing = pd.isna(values)
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            # Text already: only the missing values need replacing.
            return np.where(missing, "", values).astype(object)
        return map_unique(_scalar_text, [values], "object")

    def _cached(self, key: str, make: Callable[[], Array]) -> Array:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- conversions ------------------------------------------------------------------

    def to_bool(self) -> Array:
        """Return the logical value of each row."""
        if self.kind == "bool":
            return self.data
        if self.kind in ("num", "date"):
            with np.errstate(invalid="ignore"):
                return np.asarray((self.data != 0) & ~np.isnan(self.data), dtype=bool)
        if self.kind == "str":
            return map_unique(lambda s: s != "", [self.data], "bool")
        if self._node_kind() != "object":
            # A number or timestamp is never blank text: the answer is there or missing.
            return self._cached("bool", lambda: ~np.isnan(self.to_num()))
        return self._cached(
            "bool", lambda: map_unique(lambda s: s.strip(XML_SPACE) != "", [self.to_str()], "bool")
        )

    def to_num(self) -> Array:
        """Return the numeric value of each row (NaN where there is none)."""
        if self.kind == "num" or self.kind == "date":
            return self.data
        if self.kind == "bool":
            return self.data.astype(np.float64)
        if self.kind == "str":
            return map_unique(text_number, [self.data], "float64")
        return self._cached("num", self._node_number)

    def to_str(self) -> Array:
        """Return the text value of each row ('' where there is none)."""
        if self.kind == "str":
            return self.data
        if self.kind == "bool":
            return map_unique(lambda b: "true" if b else "false", [self.data], "object")
        if self.kind == "num":
            return map_unique(js_number_text, [self.data], "object")
        if self.kind == "date":
            return map_unique(days_text, [self.data], "object")
        return self._cached("str", self._node_string)

    def is_numeric_node(self) -> bool:
        """Whether this is a data column of numbers (integer, decimal, select_one codes)."""
        return self.kind == "node" and self._node_kind() == "num"

    def is_date_node(self) -> bool:
        """Whether this is a data column of timestamps."""
        return self.kind == "node" and self._node_kind() == "datetime"
