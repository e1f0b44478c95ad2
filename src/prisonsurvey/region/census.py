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

Every row's note (why a country has no figure, the census's own quality notes, which countries a
regional total covers) is written from the table itself by :func:`census_notes`, in any of the
report's languages; the table's ``note`` column is the English one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from prisonsurvey.datafile import read_data_file
from prisonsurvey.estimation.census_catalogue import (
    CENSUS_COLUMNS,
    census_catalogue_table,
    census_note,
)
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import (
    INDICATORS_FILE,
    Indicator,
    IndicatorCatalogue,
    IndicatorKind,
    load_indicators,
)
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.region.estimate import REGION
from prisonsurvey.region.load import NO_CENSUS_FILE
from prisonsurvey.region.model import RegionConfig, RoundRef
from prisonsurvey.region.words import WORDS

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
NO_CENSUS = "no_census"
"""Word key (:data:`~prisonsurvey.region.words.WORDS`) of a country with no facility census."""
NO_POPULATION = "no_population"
"""Word key of a rate not computed: the round states no national population."""


def census_catalogue(config: RegionConfig) -> IndicatorCatalogue:
    """The facility census catalogue the programme's census files follow."""
    folder = find_instrument(config.core.census)
    return load_indicators(folder / INDICATORS_FILE, load_questionnaire_or_raise(folder))


def _absent(ref: RoundRef, ind: Indicator) -> str | None:
    """Why the country has no figure for ``ind`` (a word key), or ``None`` when it has one."""
    if ref.census is None:
        return NO_CENSUS
    if ref.population is None and ind.denominator_external is not None:
        return NO_POPULATION
    return None


def _missing(ind_id: str, ref: RoundRef, unit: str) -> dict[str, object]:
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
        "note": "",
        "unit": unit,
    }


def _country(
    ref: RoundRef, base: Path, catalogue: IndicatorCatalogue, ids: Sequence[str]
) -> list[dict[str, object]]:
    units = {i: catalogue.get(i).unit for i in ids}
    if ref.census is None:
        return [_missing(i, ref, units[i]) for i in ids]
    path = base / ref.census
    data = read_data_file(path, NO_CENSUS_FILE)
    chosen = [i for i in ids if _absent(ref, catalogue.get(i)) is None]
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
            rows.append(_missing(ind_id, ref, units[ind_id]))
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
    num = float(part["numerator"].sum())
    den = float(part["denominator"].sum()) if ind.kind is not IndicatorKind.TOTAL else np.nan
    if part.empty:
        value = np.nan
    elif ind.kind is IndicatorKind.TOTAL:
        value = num
    else:
        value = num / den * ind.scale if den > 0 else np.nan
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
        "note": "",
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
    table = table[list(CENSUS_FIELDS)].reset_index(drop=True)
    table["note"] = census_notes(table, config, catalogue, "en")
    return table


def _counted(areas: Sequence[str], one: str, many: str, words: dict[str, str]) -> str:
    return words[one if len(areas) == 1 else many].format(n=len(areas), areas=", ".join(areas))


def census_notes(
    table: pd.DataFrame, config: RegionConfig, catalogue: IndicatorCatalogue, lang: str
) -> list[str]:
    """The note of every row of a census table (:func:`census_table`), in ``lang``.

    A country's row says why it has no figure (no census round, no national population for a
    rate) or gives the census's own quality notes (facilities estimated or missing, a value
    outside the plausible range); the region's row names the countries its total covers and
    those it leaves out.

    Args:
        table: The census table (columns :data:`CENSUS_FIELDS`).
        config: The programme.
        catalogue: The facility census catalogue.
        lang: One of the report's languages.
    """
    words = WORDS[lang]
    refs = {r.country: r for r in config.rounds}
    countries = table.loc[table["area"] != REGION]
    notes: list[str] = []
    for rec in table.to_dict("records"):
        ind_id, area = str(rec["indicator"]), str(rec["area"])
        ind = catalogue.get(ind_id)
        if area == REGION:
            own = countries.loc[countries["indicator"] == ind_id]
            shown = own["estimate"].notna()
            part = [str(a) for a in own.loc[shown, "area"]]
            left = [str(a) for a in own.loc[~shown, "area"]]
            text = [_counted(part, "census_total_one", "census_total", words)] if part else []
            if left:
                text.append(_counted(left, "census_left_one", "census_left", words))
            notes.append("; ".join(text))
            continue
        why = _absent(refs[area], ind)
        if why is not None:
            notes.append(words[why])
            continue
        parts: list[str] = []
        if rec["n_estimated"]:
            parts.append(census_note("estimated", lang, n=int(rec["n_estimated"])))
        if rec["n_missing"]:
            parts.append(census_note("missing", lang, n=int(rec["n_missing"])))
        if rec["status"] == "flagged" and ind.plausible_range is not None:
            lo, hi = ind.plausible_range
            parts.append(census_note("implausible", lang, lo=lo, hi=hi))
        notes.append("; ".join(parts))
    return notes
