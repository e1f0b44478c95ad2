"""Immutable estimate tables."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (
    "variable",
    "level",
    "stat",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "df",
    "df_design",
    "cv",
    "deff",
    "deff_replace",
    "n",
    "n_weighted",
    "n_psu",
    "n_category",
)


@dataclass(frozen=True, eq=False)
class Estimates:
    """A set of design-based estimates, one per (variable, level, domain).

    Attributes:
        by: Names of the domain columns.
        ci_method: Confidence interval method used.
        ci_level: Confidence level.
        variance: How variances were computed (``linearization`` or the replicate method).
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    ci_method: str
    ci_level: float
    variance: str

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the tidy table (one row per estimate)."""
        return self.frame.copy()

    def to_records(self) -> list[dict[str, Any]]:
        """Return JSON-ready records (``NaN`` becomes ``None``)."""
        records: list[dict[str, Any]] = []
        for row in self.frame.to_dict(orient="records"):
            records.append({str(k): json_value(v) for k, v in row.items()})
        return records

    def __len__(self) -> int:
        return len(self.frame)


def json_value(value: Any) -> Any:
    """A table value as JSON holds it: Python numbers, ``None`` for missing or not finite."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if not np.isfinite(f) else f
    if isinstance(value, np.bool_):
        return bool(value)
    # pandas' NA exists only once pandas is imported, and is never looked up otherwise
    pandas = sys.modules.get("pandas")
    if value is None or (pandas is not None and value is pandas.NA):
        return None
    return value
