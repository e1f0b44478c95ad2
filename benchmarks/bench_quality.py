"""Quality checks on 100,000 respondents of the regional instrument.

5,000 respondents are simulated (obeying skip logic and constraints) and copied 20 times with
new keys, roster lines, interviewers, devices and times (repeat entries follow their
submission). The baseline, measured in the same run, evaluates every relevance and constraint
of the questionnaire once on the same tables with the expression evaluator; the figure is the
ratio of the full check run (every registered check, summary tables and findings) to it.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from prisonsurvey.quality import run_checks
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import ExpressionError, evaluate
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.responses import simulate

BASE = 5_000
COPIES = 20
TODAY = dt.date(2026, 12, 31)


def _tables() -> tuple[object, dict[str | None, pd.DataFrame]]:
    q = load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))
    sim = simulate(q, BASE, seed=7).tables
    rng = np.random.default_rng(7)
    roots, repeats = [], {k: [] for k in sim if k is not None}
    for c in range(COPIES):
        root = sim[None].copy()
        old = root["_key"]
        root["_key"] = old + f"-{c}"
        root["roster_line"] = pd.array(np.arange(BASE) + c * BASE + 1, dtype="Int64")
        who = np.char.add("INT", rng.integers(0, 60, BASE).astype(str))
        root["interviewer_id"] = pd.Series(who, dtype="str")
        root["deviceid"] = pd.Series(np.char.add("dev-", who), dtype="str")
        shift = pd.to_timedelta(c * 7, unit="D")
        for col in ("start", "end", "_submitted_at"):
            root[col] = root[col] + shift
        roots.append(root)
        for name, table in sim.items():
            if name is None:
                continue
            t = table.copy()
            t["_key"] = t["_key"] + f"-{c}"
            t["_parent_key"] = t["_parent_key"] + f"-{c}"
            repeats[name].append(t)
    tables: dict[str | None, pd.DataFrame] = {None: pd.concat(roots, ignore_index=True)}
    for name, parts in repeats.items():
        tables[name] = pd.concat(parts, ignore_index=True)
    return q, tables


def _baseline(q: object, tables: dict[str | None, pd.DataFrame]) -> int:
    cq = compiled(q)  # type: ignore[arg-type]
    n = 0
    for (item, field), expr in cq.resolved.items():
        if field not in ("relevant", "constraint"):
            continue
        for df in tables.values():
            if item in df.columns or field == "relevant":
                try:
                    evaluate(expr, df, current=item if field == "constraint" else None, today=TODAY)
                    n += 1
                    break
                except ExpressionError:
                    continue
    return n


def main() -> dict[str, object]:
    q, tables = _tables()
    start = time.perf_counter()
    evaluated = _baseline(q, tables)
    base = time.perf_counter() - start
    start = time.perf_counter()
    report = run_checks(q, tables, today=TODAY)  # type: ignore[arg-type]
    ours = time.perf_counter() - start
    return {
        "respondents": len(tables[None]),
        "repeat_rows": {k: len(v) for k, v in tables.items() if k is not None},
        "expressions_in_baseline": evaluated,
        "findings": len(report.findings),
        "check_seconds": round(ours, 2),
        "check_time_ratio_to_evaluating_expressions_once": round(ours / base, 2),
    }


if __name__ == "__main__":
    print(main())
