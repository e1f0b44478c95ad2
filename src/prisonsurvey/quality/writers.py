"""Write a report's findings as CSV and JSON, and the whole report as one HTML file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prisonsurvey.quality.report import QualityReport


def write_findings_csv(report: QualityReport, path: Path) -> Path:
    """Write every finding as UTF-8 CSV (one row per finding, columns as in the report)."""
    report.findings.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


JSON_BATCH = 20_000
"""Findings turned into JSON at a time."""


def _encoder() -> json.JSONEncoder:
    return json.JSONEncoder(indent=2, ensure_ascii=False, sort_keys=True, default=str)


def _nested(value: Any, depth: int) -> str:
    """``value`` as indented JSON placed ``depth`` levels deep (JSON strings hold no newline)."""
    return _encoder().encode(value).replace("\n", "\n" + "  " * depth)


def write_findings_json(report: QualityReport, path: Path) -> Path:
    """Write the summary, the findings and the summary tables as JSON.

    The text is that of ``json.dumps(report.to_dict(), indent=2, sort_keys=True)``, written
    :data:`JSON_BATCH` findings at a time so that memory never holds it whole.
    """
    whole = report.to_dict(findings=False)
    findings = report.findings
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('{\n  "findings": ')
        if findings.empty:
            out.write("[]")
        else:
            out.write("[")
            for first in range(0, len(findings), JSON_BATCH):
                batch = findings.iloc[first : first + JSON_BATCH].to_dict(orient="records")
                text = ",".join("\n    " + _nested(rec, 2) for rec in batch)
                out.write(text if first == 0 else "," + text)
            out.write("\n  ]")
        for name in sorted(whole):
            out.write(f",\n  {json.dumps(name)}: {_nested(whole[name], 1)}")
        out.write("\n}\n")
    return path


def write_report_html(report: QualityReport, path: Path) -> Path:
    """Write the self-contained HTML report (see :mod:`prisonsurvey.quality.html`)."""
    from prisonsurvey.quality.html import render_report

    path.write_text(render_report(report), encoding="utf-8")
    return path
