"""Simulation with the regional instrument's default scenario against the uniform scenario.

Both simulate the same number of respondents of the regional instrument in the same run (the
uniform scenario, ``simulate(q, n)`` with no scenario, is the baseline); the figure is the ratio
of the default scenario's time to it. The target is at most 2. ``BENCH_SIMULATE_N`` sets the
number of respondents (100,000 by default).
"""

from __future__ import annotations

import os
import time

from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.responses import simulate
from prisonsurvey.responses.scenario import resolve_scenario


def main() -> dict[str, object]:
    n = int(os.environ.get("BENCH_SIMULATE_N", "100000"))
    q = load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))
    scenario = resolve_scenario("default", q)
    t0 = time.perf_counter()
    simulate(q, n, seed=3)
    uniform = time.perf_counter() - t0
    t0 = time.perf_counter()
    simulate(q, n, 3, scenario)
    scenario_time = time.perf_counter() - t0
    return {
        "respondents": n,
        "baseline": "simulate with the uniform scenario, same run",
        "baseline_seconds": round(uniform, 2),
        "default_scenario_ratio": round(scenario_time / uniform, 2),
        "target_ratio": 2.0,
    }
