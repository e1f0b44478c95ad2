"""Checks of weights and classing variables, raised as located issues."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import numpy as np
import pandas as pd

from prisonsurvey.errors import Location
from prisonsurvey.weighting import issues
from prisonsurvey.weighting._cells import FloatArray


def _rows(mask: np.ndarray, data: pd.DataFrame, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)[:limit]
    shown = ", ".join(str(int(i) + 2) for i in idx)
    more = f" and {int(mask.sum()) - len(idx)} more" if mask.sum() > limit else ""
    return f"data row(s) {shown}{more}"


def _fail_at(code: str, message: str, column: str, mask: np.ndarray) -> NoReturn:
    """Fail with the issue located at ``column`` in the first data row where ``mask`` holds."""
    issues.fail(code, message, Location(column=column, row=int(np.flatnonzero(mask)[0]) + 2))


def weights(data: pd.DataFrame, weights: str | pd.Series, allow_zero: bool = False) -> FloatArray:
    """Return the weights as floats; missing or non-positive weights are input errors.

    Row numbers in messages count the header as row 1 (as a spreadsheet shows a CSV file).
    """
    name = weights if isinstance(weights, str) else str(weights.name or "weight")
    if isinstance(weights, str):
        if weights not in data.columns:
            issues.fail(issues.SPEC_COLUMN, f"the data have no weight column '{weights}'")
        series = data[weights]
    else:
        series = weights
    w = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(w)
    if bad.any():
        _fail_at(
            issues.WEIGHT_MISSING,
            f"weight '{name}' is missing or not a number in {_rows(bad, data)}; "
            f"fill it from the selection probabilities or drop the rows",
            name,
            bad,
        )
    nonpos = (w < 0) if allow_zero else (w <= 0)
    if nonpos.any():
        _fail_at(
            issues.WEIGHT_NONPOSITIVE,
            f"weight '{name}' must be positive but is {w[nonpos][0]:g} in {_rows(nonpos, data)}",
            name,
            nonpos,
        )
    return w


def probabilities(data: pd.DataFrame, columns: Sequence[str]) -> FloatArray:
    """Product of inclusion probabilities; each must be in (0, 1]."""
    out = np.ones(len(data))
    for c in columns:
        if c not in data.columns:
            issues.fail(issues.SPEC_COLUMN, f"the data have no probability column '{c}'")
        p = pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(p)
        if bad.any():
            _fail_at(
                issues.WEIGHT_MISSING,
                f"inclusion probability '{c}' is missing in {_rows(bad, data)}",
                c,
                bad,
            )
        out_of_range = (p <= 0) | (p > 1)
        if out_of_range.any():
            _fail_at(
                issues.WEIGHT_NONPOSITIVE,
                f"inclusion probability '{c}' must be in (0, 1] but is "
                f"{p[out_of_range][0]:g} in {_rows(out_of_range, data)}",
                c,
                out_of_range,
            )
        out *= p
    return out


def no_missing_classes(
    data: pd.DataFrame, variables: Sequence[str], role: str, rows: np.ndarray | None = None
) -> None:
    """Classing variables must exist and have no missing values (in ``rows``, if given)."""
    for v in variables:
        if v not in data.columns:
            issues.fail(issues.SPEC_COLUMN, f"the data have no column '{v}' (used as {role})")
        miss = data[v].isna().to_numpy()
        if rows is not None:
            miss = miss & rows
        if miss.any():
            _fail_at(
                issues.CLASS_MISSING,
                f"'{v}' (used as {role}) is missing in {_rows(miss, data)}; impute it or "
                f"give those rows a level such as 'unknown'",
                v,
                miss,
            )
