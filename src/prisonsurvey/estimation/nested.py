"""Several nested domain sets estimated from one pass over the rows.

When every domain set is a grouping of one finest crossing (country x sex x legal status gives
country, country x sex, ..., and the whole population), the rows are summed once into tables by
(unit, finest cell), a unit being a PSU or a replicate unit; each set's tables are then sums of
these tables' rows, and the estimates, variances, degrees of freedom and counts of
:func:`~prisonsurvey.estimation.kernel.domain_kernel` follow from them.

The tables are kept sparse, one entry per (unit, cell) that holds respondents: a PSU outside a
domain has a zero score, so its stratum's sum of squared deviations is
``sum over present PSUs of (s - m)^2 + (n_h - k) m^2`` with ``m`` the stratum mean of the scores
over all its ``n_h`` PSUs and ``k`` the present ones, the same two-pass sum as the dense one.
Designs with a calibration model or a second-stage fpc are estimated set by set with
``domain_kernel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.survey_design import LonelyPsu, LonelyPsuError, SurveyDesign
from prisonsurvey.estimation.kernel import (
    KernelResult,
    Kind,
    _bincount,
    _columns,
    _deff,
    _Layout,
    _layout,
    _replicate_variance,
    domain_kernel,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class _Sums:
    """Row sums by (unit, cell), one column per pair that holds respondents.

    ``tables`` holds, one above the other, ``(V, S)`` blocks named by ``blocks``: ``a`` (sum of
    ``w y``), ``b`` (sum of ``w x``, ``x`` the denominator or 1 where ``y`` is present),
    ``count`` (rows with ``y`` present and a positive weight), and when needed ``w_present``
    (sum of ``w`` where ``y`` is present, for ratios), ``wy2`` (sum of ``w y^2``) and ``nonzero``
    (rows with ``y != 0`` and a positive weight).
    """

    unit: IntArray
    cell: IntArray
    tables: FloatArray
    blocks: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of pairs ``S``."""
        return int(self.unit.shape[0])


@dataclass(frozen=True, eq=False)
class PairIndex:
    """The (unit, finest cell) pairs of one design and crossing, shared between statistics.

    Built once by :func:`pair_index`; every :func:`nested_kernel` call on the same design, cells
    and maps (means, then ratios, say) reuses its pair of every row, its sums over all rows and
    the plan of every set's folding, so only the variables' own sums are taken again.
    """

    layout: _Layout
    pair: IntArray
    unit: IntArray
    cell: IntArray
    all_rows: FloatArray
    all_w: FloatArray
    all_counted: FloatArray
    all_positive: bool
    positive: npt.NDArray[np.bool_]
    sizes: tuple[int, ...]
    plans: tuple[tuple[int, _Plan], ...]
    """For every set, finer sets first: the set, and how it is added up."""


@dataclass(frozen=True, eq=False)
class _Plan:
    """How one set's pairs are added up from a source.

    ``source`` is the set added up from (``-1``: the row pairs), ``target`` the new column of
    every source pair (the last column is dropped), ``unit`` and ``cell`` the new pairs.
    """

    source: int
    target: IntArray
    n_target: int
    unit: IntArray
    cell: IntArray


