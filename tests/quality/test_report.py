"""The HTML, CSV and JSON outputs of a report."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from prisonsurvey.quality import (
    COLUMNS,
    QualityReport,
    run_checks,
    write_findings_csv,
    write_findings_json,
    write_report_html,
)

from .data import TODAY, clean, config, consented, regional

XSS = "<script>alert(1)</script>"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


@pytest.fixture(scope="module")
def report() -> QualityReport:
    return run_checks(regional(), report_tables(), config(), today=TODAY)


def test_free_text_is_shown_as_text(report: QualityReport, tmp_path: Path) -> None:
    assert XSS in set(report.findings["value"])
    path = write_report_html(report, tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parsed = _Collect()
    parsed.feed(html)
    assert len(parsed.scripts) == 1 and "alert(1)" not in parsed.scripts[0]
    assert any(XSS in t for t in parsed.text)


def test_html_is_self_contained(report: QualityReport, tmp_path: Path) -> None:
    html = write_report_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(html)
    assert parsed.external == []
    assert "<svg" in html and "<style>" in html
    assert 'id="q-interviewer_id"' in html  # each finding links to its question


def test_csv_and_json_hold_the_same_findings(report: QualityReport, tmp_path: Path) -> None:
    csv = pd.read_csv(
        write_findings_csv(report, tmp_path / "f.csv"), dtype=str, keep_default_na=False
    )
    assert tuple(csv.columns) == COLUMNS
    assert csv.to_dict(orient="records") == report.findings.to_dict(orient="records")
    data = json.loads(write_findings_json(report, tmp_path / "f.json").read_text("utf-8"))
    assert data["findings"] == report.findings.to_dict(orient="records")
    assert data["summary"]["by_severity"]["error"] == report.count_at_least("error")


def test_outputs_are_deterministic(report: QualityReport, tmp_path: Path) -> None:
    again = run_checks(regional(), report_tables(), config(), today=TODAY)
    a = write_report_html(report, tmp_path / "a.html").read_bytes()
    b = write_report_html(again, tmp_path / "b.html").read_bytes()
    assert a == b


def report_tables() -> dict[str | None, pd.DataFrame]:
    """Clean data with free text that breaks a constraint (so it is shown as a value)."""
    tables = clean()
    root = tables[None]
    row = int(consented(root).argmax())
    root.loc[row, "interviewer_id"] = XSS
    root.loc[row, "interview_language_other"] = XSS
    return tables
