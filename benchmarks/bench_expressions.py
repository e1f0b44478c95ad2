"""Evaluate a typical relevance on 1,000,000 rows against a hand-written pandas baseline.

Figures are ratios of time to the baseline measured in the same run (lower is better; 1.0 means
as fast as writing the pandas expression by hand). Parsing (done once per expression, then
cached) is compared with Python's own parser on the equivalent Python expression.
"""

from __future__ import annotations

import ast
import datetime as dt
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.expressions import evaluate, parse

N = 1_000_000
RELEVANCE = "${age} >= 18 and selected(${care}, '3') or ${status} = 1"
DATES = "${arrest_date} <= today() and ${sentence_years} * 12 > 6"


def _data(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(20240601)
    age = pd.array(rng.integers(14, 90, n), dtype="Int64")
    age[rng.random(n) < 0.05] = pd.NA
    combos = np.array(["", "1", "3", "1 3", "2 3 4", "98", "2 4", "1 2 3 4"], dtype=object)
    care = combos[rng.integers(0, len(combos), n)]
    care[rng.random(n) < 0.1] = None
    status = rng.integers(1, 4, n).astype(float)
    status[rng.random(n) < 0.03] = np.nan
    days = rng.integers(15000, 20500, n).astype("int64")
    arrest = pd.to_datetime(days, unit="D")
    years = rng.gamma(2.0, 3.0, n)
    years[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "age": age,
            "care": care,
            "status": status,
            "arrest_date": arrest,
            "sentence_years": years,
        }
    )


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> dict[str, object]:
    df = _data(N)
    today = dt.date(2025, 1, 15)
    relevance = parse(RELEVANCE)
    dates = parse(DATES)

    def by_hand_relevance() -> pd.Series:
        adult = (df["age"] >= 18).fillna(False).astype(bool)
        cared = df["care"].fillna("").str.contains(r"(?:^|\s)3(?:\s|$)", regex=True)
        return (adult & cared) | (df["status"] == 1)

    def by_hand_dates() -> pd.Series:
        return (df["arrest_date"] <= pd.Timestamp(today)) & (df["sentence_years"] * 12 > 6)

    ours = evaluate(relevance, df, today=today)
    if not ours.equals(by_hand_relevance()):
        raise AssertionError("relevance: evaluate() and the pandas baseline disagree")
    if not evaluate(dates, df, today=today).equals(by_hand_dates()):
        raise AssertionError("dates: evaluate() and the pandas baseline disagree")

    base_rel = _best(by_hand_relevance)
    ours_rel = _best(lambda: evaluate(relevance, df, today=today))
    base_dates = _best(by_hand_dates)
    ours_dates = _best(lambda: evaluate(dates, df, today=today))
    python_text = "age >= 18 and selected(care, '3') or status == 1"
    base_parse = _best(lambda: [ast.parse(python_text, mode="eval") for _ in range(1000)])
    uncached_parse = _best(lambda: [parse.__wrapped__(RELEVANCE) for _ in range(1000)])
    return {
        "rows": N,
        "relevance": RELEVANCE,
        "relevance_time_ratio_to_pandas": round(ours_rel / base_rel, 2),
        "dates": DATES,
        "dates_time_ratio_to_pandas": round(ours_dates / base_dates, 2),
        "parse_time_ratio_to_python_ast_parse": round(uncached_parse / base_parse, 2),
    }


if __name__ == "__main__":
    print(main())
