"""Evaluation time of the shipped indicator catalogue on a large table of responses.

Responses: 20,000 respondents simulated from the regional inmate questionnaire (skip logic and
constraints obeyed), repeated to 200,000 rows. Measured: computing numerator and universe of
five indicators through the catalogue (expressions parsed and evaluated vectorised, ODK
semantics) against a baseline, in the same run, of the same five written by hand in pandas
(no_own_bed, victim_any_violence, paid_any, with_disability, mean_age). Also reported: all
indicators of the catalogue relative to that baseline, and loading + checking the catalogue.
Figures are medians of several runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from prisonsurvey.questionnaire.indicators import (
    IndicatorCatalogue,
    evaluate_indicator_columns,
    load_indicators,
)
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.responses.simulate import simulate

FOLDER = Path(__file__).resolve().parents[1] / "questionnaires" / "regional-inmate" / "1.0.0"
SIMULATED = 20_000
COPIES = 10
RUNS = 5
FIVE = ("no_own_bed", "victim_any_violence", "paid_any", "with_disability", "mean_age")
VICT = ("theft", "threat_money", "threat", "injury", "sexual_harass", "sexual_forced")
WG = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _by_hand(df: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    out = []
    sp = pd.to_numeric(df["sleep_place"]).astype(float)
    uni = sp.notna()
    out.append(((sp != 1).astype(float).where(uni), uni))
    items = pd.DataFrame({k: pd.to_numeric(df[f"vict_{k}"]).astype(float) for k in VICT})
    yes = (items == 1).any(axis=1)
    uni = yes | (items == 2).all(axis=1)
    out.append((yes.astype(float).where(uni), uni))
    paid = df["paid_for"].fillna("").astype(str)

    def has(code: int) -> pd.Series:
        return paid.str.contains(rf"(?:^| ){code}(?: |$)", regex=True)

    answered = paid.str.strip() != ""
    uni = answered & ~has(98) & ~has(99)
    num = answered & ~has(95)
    out.append((num.astype(float).where(uni), uni))
    wg = pd.DataFrame({k: pd.to_numeric(df[f"wg_{k}"]).astype(float) for k in WG})
    dis = pd.to_numeric(df["disability"]).astype(float) == 1
    uni = dis | wg.isin([1, 2, 3, 4]).all(axis=1)
    out.append((dis.astype(float).where(uni), uni))
    age = pd.to_numeric(df["age"]).astype(float)
    uni = (age >= 18) & (age <= 99)
    out.append((age.astype(float).where(uni), uni))
    return out


def _catalogue(cat: IndicatorCatalogue, df: pd.DataFrame, ids: tuple[str, ...] | None) -> None:
    for ind in cat.indicators:
        if ids is None or ind.id in ids:
            evaluate_indicator_columns(ind, df)


def main() -> dict[str, Any]:
    q = load_questionnaire_or_raise(FOLDER)
    cat = load_indicators(FOLDER / "indicators.yaml", q)
    root = simulate(q, SIMULATED, seed=7).tables[None]
    df = pd.concat([root] * COPIES, ignore_index=True)
    # The hand-written baseline must agree with the catalogue before it is timed.
    for (num, uni), ind_id in zip(_by_hand(df), FIVE, strict=True):
        got_num, got_uni = evaluate_indicator_columns(cat.get(ind_id), df)
        assert got_uni.equals(uni.astype(bool)), ind_id
        pd.testing.assert_series_equal(got_num, num, check_names=False)
    baseline = _median(lambda: _by_hand(df))
    five = _median(lambda: _catalogue(cat, df, FIVE))
    every = _median(lambda: _catalogue(cat, df, None))
    load = _median(lambda: load_indicators(FOLDER / "indicators.yaml", q))
    return {
        "rows": len(df),
        "indicators": len(cat.indicators),
        "baseline_hand_pandas_5_seconds": round(baseline, 4),
        "catalogue_5_vs_hand_pandas": round(five / baseline, 2),
        "catalogue_all_vs_hand_pandas_5": round(every / baseline, 2),
        "load_and_check_catalogue_vs_hand_pandas_5": round(load / baseline, 3),
    }


if __name__ == "__main__":
    print(main())
