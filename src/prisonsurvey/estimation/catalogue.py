"""Estimate the indicators of an instrument's catalogue (``indicators.yaml``) on a design.

Each indicator becomes row-level columns (numerator over its universe and, for ratios and
rates, the denominator) through the catalogue's evaluation; proportions and means are domain
means, totals domain totals, ratios and rates domain ratios. Estimates, standard errors and
intervals are then shown in the indicator's unit (percent, per 100,000, ...).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.estimation.results import Estimates
from prisonsurvey.estimation.rules import apply_rules
from prisonsurvey.estimation.tabulate import TabulateRequest, Tabulation, tabulate
from prisonsurvey.questionnaire.expressions import ExpressionError
from prisonsurvey.questionnaire.indicators import (
    IndicatorCatalogue,
    IndicatorKind,
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
)

UNKNOWN_INDICATOR = "EST006"
CANNOT_EVALUATE = "EST007"
SCALED = ("estimate", "se", "ci_lower", "ci_upper")


def chosen_indicators(
    catalogue: IndicatorCatalogue, ids: Sequence[str], source: str = ""
) -> list[str]:
    """The indicators to compute: ``ids`` in their order, or the whole catalogue when empty.

    Args:
        catalogue: The loaded indicator catalogue.
        ids: Indicator ids asked for.
        source: Data file name used in issue locations.

    Raises:
        InputError: An id that is not in the catalogue (``EST006``).
    """
    chosen = list(ids) or catalogue.ids()
    unknown = [i for i in chosen if i not in catalogue.ids()]
    if unknown:
        raise InputError(
            [
                Issue(
                    UNKNOWN_INDICATOR,
                    f"indicator '{i}' is not in the catalogue; known: {', '.join(catalogue.ids())}",
                    Location(source),
                )
                for i in unknown
            ]
        )
    return chosen


def catalogue_table(
    design: SurveyDesign,
    data: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    request: TabulateRequest,
    ids: Sequence[str] = (),
    source: str = "",
) -> Tabulation:
    """Estimate catalogue indicators by the domains of ``request.by``.

    Args:
        design: The design declared on ``data``.
        data: Responses, one column per question.
        catalogue: A catalogue loaded against the questionnaire of ``data``.
        request: Domains, interval, level, degrees of freedom and rules.
        ids: Indicators to estimate (all when empty), in this order.
        source: Data file name used in issue locations.

    Raises:
        InputError: An unknown indicator id, or an indicator whose columns are not in the data.
    """
    chosen = chosen_indicators(catalogue, ids, source)
    base = {b: data[b] for b in request.by if b in data}
    parts: list[pd.DataFrame] = []
    for ind_id in chosen:
        ind = catalogue.get(ind_id)
        if ind.denominator_external is not None:
            raise InputError(
                Issue(
                    CANNOT_EVALUATE,
                    f"indicator '{ind_id}' divides by the parameter "
                    f"'{ind.denominator_external}'; it is a census indicator: tabulate it with "
                    "--census and give the parameter's value",
                    Location(source),
                )
            )
        try:
            num, _ = evaluate_indicator_columns(ind, data)
            den = evaluate_indicator_denominator(ind, data)
        except ExpressionError as err:
            raise InputError(
                Issue(
                    CANNOT_EVALUATE,
                    f"indicator '{ind_id}' cannot be computed: {err.message}",
                    Location(source),
                )
            ) from err
        frame = pd.DataFrame({**base, ind_id: num.to_numpy(np.float64)}, index=data.index)
        stat = {
            IndicatorKind.PROPORTION: "mean",
            IndicatorKind.MEAN: "mean",
            IndicatorKind.TOTAL: "total",
        }.get(ind.kind, "ratio")
        denominator = None
        if stat == "ratio":
            denominator = f"{ind_id}__denominator"
            frame[denominator] = den.to_numpy(np.float64)
        sub = TabulateRequest(
            (ind_id,),
            request.by,
            stat,
            request.ci,
            request.level,
            request.df,
            denominator,
            rules=request.rules,
        )
        result = tabulate(design, frame, sub, source)
        table = result.estimates.to_frame()
        for col in SCALED:
            table[col] = table[col] * ind.scale
        table["unit"] = ind.unit
        parts.append(table)
    raw = pd.concat(parts, ignore_index=True)
    variance = "linearization" if design.replicates is None else str(design.replicates.method)
    estimates = Estimates(raw, tuple(request.by), request.ci, request.level, variance)
    return Tabulation(apply_rules(raw, request.rules), estimates)


def catalogue_labels(catalogue: IndicatorCatalogue, lang: str) -> dict[str, str]:
    """Indicator titles in ``lang`` (falling back to any language), by id."""
    out: dict[str, str] = {}
    for ind in catalogue.indicators:
        title = ind.title.get(lang) or next(iter(ind.title.values()), ind.id)
        out[ind.id] = str(title)
    return out
