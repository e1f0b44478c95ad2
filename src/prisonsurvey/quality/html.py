"""Render a :class:`~prisonsurvey.quality.report.QualityReport` as one self-contained HTML file.

No external resources: styles, the small sorting/filtering script and the charts (inline SVG)
are in the file, so it opens offline from a USB stick. Every value comes through Jinja2 with
autoescaping, so answers typed by respondents or interviewers are shown as text.
"""

from __future__ import annotations

from typing import Any

import jinja2
import pandas as pd

from prisonsurvey.quality.findings import SEVERITIES
from prisonsurvey.quality.report import QualityReport

MAX_ROWS = 20_000
"""Findings shown in the HTML table; the CSV and JSON always hold all of them."""

TABLE_TITLES = {
    "progress": "Fieldwork progress by facility",
    "duration_by_interviewer": "Length of completed interviews by interviewer (minutes)",
    "nonresponse_by_interviewer": "Item nonresponse by interviewer",
    "nonresponse_by_facility": "Item nonresponse by facility",
    "nonresponse_by_question": "Item nonresponse by question",
    "interviewer_effects": "Interviewer effects (stratified by facility)",
}


def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("prisonsurvey.quality", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True)


def _cells(table: pd.DataFrame) -> list[list[str]]:
    out: list[list[str]] = []
    for row in table.astype(object).itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                cells.append("")
            elif isinstance(v, float):
                cells.append(f"{v:.4g}")
            else:
                cells.append(str(v))
        out.append(cells)
    return out


def _bars(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [c for c in summary["checks"] if c["findings"]]
    top = max((c["findings"] for c in rows), default=1)
    return [
        {
            "check": c["check"],
            "severity": c["severity"],
            "findings": c["findings"],
            "width": round(300 * c["findings"] / top, 1),
            "y": 22 * i,
        }
        for i, c in enumerate(rows)
    ]


def _progress_bars(report: QualityReport) -> list[dict[str, Any]]:
    table = report.tables.get("progress")
    if table is None or table.empty:
        return []
    targets = pd.to_numeric(table["target"], errors="coerce")
    scale = float(max(targets.max(skipna=True) if targets.notna().any() else 0, 1))
    scale = max(scale, float(table["completed"].max()), 1.0)
    out = []
    names = table["name"] if "name" in table.columns else pd.Series("", index=table.index)
    for i, (fac, name, done, target) in enumerate(
        zip(table["facility"], names, table["completed"], targets, strict=True)
    ):
        label = f"{fac} {name}".strip()
        out.append(
            {
                "facility": label if len(label) <= 22 else label[:21] + "…",
                "completed": int(done),
                "target": "" if pd.isna(target) else int(target),
                "done_w": round(300 * int(done) / scale, 1),
                "target_x": None if pd.isna(target) else round(300 * float(target) / scale, 1),
                "y": 22 * i,
            }
        )
    return out


def _question_info(report: QualityReport) -> list[dict[str, str]]:
    q = report.questionnaire
    used = set(report.findings["question"]) - {""}
    lang = q.default_language
    out = []
    for question in q.questions():
        if question.name not in used:
            continue
        out.append(
            {
                "name": question.name,
                "type": question.type.value,
                "label": question.label.get(lang, next(iter(question.label.values()), "")),
                "relevant": question.relevant or "",
                "constraint": question.constraint or "",
                "required": str(question.required).lower(),
            }
        )
    used -= {x["name"] for x in out}
    out += [
        {"name": n, "type": "", "label": "", "relevant": "", "constraint": "", "required": ""}
        for n in sorted(used)
    ]
    return out


def render_report(report: QualityReport) -> str:
    """The report as HTML text."""
    findings = report.findings
    tables = []
    for name in TABLE_TITLES:
        table = report.tables.get(name)
        if table is None:
            continue
        if name == "nonresponse_by_question":
            table = table.sort_values(
                ["nonresponse_rate", "question"], ascending=[False, True], kind="mergesort"
            )
        tables.append(
            {
                "name": name,
                "title": TABLE_TITLES[name],
                "columns": list(table.columns),
                "rows": _cells(table),
            }
        )
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=report.summary,
        severities=SEVERITIES,
        bars=_bars(report.summary),
        progress=_progress_bars(report),
        tables=tables,
        columns=list(findings.columns),
        findings=findings.head(MAX_ROWS).to_dict(orient="records"),
        shown=min(len(findings), MAX_ROWS),
        total=len(findings),
        checks=sorted(set(findings["check"])),
        questions=_question_info(report),
        title=report.questionnaire.title.get(
            report.questionnaire.default_language, report.questionnaire.id
        ),
    )
