"""Write a report's findings as CSV and JSON, and the whole report as one HTML file."""

from __future__ import annotations

import json
from pathlib import Path

from prisonsurvey.quality.report import QualityReport


def write_findings_csv(report: QualityReport, path: Path) -> Path:
    """Write every finding as UTF-8 CSV (one row per finding, columns as in the report)."""
    report.findings.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_findings_json(report: QualityReport, path: Path) -> Path:
    """Write the summary, the findings and the summary tables as JSON."""
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, sort_keys=True, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_report_html(report: QualityReport, path: Path) -> Path:
    """Write the self-contained HTML report (see :mod:`prisonsurvey.quality.html`)."""
    from prisonsurvey.quality.html import render_report

    path.write_text(render_report(report), encoding="utf-8")
    return path
