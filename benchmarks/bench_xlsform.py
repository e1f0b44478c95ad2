"""XLSForm export time of the full regional inmate instrument, against pyxform's conversion.

The baseline, measured in the same run, is pyxform's own conversion (XLSForm -> XForm) of the
exported workbook. ``export_cold`` builds a fresh copy of the questionnaire each run, so every
expression is parsed and checked again; ``export_warm`` reuses the loaded questionnaire, whose
compiled expressions are cached. Figures are medians of several runs of CPU time
(``time.process_time``); wall-clock seconds are reported too.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyxform.xls2xform import convert

from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.xlsform import export_xlsform

FOLDER = Path(__file__).resolve().parents[1] / "questionnaires" / "regional-inmate" / "1.0.0"
RUNS = 5


def _median(fn: Callable[[], object]) -> tuple[float, float]:
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(RUNS):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def main() -> dict[str, Any]:
    q = load_questionnaire_or_raise(FOLDER)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "regional.xlsx"
        cold_cpu, cold_wall = _median(lambda: export_xlsform(q.model_copy(deep=True), out))
        warm_cpu, warm_wall = _median(lambda: export_xlsform(q, out))
        base_cpu, base_wall = _median(lambda: convert(str(out)))
    return {
        "questions": len(q.questions()),
        "languages": len(q.languages),
        "pyxform_convert_seconds_cpu": round(base_cpu, 3),
        "export_cold_seconds_cpu": round(cold_cpu, 3),
        "export_cold_seconds_wall": round(cold_wall, 3),
        "export_warm_seconds_cpu": round(warm_cpu, 3),
        "export_warm_seconds_wall": round(warm_wall, 3),
        "pyxform_convert_seconds_wall": round(base_wall, 3),
        "export_cold_vs_pyxform": round(cold_cpu / base_cpu, 3),
        "export_warm_vs_pyxform": round(warm_cpu / base_cpu, 3),
        "under_2_seconds": cold_wall < 2.0,
    }
