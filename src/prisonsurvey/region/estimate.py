"""Regional estimates: by country, country x sex, country x legal status, region and average.

Everything is estimated on one design, the stacked file's (strata = country x stratum, PSUs =
country x facility). A country's figure is the country domain of that design: with strata and
PSUs nested in countries, its linearised variance sums over the country's own strata only, so
estimate and standard error are those of the country's own design (and the interval uses the
domain's degrees of freedom, the country's PSUs less its strata). The regional figure is the
whole design's; the average of countries is the plain mean of the published country figures,
its variance the sum of theirs over the squared number of countries (independent samples).
Reliability and disclosure rules are those of ``tabulate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from prisonsurvey.design.replicates import ReplicateWeights
from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.distributions import norm_ppf
from prisonsurvey.estimation.domains import nested_domains
from prisonsurvey.estimation.estimators import DfRule, DomainSet, Stat, estimate_set_columns
from prisonsurvey.estimation.intervals import CiMethod
from prisonsurvey.estimation.nested import pair_index
from prisonsurvey.estimation.rules import Rules, rule_marks
from prisonsurvey.estimation.tabulate import located_lonely_psu
from prisonsurvey.questionnaire.indicators import IndicatorCatalogue, IndicatorKind
from prisonsurvey.region.comparability import Cell
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.stack import (
    COUNTRY,
    COUNTRY_PSU,
    COUNTRY_STRATUM,
    DOMAINS,
    RATIO_KINDS,
    W,
    denominator_column,
)

REGION = "region"
"""The ``area`` of the pooled regional figure."""
AVERAGE = "average"
"""The ``area`` of the unweighted average of countries."""
SPEC = DesignSpec(weight=W, strata=COUNTRY_STRATUM, psu=COUNTRY_PSU)
FIELDS = (
    "indicator",
    "area",
    "sex",
    "legal_status",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "n",
    "status",
    "note",
    "comparability",
    "reasons",
    "unit",
)
SCALED = ("estimate", "se", "ci_lower", "ci_upper")
LEVEL = 0.95
"""Confidence level of every interval (logit intervals, as ``tabulate``'s default)."""


def stacked_design(
    stacked: pd.DataFrame, source: str = "stacked", replicates: ReplicateWeights | None = None
) -> SurveyDesign:
    """The regional design of the stacked file, with the combined replicates if given."""
    design = design_from_frame(stacked, SPEC, source)
    return design if replicates is None else design.with_replicates(replicates)


def _statistics(
    catalogue: IndicatorCatalogue, ids: Sequence[str]
) -> list[tuple[tuple[str, ...], Stat, str | None]]:
    """One estimate per statistic: means (proportions too) and totals together, ratios alone.

    Each is ``(indicators, statistic, denominator column)``.
    """
    kinds = {i: catalogue.get(i).kind for i in ids}
    means = tuple(i for i in ids if kinds[i] in (IndicatorKind.PROPORTION, IndicatorKind.MEAN))
    totals = tuple(i for i in ids if kinds[i] is IndicatorKind.TOTAL)
    out: list[tuple[tuple[str, ...], Stat, str | None]] = []
    if means:
        out.append((means, Stat.MEAN, None))
    if totals:
        out.append((totals, Stat.TOTAL, None))
    for i in ids:
        if kinds[i] in RATIO_KINDS:
            out.append(((i,), Stat.RATIO, denominator_column(i)))
    return out


Columns = dict[str, npt.NDArray[Any]]
"""A table as numpy columns: ``ind`` (the indicator's place in ``ids``) and ``area`` (the
country's place in the countries, then the region, then the average) as integer codes, the
domain columns as objects, the estimates and their marks."""


def _tables(
    design: SurveyDesign,
    stacked: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    groups: Sequence[Sequence[tuple[tuple[str, ...], DfRule]]],
    rules: Rules,
    countries: Sequence[str],
) -> list[Columns]:
    """One table per group of domain sets (``by``, degrees of freedom), rules applied.

    Every set is a grouping of the crossing of all their columns, so each statistic takes one
    pass over the rows for every set of every group; the rows' (PSU, cell) pairs and every
    set's layout are found once for all statistics.
    """
    sets = [DomainSet(by, CiMethod.LOGIT, LEVEL, df) for group in groups for by, df in group]
    domains = nested_domains(stacked, [s.by for s in sets])
    index = pair_index(design, domains.codes, domains.n_cells, domains.maps)
    code = {i: k for k, i in enumerate(ids)}
    area = {c: k for k, c in enumerate(countries)}
    found: list[list[Columns]] = [[] for _ in sets]
    for variables, stat, denominator in _statistics(catalogue, ids):
        with located_lonely_psu():
            estimates = estimate_set_columns(
                design,
                stacked,
                variables,
                sets,
                stat=stat,
                denominator=denominator,
                domains=domains,
                index=index,
            )
        inds = np.array([code[v] for v in variables], dtype=np.intp)
        for k, (cols, dom) in enumerate(zip(estimates, domains.sets, strict=True)):
            found[k].append(_set_columns(cols, dom.table, inds, area))
    scale = np.array([catalogue.get(i).scale for i in ids], dtype=np.float64)
    unit = np.array([catalogue.get(i).unit for i in ids], dtype=object)
    out: list[Columns] = []
    start = 0
    for group in groups:
        parts = [f for frames in found[start : start + len(group)] for f in frames]
        start += len(group)
        table = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        status, notes, suppress = rule_marks(
            table["n"].astype(np.float64), table["cv"], table["n_category"], table["n_psu"], rules
        )
        table["status"] = status.astype(object)
        table["note"] = np.array(notes, dtype=object)
        factor = scale[table["ind"]]
        for col in (*SCALED, "cv"):
            table[col] = np.where(suppress, np.nan, table[col])
        for col in SCALED:
            table[col] = table[col] * factor
        table["unit"] = unit[table["ind"]]
        out.append(table)
    return out


def _set_columns(
    cols: Mapping[str, npt.NDArray[Any]],
    cells: pd.DataFrame,
    inds: npt.NDArray[np.intp],
    area: Mapping[str, int],
) -> Columns:
    """The table columns of one set's estimates (cells outermost, ``inds`` within)."""
    n_var = inds.shape[0]
    n_cells = len(cells)
    size = n_var * n_cells
    out: Columns = {"ind": np.tile(inds, n_cells)}
    if COUNTRY in cells:
        cell_area = np.array([area[str(c)] for c in cells[COUNTRY].tolist()], dtype=np.intp)
        out["area"] = np.repeat(cell_area, n_var)
    else:
        out["area"] = np.full(size, len(area), dtype=np.intp)
    for name in DOMAINS:
        if name in cells:
            out[name] = np.repeat(cells[name].to_numpy(dtype=object), n_var)
        else:
            out[name] = np.full(size, np.nan, dtype=object)
    for name in (*SCALED, "cv", "n", "n_psu", "n_category"):
        out[name] = cols[name]
    return out


def _blank(table: Columns, mask: npt.NDArray[np.bool_]) -> Columns:
    for col in (*SCALED, "cv"):
        table[col] = np.where(mask, np.nan, table[col])
    return table


def _mark_countries(
    table: Columns,
    cells: Mapping[tuple[str, str], Cell],
    countries: Sequence[str],
    ids: Sequence[str],
) -> Columns:
    # one lookup per country x indicator, spread over its rows
    found = [cells[(c, i)] for c in countries for i in ids]
    which = table["area"] * len(ids) + table["ind"]
    comparability = np.array([c.comparability.value for c in found], dtype=object)[which]
    reasons = np.array(["; ".join(c.reasons) for c in found], dtype=object)[which]
    hidden = np.array([not c.comparability.shown for c in found], dtype=bool)[which]
    table["comparability"] = comparability
    table["reasons"] = reasons
    table["status"] = np.where(hidden, comparability, table["status"])
    table["note"] = np.where(hidden, reasons, table["note"])
    return _blank(table, hidden)


def _region_class(
    cells: Mapping[tuple[str, str], Cell], countries: Sequence[str], ind_id: str
) -> tuple[str, str]:
    """The comparability class of a regional figure and why."""
    got = {c: cells[(c, ind_id)].comparability for c in countries}
    left = [c for c, k in got.items() if not k.shown]
    noted = [c for c, k in got.items() if k is Comparability.COMPARABLE_NOTE]
    if len(left) == len(countries):
        return Comparability.NOT_COLLECTED.value, "no country has a comparable figure"
    cls = (
        Comparability.COMPARABLE.value
        if not left and not noted
        else Comparability.COMPARABLE_NOTE.value
    )
    text = [f"not included: {', '.join(left)}"] if left else []
    text += [f"with a note: {', '.join(noted)}"] if noted else []
    return cls, "; ".join(text)


def _mark_region(
    table: Columns,
    cells: Mapping[tuple[str, str], Cell],
    countries: Sequence[str],
    ids: Sequence[str],
) -> Columns:
    found = [_region_class(cells, countries, i) for i in ids]
    table["comparability"] = np.array([f[0] for f in found], dtype=object)[table["ind"]]
    table["reasons"] = np.array([f[1] for f in found], dtype=object)[table["ind"]]
    hidden = table["comparability"] == Comparability.NOT_COLLECTED.value
    table["status"] = np.where(hidden, Comparability.NOT_COLLECTED.value, table["status"])
    return _blank(table, hidden)


def _average(countries: Columns, names: Sequence[str], level: float = 0.95) -> Columns:
    """The unweighted average of the published country figures, by indicator and domain.

    ``names`` are the countries by area code; each average's note lists its countries in
    alphabetical order.
    """
    usable = np.flatnonzero(~np.isnan(countries["estimate"]))
    key = countries["ind"][usable].astype(np.int64)
    for d in DOMAINS:
        codes, uniques = pd.factorize(countries[d][usable])
        key = key * (len(uniques) + 1) + codes + 1
    groups, first, group = np.unique(key, return_index=True, return_inverse=True)
    group = group.reshape(-1)
    n_groups = groups.shape[0]
    k = np.bincount(group, minlength=n_groups).astype(np.float64)

    estimate = _group_sums(group, countries["estimate"][usable], n_groups) / k
    se = np.sqrt(_group_sums(group, np.square(countries["se"][usable]), n_groups)) / k
    flagged = np.bincount(group, countries["status"][usable] == "flagged", n_groups) > 0
    area = countries["area"][usable]
    rank = np.argsort(np.argsort(np.array(names, dtype=object)))
    order = np.lexsort((rank[area], group))
    listed = np.array(names, dtype=object)[area[order]].tolist()
    bounds = np.append(np.searchsorted(group[order], np.arange(n_groups)), len(listed)).tolist()
    notes = [f"average of {b - a} countries: {', '.join(listed[a:b])}" for a, b in pairwise(bounds)]
    z = float(norm_ppf(0.5 + level / 2))
    pick = usable[first]
    return {
        "ind": countries["ind"][pick],
        "area": np.full(n_groups, len(names) + 1, dtype=np.intp),
        **{d: countries[d][pick] for d in DOMAINS},
        "estimate": estimate,
        "se": se,
        "ci_lower": estimate - z * se,
        "ci_upper": estimate + z * se,
        "n": np.bincount(group, countries["n"][usable], n_groups).astype(np.int64),
        "status": np.where(flagged, "flagged", "ok").astype(object),
        "note": np.array(notes, dtype=object),
        "comparability": np.full(n_groups, Comparability.COMPARABLE.value, dtype=object),
        "reasons": np.full(n_groups, "", dtype=object),
        "unit": countries["unit"][pick],
    }


def _group_sums(
    group: npt.NDArray[np.intp], values: npt.NDArray[np.float64], n_groups: int
) -> npt.NDArray[np.float64]:
    """Sums by group, missing values left out, as pandas' ``groupby().sum()`` adds them.

    Pandas adds every group's values in row order with Kahan compensation; the groups here are
    few and small (countries), so every group takes its next member at once, and the sums come
    out the same to the last bit.
    """
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group, minlength=n_groups)
    starts = np.cumsum(sizes) - sizes
    total = np.zeros(n_groups)
    compensation = np.zeros(n_groups)
    for step in range(int(sizes.max()) if n_groups else 0):
        live = np.flatnonzero(sizes > step)
        value = values[order[starts[live] + step]]
        live, value = live[~np.isnan(value)], value[~np.isnan(value)]
        y = value - compensation[live]
        t = total[live] + y
        lost = (t - total[live]) - y
        compensation[live] = np.where(np.isnan(lost), 0.0, lost)
        total[live] = t
    return total