def pair_index(
    design: SurveyDesign, cells: IntArray, n_cells: int, maps: Sequence[IntArray]
) -> PairIndex:
    """Index the rows by (unit, finest cell) pair and plan every set's folding, once.

    Args:
        design: The survey design.
        cells: Finest cell of every row (``-1``: in no cell).
        n_cells: Number of finest cells ``F``.
        maps: For every grouping, the grouping's cell of every finest cell, as for
            :func:`nested_kernel`.
    """
    layout = _layout(design, cells, n_cells)
    space = layout.n_units * (layout.n_cells + 1)
    n = layout.key.shape[0]
    if space <= 4 * n + 1_000_000:
        # the counts of the pairs, then (in the same array) the number of every pair
        used = np.bincount(layout.key, minlength=space)
        present = np.flatnonzero(used)
        all_rows = used[present].astype(np.float64)
        used[present] = np.arange(present.shape[0])
        pair = used[layout.key].astype(np.intp, copy=False)
    else:
        present, inverse = np.unique(layout.key, return_inverse=True)
        pair = inverse.reshape(-1).astype(np.intp)
        all_rows = _bincount(pair, minlength=int(present.shape[0]))
    n_pairs = int(present.shape[0])
    w = design.weights
    positive = w > 0
    all_positive = bool(np.all(positive))
    all_counted = all_rows if all_positive else _bincount(pair, weights=positive, minlength=n_pairs)
    c1 = layout.n_cells + 1
    unit = (present // c1).astype(np.intp)
    cell = (present % c1).astype(np.intp)
    sizes = tuple(int(m.max()) + 1 if m.size and m.max() >= 0 else 0 for m in maps)
    # finer sets first; a set is added up from the smallest set already added up that groups
    # into it, else from the pairs
    done: list[tuple[int, IntArray, int]] = []
    plans: list[tuple[int, _Plan]] = []
    shapes: dict[int, tuple[IntArray, IntArray]] = {-1: (unit, cell)}
    for k in sorted(range(len(maps)), key=lambda j: -sizes[j]):
        cell_map = maps[k]
        source, lookup_cells = -1, np.append(cell_map, -1)
        for finer, finer_map, _ in sorted(done, key=lambda d: d[2]):
            grouping = _grouping_of(finer_map, cell_map)
            if grouping is not None:
                source, lookup_cells = finer, grouping
                break
        plan = _plan(source, *shapes[source], lookup_cells, sizes[k], layout.n_units)
        shapes[k] = (plan.unit, plan.cell)
        done.append((k, cell_map, plan.n_target))
        plans.append((k, plan))
    return PairIndex(
        layout=layout,
        pair=pair,
        unit=unit,
        cell=cell,
        all_rows=all_rows,
        all_w=_bincount(pair, weights=w, minlength=n_pairs),
        all_counted=all_counted,
        all_positive=all_positive,
        positive=positive,
        sizes=sizes,
        plans=tuple(plans),
    )


def nested_kernel(
    design: SurveyDesign,
    y: FloatArray | Sequence[FloatArray],
    cells: IntArray,
    n_cells: int,
    maps: Sequence[IntArray],
    kind: Kind | str = Kind.MEAN,
    x: FloatArray | Sequence[FloatArray] | None = None,
    count_nonzero: bool = False,
    index: PairIndex | None = None,
) -> list[KernelResult]:
    """Estimate every variable in every cell of several groupings of one finest crossing.

    The result for grouping ``g`` equals ``domain_kernel`` on the cells ``maps[g][cells]``
    (rows with ``cells == -1`` in no cell), up to the order in which sums are added.

    Args:
        design: The survey design.
        y: Variables, as for ``domain_kernel``.
        cells: Finest cell of every row (``-1``: in no cell).
        n_cells: Number of finest cells ``F``.
        maps: For every grouping, the grouping's cell of every finest cell (``-1``: none),
            its ``C`` cells numbered ``0..C-1``.
        kind: ``total``, ``mean`` or ``ratio``.
        x: Denominator variables for ``ratio``.
        count_nonzero: Also count the holders of a category (disclosure rules).
        index: :func:`pair_index` of the same design, cells and maps, to share between calls.

    Raises:
        LonelyPsuError: A stratum has one PSU and the policy is ``fail``.
    """
    kind = Kind(kind)
    if kind is Kind.RATIO and x is None:
        raise ValueError("a ratio needs denominator variables")
    sizes = [int(m.max()) + 1 if m.size and m.max() >= 0 else 0 for m in maps]
    linearised = design.replicates is None
    if linearised and (design.calibration is not None or design.psu_pop_units is not None):
        out: list[KernelResult] = []
        for cell_map, size in zip(maps, sizes, strict=True):
            padded = np.append(cell_map, -1)
            row_cells = padded[np.where(cells < 0, n_cells, cells)]
            out.append(domain_kernel(design, y, row_cells, size, kind, x, count_nonzero))
        return out
    if linearised and design.lonely_psu is LonelyPsu.FAIL:
        lonely = (design.psus_per_stratum == 1) & ~(_fraction(design) < 1e-7)
        if np.any(lonely):
            which = [design.strata_labels[i] for i in np.flatnonzero(lonely)][:5]
            raise LonelyPsuError(f"strata with a single PSU: {which}")
    if index is None:
        index = pair_index(design, cells, n_cells, maps)
    elif index.sizes != tuple(sizes) or index.layout.n_cells != n_cells:
        raise ValueError("the pair index does not match the cells")
    pairs, binary = _pair_sums(design, index, y, x, kind, count_nonzero)
    folded: dict[int, _Sums] = {-1: pairs}
    found: dict[int, KernelResult] = {}
    for k, plan in index.plans:
        folded[k] = _fold(folded[plan.source], plan)
        found[k] = _estimate(design, index.layout, folded[k], binary, sizes[k], kind)
    return [found[k] for k in range(len(maps))]


def _fraction(design: SurveyDesign) -> FloatArray:
    """``(N_h - n_h) / N_h`` of every stratum (1 without fpc)."""
    n_h = design.psus_per_stratum.astype(np.float64)
    pop = design.stratum_pop_psus
    with np.errstate(invalid="ignore"):
        return np.asarray(np.where(np.isinf(pop), 1.0, (pop - n_h) / pop), dtype=np.float64)


def _pair_sums(
    design: SurveyDesign,
    index: PairIndex,
    y: FloatArray | Sequence[FloatArray],
    x: FloatArray | Sequence[FloatArray] | None,
    kind: Kind,
    count_nonzero: bool,
) -> tuple[_Sums, npt.NDArray[np.bool_]]:
    """The one pass over the rows: every variable summed by (unit, finest cell) pair."""
    pair = index.pair
    n = pair.shape[0]
    n_pairs = int(index.unit.shape[0])
    ys = _columns(y)
    xs = _columns(x) if x is not None else None
    w = design.weights
    positive = index.positive
    all_positive = index.all_positive
    cols: dict[str, list[FloatArray]] = {
        k: [] for k in ("a", "b", "count", "w_present", "wy2", "nonzero")
    }
    binary: list[bool] = []
    zeros = np.zeros(n_pairs)

    def tab(values: npt.ArrayLike | None, rows: IntArray | None = None) -> FloatArray:
        if rows is None:
            return _bincount(pair, weights=values, minlength=n_pairs)
        picked = None if values is None else np.asarray(values)[rows]
        return _bincount(pair[rows], weights=picked, minlength=n_pairs)

    def lost_tab(lost_pair: IntArray, values: npt.ArrayLike | None, lost: IntArray) -> FloatArray:
        picked = None if values is None else np.asarray(values)[lost]
        return _bincount(lost_pair, weights=picked, minlength=n_pairs)

    # sums over every row, from which a variable's sums over its present rows are its sums
    # over its missing rows taken away (when fewer than half are missing)
    all_rows, all_w, all_counted = index.all_rows, index.all_w, index.all_counted
    for v, yv in enumerate(ys):
        missing = np.isnan(yv)
        if xs is not None:
            missing |= np.isnan(xs[v])
        lost = np.flatnonzero(missing)
        num = yv
        if lost.shape[0]:
            num = yv.copy()
            num[lost] = 0.0
        wnum = w * num
        cols["a"].append(tab(wnum))
        if lost.shape[0] == 0:
            w_present, counted = all_w, all_counted
        elif 2 * lost.shape[0] <= n:
            lost_pair = pair[lost]
            lost_rows = lost_tab(lost_pair, None, lost)
            rows = all_rows - lost_rows
            w_present = np.where(rows > 0, all_w - lost_tab(lost_pair, w, lost), 0.0)
            counted = all_counted - (
                lost_rows if all_positive else lost_tab(lost_pair, positive, lost)
            )
        else:
            kept = np.flatnonzero(~missing)
            w_present = tab(w, kept)
            counted = tab(None, kept if all_positive else kept[positive[kept]])
        if kind is Kind.RATIO:
            assert xs is not None
            den = xs[v]
            if lost.shape[0]:
                den = den.copy()
                den[lost] = 0.0
            cols["b"].append(tab(w * den))
            cols["w_present"].append(w_present)
        else:
            cols["b"].append(w_present)
        cols["count"].append(counted)
        if count_nonzero:
            cols["nonzero"].append(tab((num != 0) & positive))
        # 0/1 variables: the sum of w y^2 is the sum of w y (ratios have no design effect)
        is_binary = kind is Kind.RATIO or bool(np.all((num == 0) | (num == 1)))
        binary.append(is_binary)
        cols["wy2"].append(zeros if is_binary else tab(wnum * num))
    if all(binary):
        cols["wy2"] = []
    blocks = tuple(k for k, v in cols.items() if v)
    sums = _Sums(
        unit=index.unit,
        cell=index.cell,
        tables=np.stack([col for k in blocks for col in cols[k]]),
        blocks=blocks,
    )
    return sums, np.array(binary, dtype=bool)


def _runs(sorted_keys: npt.NDArray[np.int64]) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """Start of every run of equal keys in a sorted array, and the run keys."""
    if sorted_keys.shape[0] == 0:
        return np.zeros(0, dtype=np.intp), sorted_keys
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.intp)
    return starts, sorted_keys[starts]


