"""Publication writers for estimate tables: XLSX, tidy CSV, self-contained HTML, Markdown.

Input is a tidy table (one row per estimate, as :meth:`Estimates.to_frame` plus the ``status``
and ``note`` columns of :func:`apply_rules`). Every writer is deterministic; HTML escapes every
piece of text and draws bar charts with confidence whiskers as inline SVG.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.estimation.table_format import TableFormat
from prisonsurvey.xlsx import save_workbook

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "estimate": "Estimate",
        "ci_lower": "95% CI lower",
        "ci_upper": "95% CI upper",
        "se": "Std. error",
        "cv": "CV",
        "n": "n",
        "n_weighted": "Weighted n",
        "deff": "Design effect",
        "df": "df",
        "status": "Status",
        "note": "Note",
        "level": "Category",
        "variable": "Indicator",
        "tidy": "All estimates",
        "notes": "Notes",
        "flagged": "Flagged: interpret with caution.",
        "suppressed": "Suppressed: too few respondents, too imprecise, or disclosive.",
        "source": "Design-based estimates; intervals use the design degrees of freedom.",
        "numerator": "Numerator",
        "denominator": "Denominator",
        "n_missing": "Units without data",
        "n_estimated": "Units with estimates",
        "domain": "Breakdown",
        "unit": "Unit",
    },
    "es": {
        "estimate": "Estimación",
        "ci_lower": "IC 95% inferior",
        "ci_upper": "IC 95% superior",
        "se": "Error estándar",
        "cv": "CV",
        "n": "n",
        "n_weighted": "n ponderado",
        "deff": "Efecto de diseño",
        "df": "gl",
        "status": "Estado",
        "note": "Nota",
        "level": "Categoría",
        "variable": "Indicador",
        "tidy": "Todas las estimaciones",
        "notes": "Notas",
        "flagged": "Marcada: interpretar con cautela.",
        "suppressed": "Suprimida: pocos casos, demasiado imprecisa o riesgo de divulgación.",
        "source": "Estimaciones basadas en el diseño; los intervalos usan los grados de "
        "libertad del diseño.",
        "numerator": "Numerador",
        "denominator": "Denominador",
        "n_missing": "Unidades sin datos",
        "n_estimated": "Unidades con estimaciones",
        "domain": "Desagregación",
        "unit": "Unidad",
    },
}
TABLE_COLUMNS = ("estimate", "ci_lower", "ci_upper", "se", "cv", "n", "status", "note")


@dataclass(frozen=True)
class TableMeta:
    """Titles and labels of a set of tables.

    Attributes:
        title: Title of the whole set.
        by: Domain columns.
        labels: Indicator labels by variable name.
        lang: Language of the headers (``en`` or ``es``).
        columns: Value columns shown in each indicator's table (those present).
        source: Footnote on how the figures were produced (the design-based note when empty).
    """

    title: str = "Estimates"
    by: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    lang: str = "en"
    columns: tuple[str, ...] = TABLE_COLUMNS
    source: str = ""

    def text(self, key: str) -> str:
        """Header text in the table language."""
        if key == "source" and self.source:
            return self.source
        return LABELS.get(self.lang, LABELS["en"]).get(key, key)


def write_tables(
    table: pd.DataFrame, path: Path, fmt: TableFormat | str, meta: TableMeta | None = None
) -> Path:
    """Write ``table`` to ``path`` in ``fmt`` and return the path.

    Args:
        table: Tidy estimates.
        path: Output file.
        fmt: ``xlsx``, ``csv``, ``html`` or ``md``.
        meta: Titles and labels.
    """
    meta = meta or TableMeta()
    fmt = TableFormat(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is TableFormat.CSV:
        table.to_csv(path, index=False, lineterminator="\n")
    elif fmt is TableFormat.XLSX:
        _write_xlsx(table, path, meta)
    elif fmt is TableFormat.HTML:
        path.write_text(render_html(table, meta), encoding="utf-8")
    else:
        path.write_text(render_markdown(table, meta), encoding="utf-8")
    return path


def _groups(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    out: list[tuple[str, pd.DataFrame]] = []
    for var in dict.fromkeys(table["variable"].tolist()):
        out.append((str(var), table[table["variable"] == var]))
    return out


def _row_label(row: Mapping[Any, object], meta: TableMeta) -> str:
    parts = [str(row[b]) for b in meta.by if b in row]
    level = row.get("level")
    if isinstance(level, str) and level:
        parts.append(level)
    return " · ".join(parts) if parts else "—"


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            return ""
        return f"{float(value):,.{digits}f}"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    return str(value)


def _columns(frame: pd.DataFrame, meta: TableMeta) -> list[str]:
    cols = [b for b in meta.by if b in frame]
    if frame["level"].notna().any():
        cols.append("level")
    return cols + [c for c in meta.columns if c in frame]


def render_markdown(table: pd.DataFrame, meta: TableMeta) -> str:
    """Render the tables as Markdown (one section per indicator)."""
    lines = [f"# {_md(meta.title)}", ""]
    for var, frame in _groups(table):
        cols = _columns(frame, meta)
        lines += [f"## {_md(meta.labels.get(var, var))}", ""]
        lines.append("| " + " | ".join(_md(meta.text(c)) for c in cols) + " |")
        lines.append("|" + "|".join("---" for _ in cols) + "|")
        for row in frame.to_dict("records"):
            lines.append("| " + " | ".join(_md(_fmt(row[c])) for c in cols) + " |")
        lines.append("")
    lines += [f"*{_md(meta.text('source'))}*", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def render_html(table: pd.DataFrame, meta: TableMeta) -> str:
    """Render a self-contained HTML page with tables and bar charts with CI whiskers."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(meta.lang)}"><head><meta charset="utf-8">',
        f"<title>{e(meta.title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;"
        "padding:.25em .5em;text-align:right}th{background:#eee}td.l,th.l{text-align:left}"
        "tr.flagged td{background:#fff7e0}tr.suppressed td{color:#888}</style>",
        f"</head><body><h1>{e(meta.title)}</h1>",
    ]
    for var, frame in _groups(table):
        cols = _columns(frame, meta)
        parts.append(f"<section><h2>{e(meta.labels.get(var, var))}</h2>")
        parts.append(_svg_chart(frame, meta))
        parts.append("<table><thead><tr>")
        for c in cols:
            cls = ' class="l"' if c in (*meta.by, "level", "note", "status") else ""
            parts.append(f"<th{cls}>{e(meta.text(c))}</th>")
        parts.append("</tr></thead><tbody>")
        for row in frame.to_dict("records"):
            status = str(row.get("status", ""))
            parts.append(f'<tr class="{e(status)}">')
            for c in cols:
                cls = ' class="l"' if c in (*meta.by, "level", "note", "status") else ""
                parts.append(f"<td{cls}>{e(_fmt(row[c]))}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table></section>")
    parts.append(f"<p><em>{e(meta.text('source'))}</em></p></body></html>")
    return "\n".join(parts) + "\n"


