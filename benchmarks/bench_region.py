"""Regional report estimation: 30 countries x 5,000 respondents, 20 indicators.

Data: a stacked harmonised file as :func:`prisonsurvey.region.stack.stack_rounds` writes it
(``BENCH_REGION_COUNTRIES`` countries, default 30, of ``BENCH_REGION_N`` respondents, default
5000; 4 strata of 10 facilities each per country; sex and legal status with a few missing
values), with one column per indicator for the first 20 survey indicators of the regional core
catalogue (19 proportions and means, one ratio with its denominator column), empty outside
each indicator's universe, and two countries without one module (their cells not collected).

Measured in the same run, each the min of ``ROUNDS`` interleaved runs:

* the baseline: ONE ``tabulate`` of the stacked file with the same indicators (as means) by
  country, design declared (``design_from_frame``) included;
* the report's estimation: :func:`prisonsurvey.region.estimate.regional_estimates` (every figure
  by country, country x sex, country x legal status, for the region, by sex and legal status,
  and the average of countries, with reliability rules and comparability), design included.

The figure is their ratio (target: under 2). For scale, the same run also times the six
``tabulate`` calls of the report's domain sets (by country, country x sex, country x legal
status, none, sex, legal status) with one design: each ``tabulate`` passes over the rows once,
while the report estimates all six sets from one pass per statistic
(:func:`prisonsurvey.estimation.estimators.estimate_sets`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
COUNTRIES = int(os.environ.get("BENCH_REGION_COUNTRIES", "30"))
N = int(os.environ.get("BENCH_REGION_N", "5000"))
INDICATORS = 20
ROUNDS = 3


def _stacked(ids: list[str], ratio: set[str], seed: int = 18) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(COUNTRIES):
        code = f"C{k:02d}"
        facility = rng.integers(0, 40, N)
        frame: dict[str, Any] = {
            "country": code,
            "country_stratum": np.char.add(f"{code}-", (facility // 10).astype(str)),
            "psu": np.char.add(f"{code}-", facility.astype(str)),
            "w": rng.uniform(5.0, 40.0, N),
            "sex": np.where(rng.random(N) < 0.01, np.nan, rng.choice([1.0, 2.0, 3.0], N)),
            "legal_status": np.where(
                rng.random(N) < 0.02, np.nan, rng.choice([1.0, 2.0, 3.0, 4.0], N)
            ),
        }
        for j, ind in enumerate(ids):
            outside = rng.random(N) < 0.1 * (j % 3)
            value = (rng.random(N) < 0.1 + 0.04 * j).astype(np.float64)
            if ind in ratio:
                frame[f"{ind}__den"] = np.where(outside, np.nan, rng.integers(1, 4, N))
                value = value * frame[f"{ind}__den"]
            frame[ind] = np.where(outside, np.nan, value)
        parts.append(pd.DataFrame(frame))
    return pd.concat(parts, ignore_index=True)


def _best(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def main() -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent / "src"))
    from prisonsurvey.design.spec import design_from_frame
    from prisonsurvey.estimation.rules import Rules
    from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate
    from prisonsurvey.questionnaire.find import find_instrument
    from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
    from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
    from prisonsurvey.region.comparability import Cell, Reason
    from prisonsurvey.region.estimate import SPEC, regional_estimates
    from prisonsurvey.region.model import Comparability

    folder = find_instrument("regional-inmate@1.0.0")
    catalogue = load_indicators(folder / INDICATORS_FILE, load_questionnaire_or_raise(folder))
    ids = [i for i in catalogue.ids() if catalogue.get(i).denominator_external is None]
    ids = [i for i in ids if catalogue.get(i).kind.value != "total"][:INDICATORS]
    ratio = {i for i in ids if catalogue.get(i).kind.value in ("ratio", "rate")}
    stacked = _stacked(ids, ratio)
    countries = list(dict.fromkeys(stacked["country"]))
    cells = {(c, i): Cell(Comparability.COMPARABLE) for c in countries for i in ids}
    for c in countries[:2]:  # two countries did not field the last indicators' module
        for i in ids[-2:]:
            cells[(c, i)] = Cell(Comparability.NOT_COLLECTED, (Reason.of("", text="not fielded"),))
    rules = Rules()

    def baseline() -> object:
        design = design_from_frame(stacked, SPEC)
        return tabulate(design, stacked, TabulateRequest(tuple(ids), ("country",), "mean"))

    sets = [("country",), ("country", "sex"), ("country", "legal_status"), (), ("sex",)]
    sets.append(("legal_status",))

    def six() -> object:
        design = design_from_frame(stacked, SPEC)
        return [tabulate(design, stacked, TabulateRequest(tuple(ids), by, "mean")) for by in sets]

    def report() -> object:
        return regional_estimates(stacked, catalogue, ids, cells, rules)

    best = _best({"tabulate": baseline, "six": six, "report": report})
    table = regional_estimates(stacked, catalogue, ids, cells, rules)
    return {
        "countries": COUNTRIES,
        "respondents": len(stacked),
        "indicators": len(ids),
        "figures": len(table),
        "baseline_tabulate_by_country_seconds": round(best["tabulate"], 3),
        "report_estimation_seconds": round(best["report"], 3),
        "report_ratio": round(best["report"] / best["tabulate"], 2),
        "target_ratio": 2.0,
        "six_tabulates_seconds": round(best["six"], 3),
        "six_tabulates_ratio": round(best["six"] / best["tabulate"], 2),
        "report_to_six_tabulates_ratio": round(best["report"] / best["six"], 2),
    }


if __name__ == "__main__":
    print(main())
