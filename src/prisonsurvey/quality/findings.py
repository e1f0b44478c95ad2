"""Findings: one row per suspect answer, submission, question, interviewer or facility.

Every check returns a DataFrame with the columns of :data:`COLUMNS` (all text):

``check``        the check id (``constraint``, ``duplicate_person``...)
``severity``     ``error``, ``warning`` or ``info``
``instrument``   the questionnaire id
``table``        ``root`` (one row per submission) or the repeat's name
``key``          the submission (or repeat entry) key; empty for findings about a group
``facility``     the facility code of the submission, or the facility a finding is about
``interviewer``  the interviewer of the submission, or the interviewer a finding is about
``question``     the question concerned, if any
``value``        the value found (values of ``identifying`` questions are hidden)
``message``      what is wrong
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

COLUMNS: tuple[str, ...] = (
    "check",
    "severity",
    "instrument",
    "table",
    "key",
    "facility",
    "interviewer",
    "question",
    "value",
    "message",
)
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
ROOT = "root"
"""Name of the table with one row per submission in findings."""


def empty_findings() -> pd.DataFrame:
    """A findings frame without rows."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})


def as_text(values: pd.Series | np.ndarray | Sequence[Any]) -> np.ndarray:
    """Values as text for the ``value`` column: missing values become ``""``."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
    elif pd.api.types.is_float_dtype(series.dtype):
        num = series.astype(float)
        whole = num.notna() & (num % 1 == 0)
        text = num.round(4).astype(str).where(~whole, num.round().astype("Int64").astype(str))
    else:
        text = series.astype(object).astype(str)
    return text.where(series.notna(), "").to_numpy(dtype=object)


def frame(**columns: Any) -> pd.DataFrame:
    """Build a findings frame; scalars are broadcast, absent columns are empty text."""
    n = max((len(v) for v in columns.values() if not isinstance(v, str)), default=1)
    data: dict[str, Any] = {}
    for name in COLUMNS:
        value = columns.get(name, "")
        if isinstance(value, str):
            data[name] = np.full(n, value, dtype=object)
        else:
            data[name] = np.asarray(value, dtype=object)
    return pd.DataFrame(data)


def compact(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with text columns held as Arrow strings (a third of the memory of objects)."""
    text = {c: "str" for c in COLUMNS if c in findings.columns and findings[c].dtype == object}
    return findings.astype(text) if text else findings


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Order findings deterministically: severity, check, table, key, question, value."""
    if findings.empty:
        return findings.reset_index(drop=True)
    rank = findings["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(9)
    # a stable sort on each column's sorted codes (the order of sort_values with
    # kind="mergesort"), taking the rows once: memory holds the findings twice, not five times
    codes = [rank.to_numpy(dtype=float)]
    for name in ("check", "table", "facility", "interviewer", "key", "question", "value"):
        codes.append(pd.factorize(findings[name], sort=True, use_na_sentinel=False)[0])
    order = np.lexsort(codes[::-1])
    return findings.take(order).reset_index(drop=True)
