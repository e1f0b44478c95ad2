"""Census tabulation time of the facility census catalogue on a large census.

Census: the example census of Arcadia (35 facilities) repeated to 7,000 facilities with the
facility codes made unique. Measured: five indicators (occupancy, female_share, mortality_rate,
under18_held, education_share), nationally and by facility_function, through the catalogue
(expressions evaluated, quality notes, plausibility and adding-up checks) against a baseline,
in the same run, of the same five figures written by hand in pandas (sums and ratios only).
Also reported: all indicators of the catalogue by their own breakdowns, relative to that
baseline. Figures are medians of several runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from prisonsurvey.estimation.census_catalogue import census_catalogue_table
from prisonsurvey.questionnaire.indicators import load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "questionnaires" / "facility-census" / "1.0.0"
CENSUS = ROOT / "examples" / "country" / "census" / "census_2025.csv"
COPIES = 200
RUNS = 5
FIVE = ("occupancy", "female_share", "mortality_rate", "under18_held", "education_share")
PARAMS = {"national_population": 4_850_000.0}


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _by_hand(df: pd.DataFrame) -> list[pd.DataFrame]:
    ok = df["stock_source"].isin([1, 2])
    avg = (df["population_start_year"] + df["stock_total"]) / 2
    prog = ok & df["programmes_source"].isin([1, 2]) & df["enrolled_education"].notna()
    cap = ok & df["capacity_source"].isin([1, 2]) & (df["capacity_official"] > 0)
    inc = ok & df["incidents_source"].isin([1, 2]) & df["flows_source"].isin([1, 2])
    u18 = df["stock_male_age_u18"].fillna(0) + df["stock_female_age_u18"].fillna(0)
    frame = pd.DataFrame(
        {
            "g": df["facility_function"],
            "occ_n": df["stock_total"].where(cap),
            "occ_d": df["capacity_official"].where(cap),
            "fem_n": df["stock_female"].where(ok),
            "fem_d": df["stock_total"].where(ok),
            "mor_n": df["deaths_total"].where(inc),
            "mor_d": avg.where(inc),
            "u18": u18.where(ok),
            "edu_n": df["enrolled_education"].where(prog),
            "edu_d": df["stock_total"].where(prog),
        }
    )
    out = []
    for sums in (frame.drop(columns="g").sum().to_frame().T, frame.groupby("g").sum()):
        out.append(
            pd.DataFrame(
                {
                    "occupancy": sums["occ_n"] / sums["occ_d"] * 100,
                    "female_share": sums["fem_n"] / sums["fem_d"] * 100,
                    "mortality_rate": sums["mor_n"] / sums["mor_d"] * 10_000,
                    "under18_held": sums["u18"],
                    "education_share": sums["edu_n"] / sums["edu_d"] * 100,
                }
            )
        )
    return out


def main() -> dict[str, Any]:
    """Time the catalogue against the hand-written baseline; return ratios."""
    base = pd.read_csv(CENSUS)
    parts = []
    for k in range(COPIES):
        copy = base.copy()
        copy["facility"] = copy["facility"] + 100_000 * k
        parts.append(copy)
    census = pd.concat(parts, ignore_index=True)
    start = time.perf_counter()
    catalogue = load_indicators(FOLDER / "indicators.yaml", load_questionnaire_or_raise(FOLDER))
    load_seconds = time.perf_counter() - start

    baseline = _median(lambda: _by_hand(census))
    five = _median(
        lambda: census_catalogue_table(
            census, catalogue, ["facility_function"], PARAMS, FIVE, unit_id=None
        )
    )
    every = _median(lambda: census_catalogue_table(census, catalogue, None, PARAMS, unit_id=None))
    check = census_catalogue_table(census, catalogue, ["facility_function"], PARAMS, FIVE)
    hand = _by_hand(census)[0].iloc[0]
    national = check.table[check.table["domain"] == ""].set_index("variable")["estimate"]
    agree = all(abs(national[i] - hand[i]) <= 1e-9 * max(1.0, abs(hand[i])) for i in FIVE)
    return {
        "facilities": len(census),
        "baseline_seconds": round(baseline, 5),
        "five_indicators_vs_pandas_by_hand": round(five / baseline, 2),
        "all_indicators_own_breakdowns_vs_baseline": round(every / baseline, 2),
        "catalogue_load_vs_baseline": round(load_seconds / baseline, 2),
        "same_national_figures": agree,
    }
