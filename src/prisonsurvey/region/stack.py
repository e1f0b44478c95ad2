"""The stacked harmonised file: every round's respondents, one design for the region.

Strata are country x stratum and PSUs country x facility, so every country's design is kept
whole inside the regional one; each country's weights are scaled to sum to its prison
population (``prison_population`` in ``region.yaml``, else the people held its facility census
counts), so the pooled figure describes the region's people in prison. Each indicator is one
column (its numerator, empty outside its universe) and, for ratios and rates, a ``{id}__den``
column; a cell that is not comparable or not collected is empty for all of the country's rows,
so it never enters a country or regional figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.expressions import ExpressionError
from prisonsurvey.questionnaire.indicators import (
    IndicatorCatalogue,
    IndicatorKind,
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
)
from prisonsurvey.region.comparability import Cell
from prisonsurvey.region.rounds import PSU, STRATUM, WEIGHT, Round

COUNTRY, COUNTRY_STRATUM, COUNTRY_PSU, W = "country", "country_stratum", "psu", "w"
DOMAINS = ("sex", "legal_status")
"""The breakdowns every figure is published by."""
CANNOT_EVALUATE = "REG007"
RATIO_KINDS = (IndicatorKind.RATIO, IndicatorKind.RATE)


def denominator_column(ind_id: str) -> str:
    """Name of the denominator column of a ratio or rate indicator in the stacked file."""
    return f"{ind_id}__den"


def _round_columns(
    rnd: Round,
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    cells: Mapping[tuple[str, str], Cell],
) -> dict[str, np.ndarray]:
    data = rnd.data
    n = len(data)
    out: dict[str, np.ndarray] = {}
    for ind_id in ids:
        ind = catalogue.get(ind_id)
        ratio = ind.kind in RATIO_KINDS
        if not cells[(rnd.ref.country, ind_id)].comparability.shown:
            out[ind_id] = np.full(n, np.nan)
            if ratio:
                out[denominator_column(ind_id)] = np.full(n, np.nan)
            continue
        try:
            num, _ = evaluate_indicator_columns(ind, data)
            if ratio:
                out[denominator_column(ind_id)] = evaluate_indicator_denominator(
                    ind, data
                ).to_numpy(np.float64)
        except ExpressionError as err:
            raise InputError(
                Issue(
                    CANNOT_EVALUATE,
                    f"round {rnd.ref.country}: indicator '{ind_id}' cannot be computed: "
                    f"{err.message}; mark it under comparability: in region.yaml",
                    Location(rnd.ref.source),
                )
            ) from err
        out[ind_id] = num.to_numpy(np.float64)
    return out


def _domain(rnd: Round, name: str) -> np.ndarray:
    """A breakdown's codes, with don't know and refused left out of every domain."""
    data = rnd.data
    if name not in data:
        return np.full(len(data), np.nan)
    values = pd.to_numeric(data[name], errors="coerce")
    try:
        question = rnd.questionnaire.question(name)
        missing = set(rnd.questionnaire.choice_list(question).missing_codes())
    except (KeyError, ValueError):
        missing = set()
    return values.where(~values.isin(missing)).to_numpy(np.float64)


def stack_rounds(
    rounds: Sequence[Round],
    catalogue: IndicatorCatalogue,
    ids: Sequence[str],
    cells: Mapping[tuple[str, str], Cell],
    held: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per respondent of every round: design columns, domains and indicator columns.

    Args:
        rounds: The loaded rounds.
        catalogue: The core catalogue, loaded against the core questionnaire.
        ids: Indicators to carry.
        cells: The comparability class of every country x indicator.
        held: People held by country (from its facility census), the weights' target when
            its round states no ``prison_population``.

    Raises:
        InputError: An indicator of a comparable cell cannot be computed from the round.
    """
    pieces: list[pd.DataFrame] = []
    for rnd in rounds:
        data = rnd.data
        code = rnd.ref.country
        weight = data[WEIGHT].to_numpy(np.float64)
        target = rnd.ref.prison_population
        if target is None and held is not None:
            target = held.get(code)
        if target is not None:
            weight = weight * (target / weight.sum())
        frame: dict[str, object] = {
            COUNTRY: code,
            COUNTRY_STRATUM: (code + "-" + data[STRATUM].astype(str)).to_numpy(),
            COUNTRY_PSU: (code + "-" + data[PSU].astype(str)).to_numpy(),
            W: weight,
        }
        for name in DOMAINS:
            frame[name] = _domain(rnd, name)
        frame.update(_round_columns(rnd, catalogue, ids, cells))
        pieces.append(pd.DataFrame(frame))
    return pd.concat(pieces, ignore_index=True)
