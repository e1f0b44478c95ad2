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
from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.distributions import norm_ppf
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate_many
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


def stacked_design(
    stacked: pd.DataFrame, source: str = "stacked", replicates: ReplicateWeights | None = None
) -> SurveyDesign:
    """The regional design of the stacked file, with the combined replicates if given."""
    design = design_from_frame(stacked, SPEC, source)
    return design if replicates is None else design.with_replicates(replicates)


def _requests(
    catalogue: IndicatorCatalogue, ids: Sequence[str], by: tuple[str, ...], df: str, rules: Rules
) -> list[TabulateRequest]:
    """One request per statistic: means (proportions too) and totals together, ratios alone."""
    kinds = {i: catalogue.get(i).kind for i in ids}
    means = tuple(i for i in ids if kinds[i] in (IndicatorKind.PROPORTION, IndicatorKind.MEAN))
    totals = tuple(i for i in ids if kinds[i] is IndicatorKind.TOTAL)
    out = [TabulateRequest(means, by, "mean", df=df, rules=rules)] if means else []
    if totals:
        out.append(TabulateRequest(totals, by, "total", df=df, rules=rules))
    for i in ids:
        if kinds[i] in RATIO_KINDS:
            out.append(
                TabulateRequest(
                    (i,), by, "ratio", df=df, denominator=denominator_column(i), rules=rules
                )
            )
    return out


def _tables(
    design: SurveyDesign,
    stacked: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    sets: Sequence[tuple[tuple[str, ...], str]],
    rules: Rules,
) -> list[pd.DataFrame]:
    """One table per domain set (``by``, degrees of freedom), every set from one pass."""
    requests = [_requests(catalogue, ids, by, df, rules) for by, df in sets]
    found = tabulate_many(design, stacked, [r for group in requests for r in group])
    scale = {i: catalogue.get(i).scale for i in ids}
    unit = {i: catalogue.get(i).unit for i in ids}
    out: list[pd.DataFrame] = []
    start = 0
    for group in requests:
        parts = [t.table for t in found[start : start + len(group)]]
        start += len(group)
        table = pd.concat(parts, ignore_index=True).rename(columns={"variable": "indicator"})
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


def _blank(table: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    for col in (*SCALED, "cv"):
        table.loc[mask, col] = np.nan
    return table


def _mark_countries(table: pd.DataFrame, cells: Mapping[tuple[str, str], Cell]) -> pd.DataFrame:
    keys = list(zip(table["area"], table["indicator"], strict=True))
    found = [cells[k] for k in keys]
    table["comparability"] = [c.comparability.value for c in found]
    table["reasons"] = ["; ".join(c.reasons) for c in found]
    hidden = np.array([not c.comparability.shown for c in found], dtype=bool)
    table.loc[hidden, "status"] = table.loc[hidden, "comparability"]
    table.loc[hidden, "note"] = table.loc[hidden, "reasons"]
    return _blank(table, hidden)


def _mark_region(
    table: pd.DataFrame, cells: Mapping[tuple[str, str], Cell], countries: Sequence[str]
) -> pd.DataFrame:
    classes: list[str] = []
    reasons: list[str] = []
    for ind_id in table["indicator"]:
        got = {c: cells[(c, ind_id)].comparability for c in countries}
        left = [c for c, k in got.items() if not k.shown]
        noted = [c for c, k in got.items() if k is Comparability.COMPARABLE_NOTE]
        if len(left) == len(countries):
            classes.append(Comparability.NOT_COLLECTED.value)
            reasons.append("no country has a comparable figure")
            continue
        classes.append(
            Comparability.COMPARABLE.value
            if not left and not noted
            else Comparability.COMPARABLE_NOTE.value
        )
        text = [f"not included: {', '.join(left)}"] if left else []
        text += [f"with a note: {', '.join(noted)}"] if noted else []
        reasons.append("; ".join(text))
    table["comparability"] = classes
    table["reasons"] = reasons
    hidden = table["comparability"] == Comparability.NOT_COLLECTED.value
    table.loc[hidden, "status"] = Comparability.NOT_COLLECTED.value
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
    out = grouped.agg(
        estimate=("estimate", "mean"),
        var=("_var", "sum"),
        k=("estimate", "size"),
        n=("n", "sum"),
        unit=("unit", "first"),
        flagged=("_flagged", "any"),
    ).reset_index()
    out["areas"] = grouped["area"].agg(lambda s: ", ".join(sorted(s))).to_numpy()
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
    sets = [((COUNTRY, *extra), "domain") for extra in extras]
    sets += [(extra, "design") for extra in extras]
    # every domain set is a grouping of country x sex x legal status: one pass over the rows
    parts = _tables(design, by_code, catalogue, ids, sets, rules)
    by_country = _mark_countries(pd.concat(parts[: len(extras)], ignore_index=True), cells)
    region = _mark_region(pd.concat(parts[len(extras) :], ignore_index=True), cells, countries)
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
