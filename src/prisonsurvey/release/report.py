"""The disclosure report: one offline HTML page, every text escaped."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em}"
    "th{background:#eee}td.n{text-align:right}"
)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td class="n">{value:.6g}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_report(release: dict[str, Any]) -> str:
    """Render ``release.json``'s content as the disclosure report."""
    before, after = release["risk_before"], release["risk_after"]
    risk_rows: list[list[object]] = [
        [
            f"records violating {k}-anonymity",
            before["k_anonymity_violations"][k],
            after["k_anonymity_violations"][k],
        ]
        for k in before["k_anonymity_violations"]
    ]
    risk_rows += [
        [label, before[key], after[key]]
        for label, key in (
            ("expected re-identifications", "expected_reidentifications"),
            ("global risk (%)", "global_risk_pct"),
            ("highest individual risk", "max_individual_risk"),
            ("records above the risk threshold", "records_above_threshold"),
        )
    ]
    steps = [
        [s.get("method"), s.get("variable"), s.get("changed", ""), s.get("detail", "")]
        for s in release["steps"]
    ]
    utility = [
        [
            u["indicator"],
            u["original_estimate"],
            u["original_ci_lower"],
            u["original_ci_upper"],
            u["released_estimate"],
            u["released_ci_lower"],
            u["released_ci_upper"],
        ]
        for u in release["utility"]
    ]
    diversity = [
        [
            name,
            figures["before"].get("records_below_2"),
            figures["after"].get("records_below_2"),
            figures["before"].get("min_distinct"),
            figures["after"].get("min_distinct"),
        ]
        for name, figures in release.get("l_diversity", {}).items()
    ]
    included = release["included"]
    note = (
        "Identifying and free-text questions are not in the released files."
        if not included
        else "Released because the specification names them: " + ", ".join(included) + "."
    )
    survey = release["survey"]
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f"<title>Disclosure report {escape(str(survey['id']))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Disclosure report: {escape(str(survey.get('title') or survey['id']))}</h1>",
        f"<p>{release['records']} records; k = {release['k']} on the keys "
        f"{escape(', '.join(release['keys']))}; {release['records_changed']} records changed.</p>",
        f"<p>{escape(note)}</p>",
        "<h2>Risk before and after</h2>",
        _table(["measure", "original", "released"], risk_rows),
        "<h2>l-diversity of the sensitive variables</h2>",
        "<p>Records whose key pattern holds a single answer to a sensitive question disclose "
        "that answer to whoever can place the person in the pattern.</p>",
        _table(
            [
                "variable",
                "records with one answer in their pattern (original)",
                "(released)",
                "lowest distinct l (original)",
                "(released)",
            ],
            diversity,
        ),
        "<h2>Steps</h2>",
        _table(["method", "variable", "values changed", "detail"], steps),
        "<h2>Utility: core indicators</h2>",
        _table(["indicator", "original", "low", "high", "released", "low", "high"], utility),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


__all__ = ["render_report"]
