"""The fieldwork period of a set of responses: the first and last interview date."""

from __future__ import annotations

import pandas as pd

DATE_COLUMNS = ("start", "_submitted_at")
"""Columns whose dates give the fieldwork period, the first one found."""


def fieldwork_period(data: pd.DataFrame) -> tuple[str, str]:
    """First and last interview date (``YYYY-MM-DD``) of ``data``, or empty strings.

    Args:
        data: Responses with a ``start`` or ``_submitted_at`` column (dates that do not parse
            are left out).
    """
    for name in DATE_COLUMNS:
        if name in data:
            when = pd.to_datetime(data[name], errors="coerce", utc=True).dropna()
            if not when.empty:
                return when.min().strftime("%Y-%m-%d"), when.max().strftime("%Y-%m-%d")
    return "", ""
