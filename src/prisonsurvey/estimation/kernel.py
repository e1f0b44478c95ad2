"""Domain estimation as grouped sums over integer codes.

Every estimate here is a ratio of weighted totals (a total has denominator 1). For each variable
the rows are summed once into a small ``(unit, cell)`` table, where a unit is a PSU (or a
replicate unit) and a cell is a domain; estimates, linearisation scores, calibration residuals,
replicate estimates and design effects are then arithmetic on these small tables:

* the linearisation score of a ratio ``R = Y/X`` in cell ``c`` is ``w (y - R x) / X``; its PSU
  totals are ``(A - R B) / X`` with ``A``, ``B`` the PSU sums of ``w y`` and ``w x``;
* replicate estimates are ``F.T @ A`` with ``F`` the ``(P x R)`` replicate factor matrix, so no
  ``N x R`` weight matrix is ever built;
* domain estimation never subsets the design: rows outside the domain (or with a missing item,
  R's ``na.rm=TRUE``) have a zero score and every stratum keeps its full number of PSUs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.calibration import Calibration, CalibrationKind
from prisonsurvey.design.survey_design import LonelyPsu, LonelyPsuError, SurveyDesign

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

RAKE_SWEEPS = 10


class Kind(StrEnum):
    """What the kernel estimates."""

    TOTAL = "total"
    MEAN = "mean"
    RATIO = "ratio"


@dataclass(frozen=True, eq=False)
class KernelResult:
    """Raw domain estimates, every array shaped ``(C, V)`` (cells x variables)."""

    estimate: FloatArray
    variance: FloatArray
    n: npt.NDArray[np.int64]
    weighted_n: FloatArray
    deff: FloatArray
    deff_replace: FloatArray
    df_domain: npt.NDArray[np.int64]
    n_psu: npt.NDArray[np.int64]
    n_nonzero: npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class _Layout:
    """Grouping keys shared by every variable of one call."""

    cells: IntArray  # cell per row, -1 mapped to the spare column C
    n_cells: int
    units: IntArray  # unit per row (PSU or replicate unit)
    n_units: int
    unit_psu: IntArray | None  # PSU of every unit, when units are not PSUs
    key: npt.NDArray[np.int64]  # unit * (C + 1) + cell
    factors: FloatArray | None  # (units x R) replicate factors


def domain_kernel(
    design: SurveyDesign,
    y: FloatArray | Sequence[FloatArray],
    cells: IntArray,
    n_cells: int,
    kind: Kind | str = Kind.MEAN,
    x: FloatArray | Sequence[FloatArray] | None = None,
    count_nonzero: bool = False,
) -> KernelResult:
    """Estimate totals, means or ratios of every column of ``y`` in every domain cell.

    Args:
        design: The survey design (its weights are the analysis weights).
        y: Variables, shape ``(N, V)`` or a sequence of ``V`` columns; ``NaN`` marks an item
            missing (left out of the domain).
        cells: Domain cell of every row (``-1``: in no domain).
        n_cells: Number of cells ``C``.
        kind: ``total``, ``mean`` or ``ratio`` (``y / x``).
        x: Denominator variables for ``ratio``, like ``y``.
        count_nonzero: Also count the rows of each cell with a non-zero value (the holders of
            a category, for disclosure rules).

    Raises:
        LonelyPsuError: A stratum has one PSU and the policy is ``fail``.
    """
    kind = Kind(kind)
    if kind is Kind.RATIO and x is None:
        raise ValueError("a ratio needs denominator variables")
    layout = _layout(design, cells, n_cells)
    c = n_cells
    ys = _columns(y)
    xs = _columns(x) if x is not None else None
    n_var = len(ys)
    out = {k: np.full((c, n_var), np.nan) for k in ("est", "var", "wn", "deff", "deffr")}
    n_out = np.zeros((c, n_var), dtype=np.int64)
    df_out = np.zeros((c, n_var), dtype=np.int64)
    npsu_out = np.zeros((c, n_var), dtype=np.int64)
    nz_out = np.full((c, n_var), -1, dtype=np.int64)
    w = design.weights
    positive = w > 0
    cal = design.calibration if design.replicates is None else None
    cal_ctx = _CalibrationContext(design, cal, layout) if cal is not None else None
    all_positive = bool(np.all(positive))
    q_out = np.zeros((c, n_var))
    a_out = np.zeros((c, n_var))
    b_out = np.zeros((c, n_var))
    rep_tabs: list[tuple[FloatArray, FloatArray]] = []
    for v in range(n_var):
        yv = ys[v]
        m = ~np.isnan(yv)
        if xs is not None:
            m &= ~np.isnan(xs[v])
        num = np.where(m, yv, 0.0)
        if xs is not None and kind is Kind.RATIO:
            den = np.where(m, xs[v], 0.0)
        else:
            den = m.astype(np.float64)
        wnum = w * num
        a_tab = _table(layout, wnum)
        b_tab = _table(layout, w * den)
        a_c = a_tab.sum(axis=0)
        b_c = b_tab.sum(axis=0)
        if kind is Kind.TOTAL:
            est = a_c
            centre = np.zeros(c)
            scale = np.ones(c)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                est = a_c / b_c
            centre = np.nan_to_num(est)
            scale = np.where(b_c != 0, b_c, np.nan)
        wn = b_c if kind is not Kind.RATIO else _table(layout, w * m).sum(axis=0)
        unit_counts = _table(layout, m if all_positive else m & positive)
        counts = unit_counts.sum(axis=0)
        members = _members(layout, design, unit_counts)
        psu_any = members.astype(np.int64)
        n_psu_c = psu_any.sum(axis=0)
        if layout.factors is not None:
            rep_tabs.append((a_tab, b_tab))
            df = np.full(c, design.degf, dtype=np.int64)
        else:
            scores = (a_tab - centre * b_tab) / scale
            if cal_ctx is not None:
                scores = cal_ctx.residualise(scores, num, den, centre, scale)
            second = None
            if design.psu_pop_units is not None:
                second = _second_stage_sums(design, layout, wnum, w * den, centre, scale)
            out["var"][:, v] = _linearised_variance(design, scores, members, second)
            strata_any = np.zeros((design.n_strata, c), dtype=np.int64)
            np.add.at(strata_any, design.psu_stratum, psu_any)
            df = n_psu_c - (strata_any > 0).sum(axis=0)
        out["est"][:, v] = est
        out["wn"][:, v] = wn
        n_out[:, v] = counts.astype(np.int64)
        df_out[:, v] = df
        npsu_out[:, v] = n_psu_c
        a_out[:, v] = a_c
        if count_nonzero:
            nz_out[:, v] = _cell_sums(layout, (num != 0) & positive).astype(np.int64)
        b_out[:, v] = b_c
        if kind is not Kind.RATIO:
            # sum of w y^2 by cell; for 0/1 variables it equals the sum of w y
            binary = bool(np.all((num == 0) | (num == 1)))
            q_out[:, v] = a_c if binary else _cell_sums(layout, wnum * num)
    if rep_tabs:
        # one product for every variable: (R x P) @ (P x C*V)
        out["var"] = _replicate_variance(design, layout, rep_tabs, kind, out["est"])
    if kind is not Kind.RATIO:
        out["deff"], out["deffr"] = _deff(
            kind, out["var"], q_out, a_out, b_out, n_out.astype(np.float64)
        )
    return KernelResult(
        estimate=out["est"],
        variance=out["var"],
        n=n_out,
        weighted_n=out["wn"],
        deff=out["deff"],
        deff_replace=out["deffr"],
        df_domain=df_out,
        n_psu=npsu_out,
        n_nonzero=nz_out,
    )


def _bincount(
    codes: npt.ArrayLike, weights: npt.ArrayLike | None = None, minlength: int = 0
) -> FloatArray:
    """``np.bincount`` with float results (the stubs claim integers)."""
    return np.asarray(np.bincount(codes, weights=weights, minlength=minlength), dtype=np.float64)


def _layout(design: SurveyDesign, cells: IntArray, n_cells: int) -> _Layout:
    cells_x = np.where(cells < 0, n_cells, cells).astype(np.intp)
    rep = design.replicates
    factors: FloatArray | None = None
    unit_psu: IntArray | None = None
    if rep is None:
        units = design.psu
        n_units = design.n_psu
    elif rep.cell_codes is None or rep.cell_factors is None:
        units = rep.psu_codes
        n_units = int(rep.psu_factors.shape[0])
        factors = rep.psu_factors
    else:
        n_rep_cells = int(rep.cell_factors.shape[0])
        pair = rep.psu_codes.astype(np.int64) * n_rep_cells + rep.cell_codes
        uniq, inv = np.unique(pair, return_inverse=True)
        units = inv.reshape(-1).astype(np.intp)
        n_units = int(uniq.shape[0])
        factors = rep.psu_factors[uniq // n_rep_cells] * rep.cell_factors[uniq % n_rep_cells]
    if rep is not None:
        # membership (domain df) is counted on design PSUs
        first = np.full(n_units, -1, dtype=np.intp)
        first[units[::-1]] = design.psu[::-1]
        unit_psu = first
    key = units.astype(np.int64) * (n_cells + 1) + cells_x
    return _Layout(cells_x, n_cells, units, n_units, unit_psu, key, factors)


def _table(layout: _Layout, values: npt.NDArray[np.float64] | BoolArray) -> FloatArray:
    size = layout.n_units * (layout.n_cells + 1)
    tab = _bincount(layout.key, weights=values, minlength=size)
    return tab.reshape(layout.n_units, layout.n_cells + 1)[:, : layout.n_cells]


def _members(layout: _Layout, design: SurveyDesign, counts: FloatArray) -> BoolArray:
    """Which PSUs hold rows of every cell, shape ``(P, C)``, from unit-by-cell counts."""
    if layout.unit_psu is None:
        return counts > 0
    per_psu = np.zeros((design.n_psu, layout.n_cells))
    np.add.at(per_psu, layout.unit_psu, counts)
    return per_psu > 0


def _columns(y: FloatArray | Sequence[FloatArray]) -> list[FloatArray]:
    if isinstance(y, np.ndarray):
        if y.ndim == 1:
            return [np.asarray(y, dtype=np.float64)]
        return [np.asarray(y[:, j], dtype=np.float64) for j in range(y.shape[1])]
    return [np.asarray(col, dtype=np.float64) for col in y]


def _replicate_variance(
    design: SurveyDesign,
    layout: _Layout,
    tabs: list[tuple[FloatArray, FloatArray]],
    kind: Kind,
    est: FloatArray,
) -> FloatArray:
    """Replicate variances of every cell and variable, shape ``(C, V)``."""
    rep = design.replicates
    assert rep is not None and layout.factors is not None
    a = np.ascontiguousarray(np.stack([t[0] for t in tabs], axis=2))  # (U, C, V)
    u, c, v = a.shape
    ft = np.ascontiguousarray(layout.factors.T)
    a_r = (ft @ a.reshape(u, c * v)).reshape(-1, c, v)
    if kind is Kind.TOTAL:
        theta = a_r
    else:
        b = np.ascontiguousarray(np.stack([t[1] for t in tabs], axis=2))
        b_r = (ft @ b.reshape(u, c * v)).reshape(-1, c, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = a_r / b_r
    centre = est[None, :, :] if rep.mse else theta.mean(axis=0, keepdims=True)
    dev = theta - centre
    return np.asarray(rep.scale * np.einsum("r,rcv->cv", rep.rscales, dev * dev))


def _cell_sums(layout: _Layout, values: npt.NDArray[np.float64] | BoolArray) -> FloatArray:
    return _bincount(layout.cells, weights=values, minlength=layout.n_cells + 1)[: layout.n_cells]


def _linearised_variance(
    design: SurveyDesign,
    scores: FloatArray,
    members: BoolArray,
    second: FloatArray | None,
) -> FloatArray:
    """Stratified between-PSU variance of PSU score totals ``(P, C)`` (R ``svyrecvar``)."""
    n_h = design.psus_per_stratum.astype(np.float64)
    pop = design.stratum_pop_psus
    with np.errstate(invalid="ignore"):
        f = np.where(np.isinf(pop), 1.0, (pop - n_h) / pop)
    starts = np.concatenate(([0], np.cumsum(design.psus_per_stratum)[:-1]))
    sums = np.add.reduceat(scores, starts, axis=0)
    dev = scores - (sums / n_h[:, None])[design.psu_stratum]
    ss = np.add.reduceat(dev * dev, starts, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_h > 1, f * n_h / (n_h - 1), f)
    contrib = ss * scale[:, None]
    census = f < 1e-7
    lonely = (n_h == 1) & ~census
    n_cells = scores.shape[1]
    factor = np.ones(n_cells)
    if np.any(lonely):
        policy = design.lonely_psu
        if policy is LonelyPsu.FAIL:
            which = [design.strata_labels[i] for i in np.flatnonzero(lonely)][:5]
            raise LonelyPsuError(f"strata with a single PSU: {which}")
        if policy is LonelyPsu.ADJUST:
            contrib[lonely] = (sums[lonely] ** 2) * f[lonely, None]
        else:
            contrib[lonely] = 0.0
        if policy is LonelyPsu.AVERAGE:
            strata_members = np.zeros((design.n_strata, n_cells), dtype=bool)
            np.logical_or.at(strata_members, design.psu_stratum, members)
            n_strat = strata_members.sum(axis=0)
            n_ok = (strata_members & ~lonely[:, None]).sum(axis=0)
            factor = np.where(n_ok > 0, n_strat / np.maximum(n_ok, 1), 1.0)
    contrib[census] = 0.0
    total = contrib.sum(axis=0) * factor
    if second is not None:
        stage1_fraction = np.where(np.isinf(pop), 0.0, n_h / pop)
        per_stratum = np.zeros((design.n_strata, n_cells))
        np.add.at(per_stratum, design.psu_stratum, second)
        total = total + (per_stratum * stage1_fraction[:, None]).sum(axis=0)
    return np.asarray(total)


def _second_stage_sums(
    design: SurveyDesign,
    layout: _Layout,
    wnum: FloatArray,
    wden: FloatArray,
    centre: FloatArray,
    scale: FloatArray,
) -> FloatArray:
    """Within-PSU (second-stage) variance of every PSU and cell, shape ``(P, C)``."""
    if design.calibration is not None:
        raise ValueError("calibration with a second-stage fpc is not supported")
    assert design.psu_pop_units is not None
    p2 = _table(layout, wnum * wnum)
    pn = _table(layout, wnum * wden)
    p0 = _table(layout, wden * wden)
    a = _table(layout, wnum)
    b = _table(layout, wden)
    sq = (p2 - 2 * centre * pn + centre * centre * p0) / (scale * scale)
    tot = (a - centre * b) / scale
    m_i = design.units_per_psu.astype(np.float64)
    big_m = design.psu_pop_units
    f2 = (big_m - m_i) / big_m
    with np.errstate(divide="ignore", invalid="ignore"):
        within = (sq - tot * tot / m_i[:, None]) * (f2 * m_i / (m_i - 1))[:, None]
    lonely = (m_i == 1) & (f2 >= 1e-7)
    if np.any(lonely):
        if design.lonely_psu is LonelyPsu.FAIL:
            raise LonelyPsuError("PSUs with a single second-stage unit")
        within[lonely] = (
            (sq[lonely] * f2[lonely, None]) if (design.lonely_psu is LonelyPsu.ADJUST) else 0.0
        )
    within[f2 < 1e-7] = 0.0
    return np.asarray(within)


def _deff(
    kind: Kind,
    var: FloatArray,
    sum_wy2: FloatArray,
    a_c: FloatArray,
    b_c: FloatArray,
    n: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Design effects against SRS without (R ``deff=TRUE``) and with replacement."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ybar = a_c / b_c
        s2 = n / (n - 1) * (sum_wy2 - b_c * ybar * ybar) / b_c
        if kind is Kind.TOTAL:
            v_rep = s2 * b_c * b_c / n
            v_wor = s2 * b_c * b_c * (b_c - n) / (b_c * n)
        else:
            v_rep = s2 / n
            v_wor = s2 * (b_c - n) / (b_c * n)
        return var / v_wor, var / v_rep


class _CalibrationContext:
    """Small tables of the calibration model, computed once per call."""

    def __init__(self, design: SurveyDesign, cal: Calibration, layout: _Layout) -> None:
        self.cal = cal
        self.layout = layout
        g = cal.n_cells
        w = design.weights
        w_cal = cal.calibrated_weights if cal.calibrated_weights is not None else w
        self.key = cal.cells.astype(np.int64) * (layout.n_cells + 1) + layout.cells
        # PSU sums of the weights that multiply the fitted values
        psu_g = layout.units.astype(np.int64) * g + cal.cells
        self.w_psu_cell = _bincount(psu_g, weights=w_cal, minlength=layout.n_units * g).reshape(
            layout.n_units, g
        )
        if cal.kind is CalibrationKind.GREG:
            with np.errstate(divide="ignore", invalid="ignore"):
                self.row_factor = np.where(w_cal != 0, cal.base_weights * w / w_cal, 0.0)
            x = self._model_matrix()
            w0_g = _bincount(cal.cells, weights=cal.base_weights, minlength=g)
            gram = x.T @ (x * w0_g[:, None])
            self.projector = x @ np.linalg.pinv(gram) @ x.T  # (G, G)
        else:
            self.row_factor = np.ones_like(w)
            self.n_g = _bincount(cal.cells, minlength=g).astype(np.float64)
            self.n_margin = [
                _bincount(cal.cell_margins[k], weights=self.n_g, minlength=int(size))
                for k, size in enumerate(cal.margin_sizes)
            ]

    def _model_matrix(self) -> FloatArray:
        cal = self.cal
        blocks = [np.eye(int(size))[cal.cell_margins[k]] for k, size in enumerate(cal.margin_sizes)]
        return np.hstack(blocks)

    def _cell_sums(self, values: FloatArray) -> FloatArray:
        c1 = self.layout.n_cells + 1
        tab = _bincount(self.key, weights=values, minlength=self.cal.n_cells * c1)
        return tab.reshape(self.cal.n_cells, c1)[:, : self.layout.n_cells]

    def residualise(
        self,
        scores: FloatArray,
        num: FloatArray,
        den: FloatArray,
        centre: FloatArray,
        scale: FloatArray,
    ) -> FloatArray:
        """Return PSU totals of the calibration residuals of the scores."""
        w = self.cal.base_weights if self.cal.kind is CalibrationKind.GREG else None
        if w is not None:
            rf = self.row_factor
            t = (self._cell_sums(rf * num) - centre * self._cell_sums(rf * den)) / scale
            fitted = self.projector @ t  # (G, C)
        else:
            t = (self._cell_sums(num) - centre * self._cell_sums(den)) / scale
            fitted = np.zeros_like(t)
            cm = self.cal.cell_margins
            for _ in range(RAKE_SWEEPS):
                for k, size in enumerate(self.cal.margin_sizes):
                    resid = t - self.n_g[:, None] * fitted
                    per = np.zeros((int(size), t.shape[1]))
                    np.add.at(per, cm[k], resid)
                    fitted = fitted + (per / self.n_margin[k][:, None])[cm[k]]
        return np.asarray(scores - self.w_psu_cell @ fitted)