def _svg_chart(frame: pd.DataFrame, meta: TableMeta) -> str:
    rows = frame.to_dict("records")
    uppers = [r.get("ci_upper", np.nan) for r in rows]
    vals = [u if _finite(u) else r["estimate"] for u, r in zip(uppers, rows, strict=True)]
    vals += [r["estimate"] for r in rows]
    finite = [float(v) for v in vals if _finite(v)]
    top = max([*finite, 0.0]) or 1.0
    bottom = min([*finite, 0.0])
    span = top - bottom or 1.0
    label_w, bar_w, row_h = 220, 380, 22
    height = row_h * len(rows) + 10
    x0 = label_w + (0 - bottom) / span * bar_w
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
        f'height="{height}" role="img">'
    ]
    for i, r in enumerate(rows):
        y = 5 + i * row_h
        label = html.escape(_row_label(r, meta))
        out.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{label}</text>'
        )
        est = r["estimate"]
        if not _finite(est):
            out.append(f'<text x="{x0 + 4:.1f}" y="{y + 15}" font-size="11" fill="#888">—</text>')
            continue
        xe = label_w + (float(est) - bottom) / span * bar_w
        left, width = min(x0, xe), abs(xe - x0)
        fill = "#e0a030" if r.get("status") == "flagged" else "#3b6ea5"
        out.append(
            f'<rect x="{left:.1f}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{fill}"/>'
        )
        lo, hi = r.get("ci_lower", np.nan), r.get("ci_upper", np.nan)
        if _finite(lo) and _finite(hi):
            xl = label_w + (float(lo) - bottom) / span * bar_w
            xh = label_w + (float(hi) - bottom) / span * bar_w
            ym = y + row_h / 2 - 1
            out.append(
                f'<path d="M{xl:.1f} {ym:.1f}H{xh:.1f}M{xl:.1f} {ym - 4:.1f}V{ym + 4:.1f}'
                f'M{xh:.1f} {ym - 4:.1f}V{ym + 4:.1f}" stroke="#222" fill="none"/>'
            )
        out.append(
            f'<text x="{max(xe, x0) + 4:.1f}" y="{y + 15}" font-size="11">'
            f"{html.escape(_fmt(est))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _finite(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and math.isfinite(float(value))


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "table"
    candidate, k = base, 1
    while candidate.lower() in used:
        k += 1
        candidate = f"{base[:25]}~{k}"
    used.add(candidate.lower())
    return candidate


def _write_xlsx(table: pd.DataFrame, path: Path, meta: TableMeta) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDDDDD")

    def sheet(name: str, title: str, frame: pd.DataFrame, cols: Sequence[str]) -> None:
        ws = wb.create_sheet(_sheet_name(name, used))
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.cell(row=2, column=1, value=meta.title)
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=4, column=j, value=meta.text(c))
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            width = max(10, min(40, len(meta.text(c)) + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
        for i, row in enumerate(frame.to_dict("records"), start=5):
            for j, c in enumerate(cols, start=1):
                value = row[c]
                if isinstance(value, float | np.floating):
                    value = float(value) if math.isfinite(float(value)) else None
                elif isinstance(value, np.integer):
                    value = int(value)
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, float):
                    cell.number_format = "0.0000"
        ws.freeze_panes = "A5"
        last = 5 + len(frame) + 1
        ws.cell(row=last, column=1, value=meta.text("notes")).font = bold
        ws.cell(row=last + 1, column=1, value=meta.text("flagged"))
        ws.cell(row=last + 2, column=1, value=meta.text("suppressed"))
        ws.cell(row=last + 3, column=1, value=meta.text("source"))

    for var, frame in _groups(table):
        sheet(var, meta.labels.get(var, var), frame, _columns(frame, meta))
    sheet("tidy", meta.text("tidy"), table, [str(c) for c in table.columns])
    save_workbook(wb, path)
