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

import numpy as np
import pandas as pd

from prisonsurvey.design.replicates import ReplicateWeights
from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.design.survey_design import LonelyPsuError, SurveyDesign
from prisonsurvey.distributions import norm_ppf
from prisonsurvey.estimation.domains import nested_domains
from prisonsurvey.estimation.estimators import DfRule, DomainSet, Stat, estimate_sets
from prisonsurvey.estimation.intervals import CiMethod
from prisonsurvey.estimation.nested import pair_index
from prisonsurvey.estimation.rules import Rules, apply_rules
from prisonsurvey.estimation.tabulate import lonely_psu_error
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


def _tables(
    design: SurveyDesign,
    stacked: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    groups: Sequence[Sequence[tuple[tuple[str, ...], DfRule]]],
    rules: Rules,
) -> list[pd.DataFrame]:
    """One table per group of domain sets (``by``, degrees of freedom), rules applied.

    Every set is a grouping of the crossing of all their columns, so each statistic takes one
    pass over the rows for every set of every group; the rows' (PSU, cell) pairs and every
    set's layout are found once for all statistics.
    """
    sets = [DomainSet(by, CiMethod.LOGIT, LEVEL, df) for group in groups for by, df in group]
    domains = nested_domains(stacked, [s.by for s in sets])
    index = pair_index(design, domains.codes, domains.n_cells, domains.maps)
    found: list[list[pd.DataFrame]] = [[] for _ in sets]
    for variables, stat, denominator in _statistics(catalogue, ids):
        try:
            estimates = estimate_sets(
                design,
                stacked,
                variables,
                sets,
                stat=stat,
                denominator=denominator,
                domains=domains,
                index=index,
            )
        except LonelyPsuError as err:
            raise lonely_psu_error(err) from err
        for k, est in enumerate(estimates):
            found[k].append(est.frame)
    scale = {i: catalogue.get(i).scale for i in ids}
    unit = {i: catalogue.get(i).unit for i in ids}
    out: list[pd.DataFrame] = []
    start = 0
    for group in groups:
        parts = [f for frames in found[start : start + len(group)] for f in frames]
        start += len(group)
        table = pd.concat(parts, ignore_index=True)
        table = apply_rules(table, rules).rename(columns={"variable": "indicator"})
        factor = table["indicator"].map(scale)
        for col in SCALED:
            table[col] = table[col] * factor
        table["unit"] = table["indicator"].map(unit)
        table["area"] = table.get(COUNTRY, REGION)
        for name in DOMAINS:
            if name not in table:
                table[name] = np.nan
        out.append(table)
    return out


def _blank(table: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    for col in (*SCALED, "cv"):
        table[col] = table[col].where(~mask)
    return table


def _mark_countries(table: pd.DataFrame, cells: Mapping[tuple[str, str], Cell]) -> pd.DataFrame:
    area_codes, areas = pd.factorize(table["area"])
    ind_codes, inds = pd.factorize(table["indicator"])
    # one lookup per country x indicator, spread over its rows
    found = [cells[(str(a), str(i))] for a in areas for i in inds]
    which = area_codes * len(inds) + ind_codes
    comparability = np.array([c.comparability.value for c in found], dtype=object)[which]
    reasons = np.array(["; ".join(c.reasons) for c in found], dtype=object)[which]
    hidden = np.array([not c.comparability.shown for c in found], dtype=bool)[which]
    table["comparability"] = comparability
    table["reasons"] = reasons
    table["status"] = np.where(hidden, comparability, table["status"].to_numpy(dtype=object))
    table["note"] = np.where(hidden, reasons, table["note"].to_numpy(dtype=object))
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
    table: pd.DataFrame, cells: Mapping[tuple[str, str], Cell], countries: Sequence[str]
) -> pd.DataFrame:
    ind_codes, inds = pd.factorize(table["indicator"])
    found = [_region_class(cells, countries, str(i)) for i in inds]
    table["comparability"] = np.array([f[0] for f in found], dtype=object)[ind_codes]
    table["reasons"] = np.array([f[1] for f in found], dtype=object)[ind_codes]
    hidden = (table["comparability"] == Comparability.NOT_COLLECTED.value).to_numpy()
    table["status"] = np.where(
        hidden, Comparability.NOT_COLLECTED.value, table["status"].to_numpy(dtype=object)
    )
    return _blank(table, hidden)


def _average(countries: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The unweighted average of the published country figures, by indicator and domain."""
    usable = countries.loc[countries["estimate"].notna()]
    keys = ["indicator", *DOMAINS]
    filled = usable.assign(
        **{d: usable[d].fillna(-1.0) for d in DOMAINS},
        _var=np.square(usable["se"].to_numpy(np.float64)),
        _flagged=(usable["status"] == "flagged").to_numpy(),
    )
    grouped = filled.groupby(keys, sort=True, dropna=False)
    sums = grouped[["_var", "n"]].sum()
    out = pd.DataFrame(
        {
            "estimate": grouped["estimate"].mean(),
            "var": sums["_var"],
            "k": grouped.size(),
            "n": sums["n"],
            "unit": grouped["unit"].first(),
            "flagged": grouped["_flagged"].any(),
        }
    ).reset_index()
    # the countries of every group, in alphabetical order
    members: list[list[str]] = [[] for _ in range(grouped.ngroups)]
    for group, area in zip(grouped.ngroup().tolist(), filled["area"].tolist(), strict=True):
        members[group].append(area)
    out["areas"] = np.array([", ".join(sorted(m)) for m in members], dtype=object)
    out["se"] = np.sqrt(out["var"]) / out["k"]
    z = float(norm_ppf(0.5 + level / 2))
    out["ci_lower"] = out["estimate"] - z * out["se"]
    out["ci_upper"] = out["estimate"] + z * out["se"]
    out["status"] = np.where(out["flagged"], "flagged", "ok")
    out["note"] = "average of " + out["k"].astype(str) + " countries: " + out["areas"]
    out["comparability"] = Comparability.COMPARABLE.value
    out["reasons"] = ""
    out["area"] = AVERAGE
    for d in DOMAINS:
        out[d] = out[d].where(out[d] != -1.0, np.nan)
    return out


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
    )
    by_country = _mark_countries(country_table, cells)
    region = _mark_region(region_table, cells, countries)
    average = _average(by_country)
    table = pd.concat([by_country, region, average], ignore_index=True)
    order = {i: k for k, i in enumerate(ids)}
    areas = {a: k for k, a in enumerate([*countries, REGION, AVERAGE])}
    table = table.assign(
        _i=table["indicator"].map(order),
        _a=table["area"].map(areas),
        _s=table["sex"].fillna(-1.0),
        _l=table["legal_status"].fillna(-1.0),
    ).sort_values(["_i", "_a", "_s", "_l"], kind="stable")
    return table[list(FIELDS)].reset_index(drop=True)
