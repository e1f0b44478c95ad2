"""Run a weighting specification on a DataFrame: base weights, adjustments, replicates.

Every adjustment step is constant within cells (the cross-classification of all variables the
steps use), so the whole chain runs on a table ``T`` of weight totals with one row per cell and
one column per weight set: column 0 is the full sample, columns ``1..R`` the replicates, whose
totals come from one ``(cells x PSUs) @ (PSUs x R)`` product. Replicates therefore repeat every
step (re-adjusting and re-calibrating) without an ``N x R`` matrix; the result is stored in
factored form (:class:`~prisonsurvey.design.replicates.ReplicateWeights`).

Trimming acts on single weights rather than cells, so it must be the last step; replicates
are trimmed anew on groups of rows sharing PSU, cell and base weight (rows of one group have
equal weights in every replicate), and their factors are then stored per group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from prisonsurvey.design.replicates import ReplicateWeights
from prisonsurvey.errors import Location
from prisonsurvey.progress import Progress, report
from prisonsurvey.weighting import issues, replication, validate
from prisonsurvey.weighting._cells import CellIndex, FloatArray, IntArray, cell_index, group_sum
from prisonsurvey.weighting.calibrate import margin_check, solve
from prisonsurvey.weighting.diagnostics import Diagnostics, WeightSummary
from prisonsurvey.weighting.margins import Margin, bind, check_grand_totals, level_key
from prisonsurvey.weighting.spec import (
    CalibrationStep,
    EligibilityStep,
    NonresponseStep,
    TrimStep,
    WeightingSpec,
)
from prisonsurvey.weighting.trimming import trim_weights

_DENSE_LIMIT = 4_000_000
Locator = Callable[[tuple[str | int, ...]], Location]
_TRUE = frozenset({"1", "true", "yes", "y"})


@dataclass(frozen=True)
class WeightingResult:
    """Outcome of :func:`apply_spec`.

    Attributes:
        weights: Final weight of every row (0 for nonrespondents, ineligible units, ...).
        replicates: Replicate weights in factored form (``None`` when not requested).
        diagnostics: Weight distribution, margin checks and step summaries.
        stages: Weight after each step, keyed ``base``, ``step1``, ``step2``, ...
    """

    weights: pd.Series
    replicates: ReplicateWeights | None
    diagnostics: Diagnostics
    stages: dict[str, pd.Series]

    def replicate_frame(self, prefix: str = "repw_") -> pd.DataFrame:
        """Explicit replicate weight columns (for export; ``N x R``)."""
        if self.replicates is None:
            return pd.DataFrame(index=self.weights.index)
        m = self.replicates.matrix(self.weights.to_numpy(dtype=np.float64))
        cols = [f"{prefix}{r + 1:04d}" for r in range(m.shape[1])]
        return pd.DataFrame(m, index=self.weights.index, columns=cols)


def _no_locator(_: tuple[str | int, ...]) -> Location:
    return Location()


def _step_variables(step: object) -> list[str]:
    if isinstance(step, EligibilityStep):
        return [step.status, *step.classes]
    if isinstance(step, NonresponseStep):
        return [step.responded, *step.classes]
    if isinstance(step, CalibrationStep):
        return [v for m in step.margins for v in m.variables]
    return []


def _base_weights(data: pd.DataFrame, spec: WeightingSpec) -> FloatArray:
    if spec.base_weight.column is not None:
        return validate.weights(data, spec.base_weight.column)
    return 1.0 / validate.probabilities(data, spec.base_weight.probabilities)


def _truthy(levels: list[object]) -> FloatArray:
    return np.array(
        [0.0 if lv is None else float(level_key([lv])[0].lower() in _TRUE) for lv in levels]
    )


def _classes(cells: CellIndex, variables: Sequence[str]) -> tuple[IntArray, list[str]]:
    if not variables:
        return np.zeros(cells.n_cells, dtype=np.intp), ["all"]
    idx = [cells.variables.index(v) for v in variables]
    combos, inv = np.unique(cells.cell_levels[:, idx], axis=0, return_inverse=True)
    names = []
    for row in combos:
        vals = [cells.levels[j][k] for j, k in zip(idx, row, strict=True)]
        names.append(", ".join(f"{v}={x}" for v, x in zip(variables, vals, strict=True)))
    return inv.reshape(-1).astype(np.intp), names


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


class _Chain:
    """State of a weighting run on the cell table."""

    def __init__(
        self,
        data: pd.DataFrame,
        base: FloatArray,
        cells: CellIndex,
        psu_factors: FloatArray | None,
        row_psu: IntArray | None,
        locate: Locator,
    ) -> None:
        self.data = data
        self.base = base
        self.cells = cells
        self.a = psu_factors
        self.row_psu = row_psu
        self.locate = locate
        self.t = self._table(base)
        self.f = np.ones_like(self.t)
        self.margins: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        self.failed: set[int] = set()

    def _table(self, values: FloatArray) -> FloatArray:
        c = self.cells.n_cells
        full = group_sum(values, self.cells.row_cell, c)
        if self.a is None or self.row_psu is None:
            return full[:, None]
        p = self.a.shape[0]
        if c * p <= _DENSE_LIMIT:
            dense = group_sum(values, self.cells.row_cell * p + self.row_psu, c * p)
            return np.column_stack([full, dense.reshape(c, p) @ self.a])
        # many cells x many PSUs (e.g. facility classes): most pairs are empty
        by_psu = sparse.csr_matrix((values, (self.cells.row_cell, self.row_psu)), shape=(c, p))
        return np.column_stack([full, np.asarray(by_psu @ self.a)])

    def current(self) -> FloatArray:
        return self.t * self.f

    def _empty_class(
        self,
        num: FloatArray,
        den: FloatArray,
        names: list[str],
        what: str,
        where: tuple[str | int, ...],
    ) -> None:
        bad = np.flatnonzero((num[:, 0] > 0) & (den[:, 0] <= 0))
        if bad.size:
            listed = "; ".join(names[i] for i in bad[:5])
            issues.fail(
                issues.EMPTY_CLASS,
                f"weighting class {listed} has no {what}, so its weight cannot be carried by "
                f"anyone; merge it with a similar class (change 'classes')",
                self.locate(where),
            )

    def eligibility(self, step: EligibilityStep, where: tuple[str | int, ...]) -> None:
        j = self.cells.variables.index(step.status)
        keys = [None if lv is None else level_key([lv])[0] for lv in self.cells.levels[j]]
        elig = {level_key([v])[0] for v in step.eligible}
        inel = {level_key([v])[0] for v in step.ineligible}
        lv = self.cells.cell_levels[:, j]
        is_el = np.array([keys[k] in elig for k in lv], dtype=float)
        is_in = np.array([keys[k] in inel for k in lv], dtype=float)
        known = is_el + is_in
        cls, names = _classes(self.cells, step.classes)
        cur = self.current()
        num = group_sum(cur, cls, len(names))
        den = group_sum(cur * known[:, None], cls, len(names))
        self._empty_class(num, den, names, "unit of known eligibility", where)
        factor = _ratio(num, den)[cls] * is_el[:, None]
        self.f = self.f * factor
        self.steps.append({"step": "eligibility", "classes": len(names)})

    def nonresponse(self, step: NonresponseStep, where: tuple[str | int, ...]) -> None:
        j = self.cells.variables.index(step.responded)
        resp = _truthy(self.cells.levels[j])[self.cells.cell_levels[:, j]]
        cls, names = _classes(self.cells, step.classes)
        if step.level == "facility":
            assert step.unit is not None and step.unit_probability is not None
            _facility_level(
                self.data, step.unit, [step.responded, *step.classes], self.locate(where)
            )
            first = ~self.data[step.unit].duplicated().to_numpy()
            fw_all = 1.0 / validate.probabilities(self.data, [step.unit_probability])
            fw = np.where(first, fw_all, 0.0)
            basis = self._table(fw)
        else:
            basis = self.current()
        num = group_sum(basis, cls, len(names))
        den = group_sum(basis * resp[:, None], cls, len(names))
        who = "responding facility" if step.level == "facility" else "respondent"
        self._empty_class(num, den, names, who, where)
        factor = _ratio(num, den)[cls] * resp[:, None]
        self.f = self.f * factor
        self.steps.append(
            {
                "step": f"{step.level} nonresponse",
                "classes": len(names),
                "factor_max": float(factor[:, 0].max()),
            }
        )

    def calibration(
        self,
        step: CalibrationStep,
        controls: Mapping[str, pd.DataFrame],
        where: tuple[str | int, ...],
    ) -> None:
        margins: list[Margin] = []
        for i, m in enumerate(step.margins):
            loc = self.locate((*where, "margins", i))
            if m.controls not in controls:
                issues.fail(
                    issues.CONTROLS_TABLE,
                    f"margin {i + 1} uses control table '{m.controls}' which the controls do "
                    f"not have; available: {', '.join(sorted(controls)) or 'none'}",
                    loc,
                )
            margins.append(
                Margin.from_frame(controls[m.controls], m.variables, m.count, m.name or "", loc)
            )
        cur = self.current()
        rows_w = self.base * self.f[self.cells.row_cell, 0]
        validate.no_missing_classes(
            self.data, [v for m in margins for v in m.variables], "calibration margin", rows_w > 0
        )
        check_grand_totals(margins)
        cells_pos = cur[:, 0]
        bound = [bind(self._positive_cells(cells_pos), m, cells_pos) for m in margins]
        sol = solve(step.method, cur, bound, step.bounds, step.g_trim, step.epsilon, step.max_iter)
        self.failed.update(int(k) - 1 for k in np.flatnonzero(~sol.converged) if k > 0)
        self.f = self.f * sol.g
        self.margins.extend(margin_check(cur[:, 0] * sol.g[:, 0], bound))
        self.steps.append(
            {
                "step": f"calibration ({step.method})",
                "iterations": sol.iterations,
                "g_min": float(sol.g[cells_pos > 0, 0].min()),
                "g_max": float(sol.g[cells_pos > 0, 0].max()),
            }
        )

    def _positive_cells(self, cell_w: FloatArray) -> CellIndex:
        # cells with no weight (nonrespondents, ineligible) never need a control total
        return self.cells if (cell_w > 0).all() else _mask_levels(self.cells, cell_w > 0)


def _facility_level(
    data: pd.DataFrame, unit: str, variables: Sequence[str], where: Location
) -> None:
    if unit not in data.columns:
        issues.fail(issues.SPEC_COLUMN, f"the data have no facility column '{unit}'", where)
    for v in variables:
        varying = data.groupby(unit, sort=True)[v].nunique(dropna=False)
        bad = varying[varying > 1]
        if len(bad):
            issues.fail(
                issues.NOT_FACILITY_LEVEL,
                f"'{v}' must be the same for every row of a facility (it is a facility-level "
                f"class or response flag) but differs within facility {bad.index[0]}",
                where,
            )


def _mask_levels(cells: CellIndex, keep: np.ndarray) -> CellIndex:
    # cells without weight are relabelled to a level of a kept cell: they carry no weight, so
    # the solution is unchanged, and they no longer demand a control total of their own
    first = int(np.flatnonzero(keep)[0])
    levels = cells.cell_levels.copy()
    levels[~keep] = levels[first]
    return CellIndex(cells.variables, cells.levels, cells.row_cell, levels)


def _replicate_factors(
    data: pd.DataFrame, spec: WeightingSpec, method: str
) -> tuple[replication.PSUFactors, replication.PSULayout]:
    d = spec.design
    validate.no_missing_classes(data, [c for c in (d.strata, d.psu, d.fpc) if c], "design variable")
    lay = replication.layout(data, d.strata, d.psu, d.fpc)
    r = spec.replicates
    factors = replication.psu_factors(lay, method, d.lonely_psu, r.replicates, r.seed, r.fay_rho)
    return factors, lay


def apply_spec(
    data: pd.DataFrame,
    spec: WeightingSpec,
    controls: Mapping[str, pd.DataFrame],
    replicates: str | None = None,
    locate: Locator | None = None,
    progress: Progress | None = None,
) -> WeightingResult:
    """Compute final weights (and replicate weights) as the specification says.

    Args:
        data: One row per sampled unit (respondents and nonrespondents alike).
        spec: The weighting specification.
        controls: Control tables by name (see :func:`~prisonsurvey.weighting.load_controls`).
        replicates: Override of the specification's replicate method (``none`` for none).
        locate: Maps a path inside the specification to its file position (for messages).
        progress: Called before each step and when done (:mod:`prisonsurvey.progress`).

    Returns:
        Final weights, replicate weights and diagnostics.

    Raises:
        InputError: Unusable data or specification (missing columns, non-positive weights,
            empty classes, margins that cannot be met, single-PSU strata, ...).
    """
    loc = locate or _no_locator
    for i, step in enumerate(spec.steps):
        for v in _step_variables(step):
            if v not in data.columns:
                issues.fail(
                    issues.SPEC_COLUMN,
                    f"step {i + 1} uses column '{v}' which the data do not have",
                    loc(("steps", i)),
                )
    base = _base_weights(data, spec)
    variables: list[str] = []
    for step in spec.steps:
        variables.extend(v for v in _step_variables(step) if v not in variables)
    cells = cell_index(data, variables)
    method = replicates or spec.replicates.method
    psu: replication.PSUFactors | None = None
    lay: replication.PSULayout | None = None
    if method != "none":
        psu, lay = _replicate_factors(data, spec, method)
    chain = _Chain(
        data, base, cells, psu.factors if psu else None, lay.row_psu if lay else None, loc
    )
    stages = {"base": pd.Series(base, index=data.index, name="base")}
    trim_factor = np.ones(len(data))
    trim_step: TrimStep | None = None
    n_steps = len(spec.steps) + 1
    for i, step in enumerate(spec.steps):
        report(progress, f"step {i + 1}: {type(step).__name__}", i, n_steps)
        where: tuple[str | int, ...] = ("steps", i)
        if isinstance(step, EligibilityStep):
            chain.eligibility(step, where)
        elif isinstance(step, NonresponseStep):
            chain.nonresponse(step, where)
        elif isinstance(step, CalibrationStep):
            chain.calibration(step, controls, where)
        elif isinstance(step, TrimStep):
            w = base * chain.f[cells.row_cell, 0]
            trim_factor = _trim_factor(w, step)
            trim_step = step
            chain.steps.append({"step": "trim", "trimmed": int((trim_factor != 1).sum())})
        current = base * chain.f[cells.row_cell, 0] * trim_factor
        stages[f"step{i + 1}"] = pd.Series(current, index=data.index, name=f"step{i + 1}")
    final = base * chain.f[cells.row_cell, 0] * trim_factor
    report(progress, "replicate weights", n_steps - 1, n_steps)
    rep: ReplicateWeights | None = None
    rep_info: dict[str, Any] | None = None
    if psu is not None and lay is not None:
        if trim_step is None:
            codes = cells.row_cell
            full = chain.f[:, :1]
            cell_factors = np.zeros_like(chain.f[:, 1:])
            np.divide(chain.f[:, 1:], full, out=cell_factors, where=full != 0)
        else:
            codes, cell_factors = _trimmed_replicates(
                base, final, cells.row_cell, lay.row_psu, chain.f, psu.factors, trim_step
            )
        rep = ReplicateWeights(
            method=psu.method,
            scale=psu.scale,
            rscales=psu.rscales,
            psu_codes=lay.row_psu,
            psu_factors=psu.factors,
            cell_codes=codes,
            cell_factors=cell_factors,
            mse=spec.replicates.mse,
        )
        rep_info = {
            "method": psu.method.value,
            "replicates": rep.n_replicates,
            "scale": psu.scale,
            "not_calibrated": sorted(r + 1 for r in chain.failed),
        }
    report(progress, "weights done", n_steps, n_steps)
    diagnostics = Diagnostics(
        base=WeightSummary.of(base, base),
        final=WeightSummary.of(final, base),
        steps=chain.steps,
        margins=chain.margins,
        replicates=rep_info,
    )
    return WeightingResult(
        pd.Series(final, index=data.index, name=spec.output.weight), rep, diagnostics, stages
    )


def _trim_factor(w: FloatArray, step: TrimStep) -> FloatArray:
    pos = w > 0
    scale = float(w[pos].mean()) if step.relative_to == "mean" and pos.any() else 1.0
    upper = step.upper * scale if step.upper is not None else np.inf
    lower = step.lower * scale if step.lower is not None else -np.inf
    trimmed = w.copy()
    trimmed[pos] = trim_weights(w[pos], upper, lower, step.strict)
    out = np.ones_like(w)
    np.divide(trimmed, w, out=out, where=pos)
    return out


def _trim_columns(w: FloatArray, count: FloatArray, step: TrimStep) -> FloatArray:
    """R ``trimWeights`` on every column of grouped weights (``count`` units per row)."""
    pos = w > 0
    n_pos = (count[:, None] * pos).sum(axis=0)
    total = (count[:, None] * w).sum(axis=0)
    scale = np.where(n_pos > 0, total / np.maximum(n_pos, 1), 1.0)
    if step.relative_to == "absolute":
        scale = np.ones_like(scale)
    upper = step.upper * scale if step.upper is not None else np.full_like(scale, np.inf)
    lower = step.lower * scale if step.lower is not None else np.full_like(scale, -np.inf)
    out = w.copy()
    for _ in range(1000):
        outside = pos & ((out < lower) | (out > upper))
        if not outside.any():
            break
        clipped = np.clip(out, lower, upper)
        excess = (count[:, None] * (out - clipped) * outside).sum(axis=0)
        n_in = (count[:, None] * (pos & ~outside)).sum(axis=0)
        share = np.where(n_in > 0, excess / np.maximum(n_in, 1), 0.0)
        out = np.where(outside, clipped, np.where(pos, out + share, 0.0))
        if not step.strict:
            break
    return out


def _trimmed_replicates(
    base: FloatArray,
    final: FloatArray,
    row_cell: IntArray,
    row_psu: IntArray,
    f: FloatArray,
    a: FloatArray,
    step: TrimStep,
) -> tuple[IntArray, FloatArray]:
    """Trim every replicate anew, on groups of rows sharing PSU, cell and base weight.

    Rows of one group have the same weight in every replicate, so trimming the groups (with
    their sizes) equals trimming the rows; the factors are stored per group.
    """
    n_psu = a.shape[0]
    key = pd.DataFrame({"k": row_cell.astype(np.int64) * n_psu + row_psu, "b": base})
    group = key.groupby(["k", "b"], sort=False).ngroup().to_numpy().astype(np.intp)
    n_groups = int(group.max()) + 1 if group.size else 0
    first = np.zeros(n_groups, dtype=np.intp)
    first[group[::-1]] = np.arange(group.size)[::-1]
    count = np.bincount(group, minlength=n_groups).astype(np.float64)
    g_cell, g_psu = row_cell[first], row_psu[first]
    reps = base[first][:, None] * a[g_psu] * f[g_cell, 1:]
    trimmed = _trim_columns(reps, count, step)
    denom = final[first][:, None] * a[g_psu]
    factors = np.zeros_like(trimmed)
    np.divide(trimmed, denom, out=factors, where=denom != 0)
    return group, factors
