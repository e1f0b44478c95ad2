"""Write a :class:`Codebook` as self-contained HTML, Markdown or an XLSX data dictionary."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from prisonsurvey.codebook.model import Codebook, Variable
from prisonsurvey.codebook.words import words
from prisonsurvey.xlsx import Row, write_workbook

_ENV = Environment(
    loader=PackageLoader("prisonsurvey.codebook", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=True,
)


def render_html(codebook: Codebook) -> str:
    """Return the codebook as one self-contained HTML page (table of contents, search box)."""
    template = _ENV.get_template("codebook.html.j2")
    return template.render(
        cb=codebook, w=words(codebook.lang), by_name={v.name: v for v in codebook.variables}
    )


def _md(text: str | None) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        flat = flat.replace(char, "\\" + char)
    return flat


def _md_variable(v: Variable, cb: Codebook) -> list[str]:
    w = words(cb.lang)
    lines = [f"### `{v.name}`", "", _md(v.question), ""]
    lines.append(f"- {w['type']}: {v.type}" + (f" ({w['unit']}: {_md(v.unit)})" if v.unit else ""))
    lines.append(f"- {w['universe']}: {_md(v.universe) or w['everyone']}")
    if v.repeat:
        lines.append(f"- {w['roster']}: `{v.repeat}`")
    if v.constraint:
        lines.append(f"- {w['constraint']}: {_md(v.constraint)}")
    if v.calculation:
        lines.append(f"- {w['calculation']}: `{v.calculation}`")
    if v.sensitive:
        lines.append(f"- {w['sensitive']}")
    if v.identifying:
        lines.append(f"- {w['identifying']}")
    if v.indicator_columns:
        lines.append(
            f"- {w['indicator_columns']}: " + ", ".join(f"`{c}`" for c in v.indicator_columns)
        )
    if v.missing:
        lines.append(f"- {w['missing']}: " + "; ".join(f"{k}: {n}" for k, n in v.missing.items()))
    if v.stats is not None and v.stats.mean is not None:
        s = v.stats
        lines.append(
            f"- {w['stats']}: n={s.n}, mean={s.mean:.2f}, median={s.median:.2f}, "
            f"min={s.minimum:g}, max={s.maximum:g}"
            + (f", weighted mean={s.weighted_mean:.2f}" if s.weighted_mean is not None else "")
        )
    if v.categories:
        with_data = cb.n_rows is not None
        header = [w["code"], w["label"]] + ([w["n"]] if with_data else [])
        header += [w["weighted"]] if with_data and cb.weighted else []
        lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for c in v.categories:
            cells = [str(c.code), _md(c.label) + (f" ({c.missing})" if c.missing else "")]
            if with_data:
                cells.append(str(c.n))
                if cb.weighted:
                    cells.append(f"{c.weighted or 0:.1f}")
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render_markdown(codebook: Codebook) -> str:
    """Return the codebook as Markdown: a contents list, then one section per module."""
    w = words(codebook.lang)
    lines = [f"# {w['codebook']}: {_md(codebook.title)}", ""]
    lines.append(f"{codebook.instrument} · {w['version']} {codebook.version}")
    if codebook.n_rows is not None:
        lines[-1] += f" · {codebook.n_rows} {w['rows']}"
    lines += ["", f"## {w['contents']}", ""]
    lines += [f"- [{_md(m.label)}](#{m.name})" for m in codebook.modules]
    by_name = {v.name: v for v in codebook.variables}
    for m in codebook.modules:
        lines += ["", f'<a id="{m.name}"></a>', "", f"## {_md(m.label)}", ""]
        if m.note:
            lines += [f"*{_md(m.note)}*", ""]
        for name in m.variables:
            lines += _md_variable(by_name[name], codebook)
    return "\n".join(lines).rstrip() + "\n"


def write_xlsx(codebook: Codebook, path: Path) -> Path:
    """Write the data dictionary: a sheet of variables and a sheet of value labels."""
    w = words(codebook.lang)
    var_header = [
        "name",
        "module",
        "type",
        "label",
        "universe",
        "universe_expression",
        "constraint",
        "calculation",
        "unit",
        "roster",
        "sensitive",
        "identifying",
        "indicator_columns",
        "n",
        "mean",
        "weighted_mean",
        "missing",
    ]
    var_rows: list[Row] = []
    value_rows: list[Row] = []
    for v in codebook.variables:
        s = v.stats
        var_rows.append(
            {
                "name": v.name,
                "module": v.module,
                "type": v.type,
                "label": v.label,
                "universe": v.universe or w["everyone"],
                "universe_expression": v.universe_expr or "",
                "constraint": v.constraint or "",
                "calculation": v.calculation or "",
                "unit": v.unit or "",
                "roster": v.repeat or "",
                "sensitive": "yes" if v.sensitive else "",
                "identifying": "yes" if v.identifying else "",
                "indicator_columns": " ".join(v.indicator_columns),
                "n": "" if s is None else str(s.n),
                "mean": "" if s is None or s.mean is None else f"{s.mean:.4g}",
                "weighted_mean": ""
                if s is None or s.weighted_mean is None
                else f"{s.weighted_mean:.4g}",
                "missing": "; ".join(f"{k}: {n}" for k, n in v.missing.items()),
            }
        )
        for c in v.categories:
            value_rows.append(
                {
                    "name": v.name,
                    "code": str(c.code),
                    "label": c.label,
                    "missing": c.missing or "",
                    "n": "" if c.n is None else str(c.n),
                    "weighted": "" if c.weighted is None else f"{c.weighted:.1f}",
                }
            )
    about = [
        {"field": "instrument", "value": codebook.instrument},
        {"field": "version", "value": codebook.version},
        {"field": "title", "value": codebook.title},
        {"field": "language", "value": codebook.lang},
        {"field": "rows", "value": "" if codebook.n_rows is None else str(codebook.n_rows)},
    ]
    return write_workbook(
        path,
        [
            ("variables", var_header, var_rows),
            ("values", ["name", "code", "label", "missing", "n", "weighted"], value_rows),
            ("about", ["field", "value"], about),
        ],
    )