def _grouping_of(finer: IntArray, coarser: IntArray) -> IntArray | None:
    """The coarser set's cell of every cell of the finer set, if the finer set groups into it.

    Both are maps from the finest cells; ``None`` when a finer cell spans several coarser ones
    or rows outside the finer set are inside the coarser one.
    """
    inside = finer >= 0
    if np.any(coarser[~inside] >= 0):
        return None
    size = int(finer.max()) + 1 if np.any(inside) else 0
    lookup = np.full(size + 1, -1, dtype=np.intp)
    lookup[finer[inside]] = coarser[inside]
    if not np.array_equal(lookup[finer[inside]], coarser[inside]):
        return None
    return lookup


def _plan(
    source: int, unit: IntArray, cell: IntArray, lookup: IntArray, n_cells: int, n_units: int
) -> _Plan:
    """How the pairs ``(unit, cell)`` add up by (new cell, unit), sorted by cell, then unit.

    PSUs are numbered stratum by stratum, so the strata of a cell are runs of its pairs.
    """
    size = int(unit.shape[0])
    coarse = lookup[cell]
    inside = coarse >= 0
    key = coarse.astype(np.int64) * n_units + unit
    space = n_cells * n_units
    if space <= 4 * size + 1_000_000:
        used = np.zeros(space, dtype=bool)
        used[key[inside]] = True
        present = np.flatnonzero(used)
        rank = np.cumsum(used, dtype=np.intp) - 1
        target = np.where(inside, rank[np.where(inside, key, 0)], present.shape[0])
    else:
        present, inverse = np.unique(key[inside], return_inverse=True)
        target = np.full(size, present.shape[0], dtype=np.intp)
        target[inside] = inverse.reshape(-1)
    return _Plan(
        source=source,
        target=target.astype(np.intp),
        n_target=int(present.shape[0]),
        unit=(present % n_units).astype(np.intp),
        cell=(present // n_units).astype(np.intp),
    )


def _fold(source: _Sums, plan: _Plan) -> _Sums:
    """Add up the pairs of ``source`` as ``plan`` says."""
    n_target = plan.n_target
    # rows outside every new cell go to a last column, dropped
    tables = np.empty((source.tables.shape[0], n_target))
    for k, row in enumerate(source.tables):
        tables[k] = np.bincount(plan.target, weights=row, minlength=n_target + 1)[:n_target]
    return _Sums(unit=plan.unit, cell=plan.cell, tables=tables, blocks=source.blocks)


def _estimate(
    design: SurveyDesign,
    layout: _Layout,
    sums: _Sums,
    binary: npt.NDArray[np.bool_],
    n_cells: int,
    kind: Kind,
) -> KernelResult:
    """One set's estimates from its (cell, unit) sums."""
    n_var = binary.shape[0]
    unit, cell = sums.unit, sums.cell
    # pairs by variables, as (S, V) blocks side by side
    tables = np.ascontiguousarray(sums.tables.T)
    cell_starts, cell_ids = _runs(cell.astype(np.int64))
    cell_sums = np.zeros((n_cells, tables.shape[1]))
    if cell_starts.shape[0]:
        cell_sums[cell_ids] = np.add.reduceat(tables, cell_starts, axis=0)

    def block(name: str) -> FloatArray:
        k = sums.blocks.index(name)
        return tables[:, k * n_var : (k + 1) * n_var]

    def per_cell(name: str) -> FloatArray:
        k = sums.blocks.index(name)
        return cell_sums[:, k * n_var : (k + 1) * n_var]

    a, b, count = block("a"), block("b"), block("count")
    a_c, b_c, counts = per_cell("a"), per_cell("b"), per_cell("count")
    if kind is Kind.TOTAL:
        est = a_c
        centre = np.zeros((n_cells, n_var))
        scale = np.ones((n_cells, n_var))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            est = a_c / b_c
        centre = np.nan_to_num(est)
        scale = np.where(b_c != 0, b_c, np.nan)
    wn = per_cell("w_present") if "w_present" in sums.blocks else b_c
    present = count > 0
    if layout.unit_psu is None:
        psu = unit
        n_psu = np.zeros((n_cells, n_var))
        if cell_starts.shape[0]:
            n_psu[cell_ids] = np.add.reduceat(present.astype(np.float64), cell_starts, axis=0)
    else:
        psu = layout.unit_psu[unit]
        n_psu = _distinct_psus(design, cell, psu, present, n_cells)
    if layout.factors is not None:
        dense_a = np.zeros((layout.n_units, n_cells, n_var))
        dense_b = np.zeros((layout.n_units, n_cells, n_var))
        dense_a[unit, cell] = a
        dense_b[unit, cell] = b
        tabs = [(dense_a[:, :, v], dense_b[:, :, v]) for v in range(n_var)]
        variance = _replicate_variance(design, layout, tabs, kind, est)
        df = np.full((n_cells, n_var), design.degf, dtype=np.int64)
    else:
        scores = (a - centre[cell] * b) / scale[cell]
        variance, n_strata = _sparse_variance(design, scores, cell, psu, present, n_cells)
        df = (n_psu - n_strata).astype(np.int64)
    if kind is not Kind.RATIO:
        q = a_c if "wy2" not in sums.blocks else np.where(binary[None, :], a_c, per_cell("wy2"))
        deff, deffr = _deff(kind, variance, q, a_c, b_c, counts)
    else:
        deff = deffr = np.full((n_cells, n_var), np.nan)
    nonzero = (
        per_cell("nonzero").astype(np.int64)
        if "nonzero" in sums.blocks
        else np.full((n_cells, n_var), -1, dtype=np.int64)
    )
    return KernelResult(
        estimate=est,
        variance=variance,
        n=counts.astype(np.int64),
        weighted_n=wn,
        deff=deff,
        deff_replace=deffr,
        df_domain=df,
        n_psu=n_psu.astype(np.int64),
        n_nonzero=nonzero,
    )


def _distinct_psus(
    design: SurveyDesign,
    cell: IntArray,
    psu: IntArray,
    present: npt.NDArray[np.bool_],
    n_cells: int,
) -> FloatArray:
    """Design PSUs holding members of every cell when several units share a PSU."""
    n_var = present.shape[1]
    out = np.zeros((n_cells, n_var))
    key = cell.astype(np.int64) * design.n_psu + psu
    for v in range(n_var):
        held = np.unique(key[present[:, v]])
        out[:, v] = np.bincount(held // design.n_psu, minlength=n_cells)
    return out


def _sparse_variance(
    design: SurveyDesign,
    scores: FloatArray,
    cell: IntArray,
    psu: IntArray,
    present: npt.NDArray[np.bool_],
    n_cells: int,
) -> tuple[FloatArray, FloatArray]:
    """Stratified between-PSU variance from the present (cell, PSU) scores.

    Returns the variance ``(C, V)`` and the number of strata holding members ``(C, V)``.
    """
    n_var = scores.shape[1]
    stratum = design.psu_stratum[psu]
    n_strata = design.n_strata
    group_key = cell.astype(np.int64) * n_strata + stratum
    starts, groups = _runs(group_key)
    g_cell = (groups // n_strata).astype(np.intp)
    g_stratum = (groups % n_strata).astype(np.intp)
    if starts.shape[0] == 0:
        return np.zeros((n_cells, n_var)), np.zeros((n_cells, n_var))
    n_h = design.psus_per_stratum.astype(np.float64)[g_stratum]
    f = _fraction(design)[g_stratum]
    k = np.diff(np.append(starts, scores.shape[0])).astype(np.float64)
    sums = np.add.reduceat(scores, starts, axis=0)
    mean = sums / n_h[:, None]
    group_of = np.repeat(np.arange(starts.shape[0]), k.astype(np.intp))
    dev = scores - mean[group_of]
    ss = np.add.reduceat(dev * dev, starts, axis=0) + (n_h - k)[:, None] * mean * mean
    with np.errstate(divide="ignore", invalid="ignore"):
        factor_h = np.where(n_h > 1, f * n_h / (n_h - 1), f)
    contrib = ss * factor_h[:, None]
    census = f < 1e-7
    lonely = (n_h == 1) & ~census
    members = np.add.reduceat(present.astype(np.float64), starts, axis=0) > 0
    factor = np.ones((n_cells, n_var))
    if np.any(lonely):
        policy = design.lonely_psu
        if policy is LonelyPsu.ADJUST:
            contrib[lonely] = (sums[lonely] ** 2) * f[lonely, None]
        else:
            contrib[lonely] = 0.0
        if policy is LonelyPsu.AVERAGE:
            n_strat = np.zeros((n_cells, n_var))
            n_ok = np.zeros((n_cells, n_var))
            np.add.at(n_strat, g_cell, members)
            np.add.at(n_ok, g_cell, members & ~lonely[:, None])
            factor = np.where(n_ok > 0, n_strat / np.maximum(n_ok, 1), 1.0)
    contrib[census] = 0.0
    cell_starts, cell_ids = _runs(g_cell.astype(np.int64))
    total = np.zeros((n_cells, n_var))
    total[cell_ids] = np.add.reduceat(contrib, cell_starts, axis=0)
    held = np.zeros((n_cells, n_var))
    held[cell_ids] = np.add.reduceat(members.astype(np.float64), cell_starts, axis=0)
    return total * factor, held
