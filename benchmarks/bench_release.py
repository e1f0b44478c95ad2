"""Disclosure risk and local suppression on 100,000 respondents with 6 categorical keys.

The keys are drawn as a national prison survey's would be after the default recoding: the
facility (60, of very unequal sizes), the age band (6), sex (9 in 10 men), citizenship (8, 95 %
nationals), legal status (3) and indigenous self-identification (2), with 1 % of the values
missing (a missing value matches anything). The baseline, measured in the same run, is a pandas
groupby of the key combinations giving every record the size of its combination (what the risk
measures generalise: their frequencies also count the records a missing value matches). The
figures are the ratios of ``measure_risk`` (frequencies, weighted frequencies, individual and
global risk) and of ``local_suppression`` to k = 3 to that baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from prisonsurvey.release.methods import local_suppression
from prisonsurvey.release.risk import measure_risk

N = 100_000
KEYS = ("facility", "age_band", "sex", "citizenship", "legal_status", "indigenous")


def _data(seed: int = 17) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.pareto(1.2, 60) + 0.05
    frame = pd.DataFrame(
        {
            "facility": rng.choice(60, N, p=sizes / sizes.sum()) + 1,
            "age_band": rng.choice(6, N, p=[0.22, 0.2, 0.27, 0.17, 0.09, 0.05]) + 1,
            "sex": rng.choice([1, 2], N, p=[0.9, 0.1]),
            "citizenship": rng.choice(8, N, p=[0.95, 0.02, 0.01, 0.008, 0.005, 0.004, 0.002, 0.001])
            + 1,
            "legal_status": rng.choice(3, N, p=[0.6, 0.35, 0.05]) + 1,
            "indigenous": rng.choice([1, 2], N, p=[0.9, 0.1]),
        }
    ).astype("float64")
    for name in KEYS:
        frame.loc[rng.random(N) < 0.01, name] = np.nan
    return frame, rng.uniform(20.0, 200.0, N)


def _seconds(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> dict[str, object]:
    frame, weights = _data()
    keys = list(KEYS)

    def baseline() -> object:
        return frame.groupby(keys, dropna=False)[keys[0]].transform("size")

    base = _seconds(baseline, repeat=5)
    risk_s = _seconds(lambda: measure_risk(frame, keys, weights))
    start = time.perf_counter()
    out, done = local_suppression(frame, keys, 3)
    suppress_s = time.perf_counter() - start
    before = measure_risk(frame, keys, weights)
    after = measure_risk(out, keys, weights)
    return {
        "respondents": N,
        "keys": len(keys),
        "baseline_groupby_seconds": round(base, 4),
        "risk_measures_seconds": round(risk_s, 3),
        "local_suppression_seconds": round(suppress_s, 3),
        "risk_measures_ratio": round(risk_s / base, 1),
        "local_suppression_ratio": round(suppress_s / base, 1),
        "violating_3_anonymity_before": before.violations[3],
        "violating_3_anonymity_after": after.violations[3],
        "suppressions": sum(done.values()),
        "expected_reidentifications_before": round(before.expected_reidentifications, 2),
        "expected_reidentifications_after": round(after.expected_reidentifications, 2),
    }
