"""The truth tables agree with ODK Web Forms' own engine.

Every expression of ``test_truth_tables`` becomes a ``calculate`` of a small XLSForm; the engine
(``tests/odk/fill_batch.mjs``) fills the four rows of the truth-table data and we compare the
values it computes with :func:`evaluate`. Skipped when Node or the engine is not installed.
"""

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from pyxform.xls2xform import convert

from prisonsurvey.questionnaire.expressions import evaluate, parse
from prisonsurvey.questionnaire.expressions.values import days_text, js_number_text

from . import test_truth_tables as tables

ODK = Path(__file__).resolve().parents[1] / "odk"
TYPES = {
    "n": "decimal",
    "i": "integer",
    "s": "text",
    "m": "select_multiple codes",
    "o": "select_one codes",
    "d": "date",
    "d2": "text",
    "dt": "dateTime",
}

# Where we knowingly differ (see the evaluate module's documentation).
KNOWN = {
    # A field used as a logical value: Web Forms says true whenever the field exists.
    "${s} and ${n} >= 0",
    "${s} or ${n} > 0",
    "not(${s})",
    "boolean(${m})",
    # count() on one row per respondent reads a count column.
    "count(${n})",
    "count(${s})",
    # Web Forms keeps only one character of the separator.
    "substring-after('a--b', '--')",
    # The engine writes the decimal 5 as '5.0'; a table holds the number only.
    "string-length(${n})",
    "concat(${s}, '-', ${n})",
}

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (ODK / "node_modules" / "@getodk").is_dir(),
    reason="ODK Web Forms engine not installed (make test installs it)",
)


def _answer(column, value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if column == "d":
        return value.strftime("%Y-%m-%d")
    if column == "dt":
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if column == "o":
        return str(int(value))
    if column == "m":
        return value.split() or None
    if column == "i":
        return int(value)
    if column == "n":
        return float(value)
    return value or None


def _odk_text(series):
    kind = series.dtype.kind
    out = []
    for v in series:
        if kind == "b":
            out.append("true" if v else "false")
        elif kind == "f":
            out.append(js_number_text(float(v)))
        elif kind == "M":
            days = (v - pd.Timestamp(0)) / pd.Timedelta(days=1)
            out.append("" if pd.isna(v) else days_text(days))
        else:
            out.append(v)
    return out


def _close(a, b):
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-12)
    except (TypeError, ValueError):
        return False


def test_engine_agrees_with_truth_tables(tmp_path):
    df = tables.df.__wrapped__()
    sources = [s for s, _ in tables.LOGICAL + tables.NUMERIC + tables.TEXT]
    survey = [{"type": t, "name": c, "label": c} for c, t in TYPES.items()]
    survey += [
        {"type": "calculate", "name": f"c{k}", "calculation": s} for k, s in enumerate(sources)
    ]
    # Labels equal codes, so jr:choice-name() agrees although the table holds no labels.
    choices = [{"list_name": "codes", "name": str(c), "label": str(c)} for c in (1, 2, 3, 98)]
    form = convert(
        xlsform={"survey": survey, "choices": choices, "settings": [{"form_id": "truth"}]}
    ).xform
    (tmp_path / "form.xml").write_text(form, encoding="utf-8")
    respondents = []
    for r, (_, row) in enumerate(df.iterrows()):
        answers = {c: _answer(c, row[c]) for c in TYPES}
        respondents.append(
            {"id": f"r{r}", "answers": {k: v for k, v in answers.items() if v is not None}}
        )
    batch = {
        "form": str(tmp_path / "form.xml"),
        "now": f"{tables.TODAY.isoformat()}T10:00:00Z",
        "respondents": respondents,
    }
    (tmp_path / "batch.json").write_text(json.dumps(batch), encoding="utf-8")
    proc = subprocess.run(
        ["node", "fill_batch.mjs", str(tmp_path / "batch.json"), str(tmp_path / "out.json")],
        cwd=ODK,
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    engine: dict[str, list[str]] = {}
    for result in report["results"]:
        assert result["answerErrors"] == [] and result["answerWarnings"] == []
        for node in result["nodes"]:
            engine.setdefault(node["ref"], []).append(node.get("value", ""))

    differ = []
    for k, source in enumerate(sources):
        ours = _odk_text(evaluate(parse(source), df, today=tables.TODAY))
        theirs = engine[f"c{k}"]
        same = all(_close(a, b) for a, b in zip(ours, theirs, strict=True))
        if same == (source in KNOWN):
            differ.append(f"{source}: ours {ours}, engine {theirs}")
    assert differ == []
