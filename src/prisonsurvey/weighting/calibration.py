"""Calibration on a table of cell totals: post-stratification, raking (IPF) and g-calibration.

All functions take ``T``, the weight total of every cell, with shape ``(C, K)``: one column per
weight set (the full sample and, when replicates are re-calibrated, one column per replicate),
and return the multiplicative factor ``g`` of every cell in every column, same shape. Row
weights are then ``w_i * g[cell_i, k]``: one gather, never a per-row iteration.

The g-calibration functions follow R ``survey``'s ``calibrate()`` (``grake``): the distance is
given by ``calfun`` (linear, raking, logit), bounds clip ``g`` (logit needs finite bounds and
maps ``u`` smoothly into them), and Newton's method solves the small ``p x p`` system
``X' diag(T F'(X lambda)) X`` built from categorical margins, started at ``g = 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from prisonsurvey.weighting import issues
from prisonsurvey.weighting._cells import FloatArray
from prisonsurvey.weighting.margins import CellMargin


class CalFun(StrEnum):
    """Calibration distance functions (R ``calfun``)."""

    LINEAR = "linear"
    RAKING = "raking"
    LOGIT = "logit"


@dataclass(frozen=True)
class Solution:
    """Factors from a calibration on a cell table.

    Attributes:
        g: Factor of every cell in every column, shape ``(C, K)``.
        iterations: Iterations used.
        converged: Whether each column met its margins, shape ``(K,)``.
    """

    g: FloatArray
    iterations: int
    converged: np.ndarray


def _as2d(t: FloatArray) -> FloatArray:
    return t[:, None] if t.ndim == 1 else t


def _safe_ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` with 1 where the denominator is 0 (nothing to adjust)."""
    out = np.ones(np.broadcast_shapes(num.shape, den.shape))
    np.divide(num, den, out=out, where=den != 0)
    return out


def poststratify(t: FloatArray, margin: CellMargin) -> FloatArray:
    """Factors that make weight totals equal the margin's targets (R ``postStratify``)."""
    t2 = _as2d(t)
    sums = margin.sums(t2)
    ratio = _safe_ratio(margin.targets[:, None], sums)
    return np.asarray(ratio[margin.codes], dtype=np.float64)


def rake(
    t: FloatArray,
    margins: Sequence[CellMargin],
    epsilon: float = 1e-10,
    max_iter: int = 200,
) -> Solution:
    """Iterative proportional fitting: post-stratify on each margin in turn until all are met.

    R ``rake()`` stops when a full pass changes the cell totals by less than ``epsilon``; here
    a pass ends the iteration when every margin is met to ``epsilon`` relative error, which
    bounds the error of the weights themselves (slow passes can change little while still
    being off).
    """
    t2 = _as2d(t)
    g = np.ones_like(t2)
    current = t2.copy()
    converged = np.zeros(t2.shape[1], dtype=bool)
    it = 0
    for _ in range(max_iter):
        it += 1
        for m in margins:
            g *= poststratify(current, m)
            current = t2 * g
        worst = np.zeros(t2.shape[1])
        for m in margins:
            sums = m.sums(current)
            target = m.targets[:, None]
            err = np.abs(sums - target) / np.maximum(np.abs(target), 1e-300)
            err = np.where((target == 0) & (sums == 0), 0.0, err)
            worst = np.maximum(worst, err.max(axis=0))
        converged = worst < epsilon
        if converged.all():
            break
    return Solution(g, it, converged)


def _g_and_derivative(
    u: FloatArray, calfun: CalFun, bounds: tuple[float, float] | None
) -> tuple[FloatArray, FloatArray]:
    lo, hi = bounds if bounds is not None else (-np.inf, np.inf)
    if calfun is CalFun.LINEAR:
        g = 1.0 + u
        d = np.ones_like(u)
    elif calfun is CalFun.RAKING:
        g = np.exp(np.minimum(u, 700.0))
        d = g.copy()
    else:
        a = (hi - lo) / ((hi - 1.0) * (1.0 - lo))
        e = np.exp(np.clip(a * u, -300.0, 300.0))
        den = (hi - 1.0) + (1.0 - lo) * e
        g = (lo * (hi - 1.0) + hi * (1.0 - lo) * e) / den
        d = a * e * (1.0 - lo) * (hi - 1.0) * (hi - lo) / den**2
        return g, d
    if bounds is not None:
        outside = (g <= lo) | (g >= hi)
        g = np.clip(g, lo, hi)
        d = np.where(outside, 0.0, d)
    return g, d


