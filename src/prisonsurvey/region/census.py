"""Census indicators of the regional report: each country's facility census, and the region's.

A round may name its facility census file (``census:`` in ``region.yaml``, one row per facility
of the facility census form). Each country's figures are the census catalogue's own (exact sums
and ratios over every facility, as
:func:`~prisonsurvey.estimation.census_catalogue.census_catalogue_table` computes them), national
level only: people held, occupancy (people held per 100 official places), the pretrial
(untried) share and the rates per 100,000 national population (the round's ``population``).
The regional figures are totals, never averages: the sums of the countries' numerators over the
sums of their denominators (people held over official places for occupancy; people held over
the summed national populations of the countries with a census for the rates).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from prisonsurvey.datafile import read_data_file
from prisonsurvey.estimation.census_catalogue import CENSUS_COLUMNS, census_catalogue_table
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import (
    INDICATORS_FILE,
    IndicatorCatalogue,
    IndicatorKind,
    load_indicators,
)
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.region.estimate import REGION
from prisonsurvey.region.load import NO_CENSUS_FILE
from prisonsurvey.region.model import RegionConfig, RoundRef

CENSUS_IDS = (
    "prison_population",
    "occupancy",
    "unsentenced_share",
    "prison_population_rate",
    "pretrial_rate",
)
"""The census indicators of the report, in order."""
CENSUS_FIELDS = ("indicator", "area", "year", *CENSUS_COLUMNS, "unit")
"""Columns of the census table of the report."""
NO_CENSUS = "no facility census round"
NO_POPULATION = "no national population in region.yaml"


def census_catalogue(config: RegionConfig) -> IndicatorCatalogue:
    """The facility census catalogue the programme's census files follow."""
    folder = find_instrument(config.core.census)
    return load_indicators(folder / INDICATORS_FILE, load_questionnaire_or_raise(folder))


def _missing(ind_id: str, ref: RoundRef, unit: str, why: str) -> dict[str, object]:
    return {
        "indicator": ind_id,
        "area": ref.country,
        "year": np.nan,
        "estimate": np.nan,
        "numerator": np.nan,
        "denominator": np.nan,
        "n": 0,
        "n_missing": 0,
        "n_estimated": 0,
        "status": "not_collected",
        "note": why,
        "unit": unit,
    }


def _country(
    ref: RoundRef, base: Path, catalogue: IndicatorCatalogue, ids: Sequence[str]
) -> list[dict[str, object]]:
    units = {i: catalogue.get(i).unit for i in ids}
    if ref.census is None:
        return [_missing(i, ref, units[i], NO_CENSUS) for i in ids]
    path = base / ref.census
    data = read_data_file(path, NO_CENSUS_FILE)
    external = [i for i in ids if catalogue.get(i).denominator_external is not None]
    chosen = [i for i in ids if ref.population is not None or i not in external]
    params = {} if ref.population is None else {"national_population": float(ref.population)}
    table = census_catalogue_table(data, catalogue, (), params, chosen, str(path), "en").table
    found = table.set_index("variable")
    year = (
        float(pd.to_numeric(data["reference_year"], errors="coerce").max())
        if "reference_year" in data
        else np.nan
    )
    rows: list[dict[str, object]] = []
    for ind_id in ids:
        if ind_id not in found.index:
            rows.append(_missing(ind_id, ref, units[ind_id], NO_POPULATION))
            continue
        rec = found.loc[ind_id]
        rows.append(
            {
                "indicator": ind_id,
                "area": ref.country,
                "year": year,
                **{k: rec[k] for k in CENSUS_FIELDS[3:]},
                "status": rec["status"] or "ok",
            }
        )
    return rows


def _regional(
    ind_id: str, catalogue: IndicatorCatalogue, countries: pd.DataFrame
) -> dict[str, object]:
    ind = catalogue.get(ind_id)
    part = countries.loc[(countries["indicator"] == ind_id) & countries["estimate"].notna()]
    left = countries.loc[(countries["indicator"] == ind_id) & countries["estimate"].isna(), "area"]
    num = float(part["numerator"].sum())
    den = float(part["denominator"].sum()) if ind.kind is not IndicatorKind.TOTAL else np.nan
    if part.empty:
        value = np.nan
    elif ind.kind is IndicatorKind.TOTAL:
        value = num
    else:
        value = num / den * ind.scale if den > 0 else np.nan
    many = "countries" if len(part) != 1 else "country"
    notes = [f"total of {len(part)} {many}: {', '.join(part['area'])}"] if len(part) else []
    if len(left):
        notes.append(f"not included: {', '.join(left)}")
    return {
        "indicator": ind_id,
        "area": REGION,
        "year": float(part["year"].max()) if len(part) else np.nan,
        "estimate": value,
        "numerator": num if len(part) else np.nan,
        "denominator": den if len(part) else np.nan,
        "n": int(part["n"].sum()),
        "n_missing": int(part["n_missing"].sum()),
        "n_estimated": int(part["n_estimated"].sum()),
        "status": "ok" if len(part) else "not_collected",
        "note": "; ".join(notes),
        "unit": ind.unit,
    }


def census_table(
    config: RegionConfig,
    base: Path,
    catalogue: IndicatorCatalogue | None = None,
    ids: Sequence[str] = CENSUS_IDS,
) -> pd.DataFrame:
    """The census figures of every country and of the region (columns :data:`CENSUS_FIELDS`).

    Empty (no rows) when no round names a census file.

    Args:
        config: The programme.
        base: The programme folder (census paths are relative to it).
        catalogue: The facility census catalogue (loaded from ``config.core.census`` if omitted).
        ids: Census indicators to compute.

    Raises:
        InputError: A census file is unreadable or lacks the columns an indicator needs.
    """
    if not any(r.census for r in config.rounds):
        return pd.DataFrame({name: [] for name in CENSUS_FIELDS})
    catalogue = catalogue or census_catalogue(config)
    rows = [row for ref in config.rounds for row in _country(ref, base, catalogue, ids)]
    countries = pd.DataFrame(rows, columns=list(CENSUS_FIELDS))
    region = pd.DataFrame([_regional(i, catalogue, countries) for i in ids])
    table = pd.concat([countries, region], ignore_index=True)
    order = {i: k for k, i in enumerate(ids)}
    table = table.assign(_i=table["indicator"].map(order)).sort_values("_i", kind="stable")
    return table[list(CENSUS_FIELDS)].reset_index(drop=True)
