"""Calibrate the weights of any DataFrame to margins (notebook-level API).

Each function groups the rows into the cells of the margins' variables, solves on the cell
table (see :mod:`prisonsurvey.weighting.calibration`) and gathers the factors back to rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.weighting import calibration as cal
from prisonsurvey.weighting import validate
from prisonsurvey.weighting._cells import CellIndex, FloatArray, cell_index, group_sum
from prisonsurvey.weighting.margins import CellMargin, Margin, bind, check_grand_totals

METHODS = ("poststratify", "raking", "linear", "logit")


@dataclass(frozen=True)
class CalibrationResult:
    """Calibrated weights and how they were reached.

    Attributes:
        weights: Calibrated weight of every row (same index as the data).
        g: Factor of every row (calibrated / input weight).
        iterations: Iterations used.
        margin_check: Target, achieved total and relative error of every margin level.
    """

    weights: pd.Series
    g: pd.Series
    iterations: int
    margin_check: list[dict[str, Any]]


def _variables(margins: Sequence[Margin]) -> list[str]:
    out: list[str] = []
    for m in margins:
        out.extend(v for v in m.variables if v not in out)
    return out


def prepare(
    data: pd.DataFrame, weights: FloatArray, margins: Sequence[Margin]
) -> tuple[CellIndex, FloatArray, list[CellMargin]]:
    """Group rows into cells and bind every margin (validating levels and totals)."""
    variables = _variables(margins)
    validate.no_missing_classes(data, variables, "calibration margin")
    cells = cell_index(data, variables)
    totals = group_sum(weights, cells.row_cell, cells.n_cells)
    check_grand_totals(margins)
    bound = [bind(cells, m, totals) for m in margins]
    return cells, totals, bound


def solve(
    method: str,
    t: FloatArray,
    margins: Sequence[CellMargin],
    bounds: tuple[float, float] | None = None,
    trim: tuple[float, float] | None = None,
    epsilon: float = 1e-10,
    max_iter: int = 200,
) -> cal.Solution:
    """Run one calibration method on a cell table (columns = weight sets)."""
    if method == "poststratify":
        if len(margins) != 1:
            raise ValueError("post-stratification takes exactly one margin (cross the variables)")
        g = cal.poststratify(t, margins[0])
        sol = cal.Solution(g, 1, np.ones(g.shape[1], dtype=bool))
    elif method == "raking" and bounds is None:
        sol = cal.rake(t, margins, epsilon=epsilon, max_iter=max_iter)
    elif method in ("raking", "linear", "logit"):
        sol = cal.g_calibrate(
            t, margins, cal.CalFun(method), bounds, epsilon=epsilon, max_iter=max_iter
        )
    else:
        raise ValueError(f"unknown calibration method {method!r}; use one of {METHODS}")
    cal.check_full_sample(sol, margins, method)
    if trim is not None:
        sol = cal.Solution(cal.trim_g(sol.g, t, trim), sol.iterations, sol.converged)
    return sol


def margin_check(t: FloatArray, margins: Sequence[CellMargin]) -> list[dict[str, Any]]:
    """Target, achieved total and relative error of every level of every margin."""
    rows: list[dict[str, Any]] = []
    for m in margins:
        achieved = np.bincount(m.codes, weights=t, minlength=m.n_levels)
        for i, level in enumerate(m.levels):
            target = float(m.targets[i])
            got = float(achieved[i])
            rel = abs(got - target) / abs(target) if target else abs(got)
            rows.append(
                {
                    "margin": m.margin.label,
                    "level": "/".join(level),
                    "target": target,
                    "achieved": got,
                    "rel_error": rel,
                }
            )
    return rows


def calibrate(
    data: pd.DataFrame,
    weights: str | pd.Series,
    margins: Sequence[Margin],
    method: str = "raking",
    bounds: tuple[float, float] | None = None,
    trim: tuple[float, float] | None = None,
    epsilon: float = 1e-10,
    max_iter: int = 200,
) -> CalibrationResult:
    """Calibrate weights to margins.

    Args:
        data: Any DataFrame holding the margins' variables.
        weights: Column name or Series of input weights (positive, no missing values).
        margins: Control totals; for ``poststratify`` exactly one (cross the variables).
        method: ``poststratify``, ``raking`` (IPF; with bounds, bounded raking), ``linear``
            (GREG) or ``logit`` (needs bounds).
        bounds: Lower and upper bound on ``g`` (must contain 1).
        trim: Clip ``g`` to these limits afterwards and spread the excess (R ``trim=``).
        epsilon: Relative tolerance on the margins.
        max_iter: Iteration limit.

    Returns:
        The calibrated weights with a check of every margin.
    """
    w = validate.weights(data, weights)
    cells, t, bound = prepare(data, w, margins)
    sol = solve(method, t, bound, bounds, trim, epsilon, max_iter)
    g_rows = sol.g[cells.row_cell, 0]
    out = w * g_rows
    check = margin_check(t * sol.g[:, 0], bound)
    return CalibrationResult(
        pd.Series(out, index=data.index, name="weight"),
        pd.Series(g_rows, index=data.index, name="g"),
        sol.iterations,
        check,
    )