def _design_matrix(margins: Sequence[CellMargin], n_cells: int) -> tuple[FloatArray, FloatArray]:
    blocks = []
    targets = []
    for m in margins:
        x = np.zeros((n_cells, m.n_levels))
        x[np.arange(n_cells), m.codes] = 1.0
        blocks.append(x)
        targets.append(m.targets)
    return np.hstack(blocks), np.concatenate(targets)


def g_calibrate(
    t: FloatArray,
    margins: Sequence[CellMargin],
    calfun: CalFun = CalFun.LINEAR,
    bounds: tuple[float, float] | None = None,
    epsilon: float = 1e-10,
    max_iter: int = 50,
) -> Solution:
    """Calibrate with distance ``calfun`` and optional bounds on ``g`` (R ``calibrate()``).

    Newton's method on ``lambda`` (one column per weight set), using the pseudo-inverse as R's
    ``grake`` does, so margins sharing their grand total need no dropped reference levels.
    """
    if calfun is CalFun.LOGIT and (bounds is None or not np.all(np.isfinite(bounds))):
        raise ValueError("logit calibration needs finite bounds")
    if bounds is not None and not bounds[0] < 1.0 < bounds[1]:
        raise ValueError("calibration bounds must contain 1 (the iteration starts at g = 1)")
    t2 = _as2d(t)
    n_cells, k = t2.shape
    x, pop = _design_matrix(margins, n_cells)
    lam = np.zeros((x.shape[1], k))
    denom = np.maximum(np.abs(pop), 1e-300)[:, None]
    converged = np.zeros(k, dtype=bool)
    g = np.ones_like(t2)
    it = 0
    for _ in range(max_iter):
        it += 1
        u = x @ lam
        g, d = _g_and_derivative(u, calfun, bounds)
        misfit = pop[:, None] - x.T @ (t2 * g)
        converged = (np.abs(misfit) / denom).max(axis=0) < epsilon
        if converged.all():
            break
        hess = np.einsum("ci,ck,cj->kij", x, t2 * d, x)
        step = np.einsum("kij,jk->ik", np.linalg.pinv(hess, rcond=1e-13, hermitian=True), misfit)
        for _ in range(30):
            trial_g, trial_d = _g_and_derivative(x @ (lam + step), calfun, bounds)
            if np.isfinite(trial_g).all() and np.isfinite(trial_d).all():
                break
            step = step / 2.0
        lam = lam + step
    return Solution(g, it, converged)


def trim_g(g: FloatArray, t: FloatArray, limits: tuple[float, float]) -> FloatArray:
    """Clip ``g`` to ``limits`` and spread the trimmed weight additively over untrimmed cells.

    As R ``calibrate(trim=)``: ``g_i += sum(trimmed weight) / sum(untrimmed weight)`` for units
    inside the limits; margins are then no longer met exactly.
    """
    t2 = _as2d(t)
    lo, hi = limits
    clipped = np.clip(g, lo, hi)
    outside = (g < lo) | (g > hi)
    excess = ((g - clipped) * t2).sum(axis=0)
    inside_w = np.where(outside, 0.0, t2).sum(axis=0)
    shift = _safe_ratio(excess, inside_w)
    shift = np.where(outside.any(axis=0) & (inside_w != 0), shift, 0.0)
    return np.where(outside, clipped, clipped + shift[None, :])


def check_full_sample(solution: Solution, margins: Sequence[CellMargin], method: str) -> None:
    """Raise if the full-sample column (column 0) did not meet its margins."""
    if bool(solution.converged[0]):
        return
    label = ", ".join(f"'{m.margin.label}'" for m in margins)
    where = margins[0].margin.where if margins else None
    issues.fail(
        issues.NOT_CONVERGED,
        f"{method} calibration could not meet margins {label} in {solution.iterations} "
        f"iterations; widen the bounds, collapse sparse levels or raise max_iter",
        where,
    )
