"""Codebook of a 100,000-respondent round with weighted frequencies and missing kinds.

Responses: 20,000 respondents simulated from the regional inmate questionnaire (skip logic and
constraints obeyed), repeated to 100,000 rows, with random positive weights. Measured: the whole
codebook with data (unweighted and weighted frequencies of every category, missing values by
kind from the questionnaire's relevance, statistics of numbers) and its HTML, against a baseline
in the same run: plain ``value_counts`` of every question column and a weighted ``groupby`` sum
of each select_one (what an analyst would write by hand, without missing kinds or labels).
Target: under 20 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.codebook import build_codebook
from prisonsurvey.codebook.writers import render_html
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import QuestionType
from prisonsurvey.responses.missing import missing_kinds
from prisonsurvey.responses.simulate import simulate

FOLDER = Path(__file__).resolve().parents[1] / "questionnaires" / "regional-inmate" / "1.0.0"
SIMULATED = 20_000
COPIES = 5
RUNS = 3


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> dict[str, Any]:
    q = load_questionnaire_or_raise(FOLDER)
    one = simulate(q, SIMULATED, seed=3).tables[None]
    data = pd.concat([one] * COPIES, ignore_index=True)
    weights = pd.Series(np.random.default_rng(1).uniform(5, 80, len(data)))
    questions = [x for x in q.questions() if x.holds_data and x.name in data.columns]
    selects = [x.name for x in questions if x.type is QuestionType.SELECT_ONE]

    def baseline() -> None:
        for x in questions:
            data[x.name].value_counts(dropna=False)
        for name in selects:
            weights.groupby(data[name]).sum()

    def codebook() -> None:
        render_html(build_codebook(q, "es", data, weights, missing_kinds))

    base = _median(baseline)
    full = _median(codebook)
    return {
        "rows": len(data),
        "variables": len(questions),
        "baseline_value_counts_s": round(base, 3),
        "codebook_with_weighted_frequencies_s": round(full, 3),
        "ratio_to_baseline": round(full / base, 2),
        "under_20_s": full < 20,
    }


if __name__ == "__main__":
    print(main())
