"""Printable HTML selection sheet for stage-2 sampling."""

from __future__ import annotations

from html import escape

from prisonsurvey.weighting.sampling import PersonSheet

_CSS = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #444;padding:4px 10px}th{background:#eee}"
    ".reserve td{color:#555}@media print{body{margin:1cm}}"
)


def sheet_html(sheet: PersonSheet) -> str:
    """Render a selection sheet as a standalone printable HTML page (all text escaped)."""
    rows = []
    for rec in sheet.lines.itertuples(index=False):
        cls = ' class="reserve"' if rec.role == "reserve" else ""
        rows.append(
            f"<tr{cls}><td>{rec.order}</td><td>{rec.line}</td><td>{escape(str(rec.role))}</td>"
            "<td></td><td></td></tr>"
        )
    fac = escape(sheet.facility)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>Selection sheet {fac}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>Selection sheet: facility {fac}</h1>\n"
        f"<p>Persons on the roster today: <b>{sheet.roster_count}</b>. To interview: "
        f"<b>{min(sheet.take, sheet.roster_count)}</b>. Interval {sheet.interval:.4f}, random "
        f"start {sheet.random_start:.4f}, seed {sheet.seed}.</p>\n"
        "<p>Number the roster lines 1, 2, 3, ... in the order of the official list, then "
        "interview the persons on the lines below.</p>\n"
        "<table><tr><th>order</th><th>roster line</th><th>role</th><th>name / code</th>"
        "<th>outcome</th></tr>\n" + "\n".join(rows) + "\n</table>\n"
        f"<h2>Reserves</h2><p>{escape(sheet.rules)}</p>\n</body></html>\n"
    )