def regional_estimates(
    stacked: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    cells: Mapping[tuple[str, str], Cell],
    rules: Rules,
    replicates: ReplicateWeights | None = None,
) -> pd.DataFrame:
    """Every figure of the report as one tidy table (columns :data:`FIELDS`).

    Args:
        stacked: The stacked harmonised file (:func:`~prisonsurvey.region.stack.stack_rounds`).
        catalogue: The core catalogue.
        ids: Indicators to estimate.
        cells: Comparability class of every country x indicator.
        rules: Reliability and disclosure rules.
        replicates: The countries' replicate sets combined over the stacked rows
            (:func:`~prisonsurvey.region.replicates.combine_replicates`); linearised
            variances without.
    """
    design = stacked_design(stacked, replicates=replicates)
    codes, labels = pd.factorize(stacked[COUNTRY], sort=False)
    countries = [str(c) for c in labels]
    # countries as a categorical, factorized once for the three country breakdowns
    by_code = stacked.assign(**{COUNTRY: pd.Categorical.from_codes(codes, pd.Index(countries))})
    extras: list[tuple[str, ...]] = [(), *((d,) for d in DOMAINS)]
    # every domain set is a grouping of country x sex x legal status: one pass over the rows
    country_table, region_table = _tables(
        design,
        by_code,
        catalogue,
        ids,
        [[((COUNTRY, *e), "domain") for e in extras], [(e, "design") for e in extras]],
        rules,
        countries,
    )
    by_country = _mark_countries(country_table, cells, countries, ids)
    region = _mark_region(region_table, cells, countries, ids)
    average = _average(by_country, countries)
    parts = (by_country, region, average)
    table = {name: np.concatenate([p[name] for p in parts]) for name in average}

    def sort_key(d: str) -> npt.NDArray[np.float64]:
        values = table[d].astype(np.float64)
        return np.where(np.isnan(values), -1.0, values)

    order = np.lexsort((sort_key(DOMAINS[1]), sort_key(DOMAINS[0]), table["area"], table["ind"]))
    areas = np.array([*countries, REGION, AVERAGE], dtype=object)
    columns = {
        "indicator": np.array(ids, dtype=object)[table["ind"][order]],
        "area": areas[table["area"][order]],
        **{name: table[name][order] for name in FIELDS[2:]},
    }
    return pd.DataFrame(columns, columns=list(FIELDS))
