"""The offline HTML report: one page per language and a profile page per country.

Every text reaches the page through Jinja's autoescaping (names, notes, reasons and any text
that came from the rounds); charts are inline SVG drawn from the figures, so a page needs
nothing but itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from prisonsurvey.region.estimate import AVERAGE, REGION
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.replicates import describe
from prisonsurvey.region.stack import DOMAINS
from prisonsurvey.region.words import WORDS

if TYPE_CHECKING:
    from prisonsurvey.region.run import Region

_ENV = Environment(
    loader=PackageLoader("prisonsurvey.region", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    keep_trailing_newline=True,
)
_ROW_H, _LEFT, _WIDTH, _VALUE_W = 26, 220, 720, 70
_COLOURS = {"country": "#2b6cb0", REGION: "#b83280", AVERAGE: "#555555"}


def index_name(lang: str) -> str:
    """File name of the report page in ``lang``."""
    return f"index.{lang}.html"


def country_name(code: str, lang: str) -> str:
    """File name of a country's profile page in ``lang``."""
    return f"country-{code}.{lang}.html"


def _num(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value):,.{digits}f}"  # type: ignore[arg-type]


def _text(texts: dict[str, str], lang: str, fallback: str = "") -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), fallback)


class _Page:
    """What every page of one language needs to name things."""

    def __init__(self, region: Region, lang: str) -> None:
        self.region = region
        self.lang = lang
        self.words = WORDS[lang]
        self.names = {r.country: r.label(lang) for r in region.config.rounds}
        self.names[REGION] = self.words["region"]
        self.names[AVERAGE] = self.words["average"]
        core = region.core
        self.labels: dict[str, dict[int, str]] = {}
        for name in DOMAINS:
            question = core.question(name)
            self.labels[name] = {
                c.code: _text(dict(c.label), lang, str(c.code))
                for c in core.choice_list(question).choices
            }

    def kind(self, area: str) -> str:
        return area if area in (REGION, AVERAGE) else "country"

    def row(self, rec: pd.Series) -> dict[str, Any]:
        status = str(rec["status"])
        klass = str(rec["comparability"])
        shown = Comparability(klass).shown and pd.notna(rec["estimate"])
        return {
            "area": rec["area"],
            "kind": self.kind(str(rec["area"])),
            "label": self.names.get(str(rec["area"]), str(rec["area"])),
            "estimate": _num(rec["estimate"]) if shown else "",
            "ci": f"{_num(rec['ci_lower'])} – {_num(rec['ci_upper'])}" if shown else "",
            "se": _num(rec["se"], 2) if shown else "",
            "n": "" if pd.isna(rec["n"]) else f"{int(rec['n']):,}",
            "status_code": status,
            "status": self.words.get(status, status),
            "class_code": klass,
            "comparability": self.words.get(klass, klass),
        }


def _chart(rows: pd.DataFrame, page: _Page) -> dict[str, Any]:
    right = _WIDTH - _VALUE_W
    top = float(rows["ci_upper"].max()) if rows["ci_upper"].notna().any() else 0.0
    top = max(top, float(rows["estimate"].max()) if rows["estimate"].notna().any() else 0.0)
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    if unit == "percent":
        top = 100.0 if top > 50 else max(10.0, math.ceil(top / 10) * 10)
    top = top or 1.0

    def x(value: float) -> float:
        return round(_LEFT + (right - _LEFT) * max(0.0, value) / top, 2)

    bars = []
    for k, (_, rec) in enumerate(rows.iterrows()):
        y = 14 + k * _ROW_H
        area = str(rec["area"])
        shown = Comparability(str(rec["comparability"])).shown and pd.notna(rec["estimate"])
        status = str(rec["status"])
        bars.append(
            {
                "area": area,
                "kind": page.kind(area),
                "label": page.names.get(area, area),
                "y": y,
                "shown": shown,
                "x": x(float(rec["estimate"])) if shown else 0,
                "lo": x(float(rec["ci_lower"])) if shown else 0,
                "hi": x(float(rec["ci_upper"])) if shown else 0,
                "colour": _COLOURS[page.kind(area)],
                "value": _num(rec["estimate"])
                if shown
                else page.words.get(
                    status if status == "suppressed" else str(rec["comparability"]), status
                ),
            }
        )
    axis = 14 + len(bars) * _ROW_H - 8
    ticks = [{"x": x(top * f), "label": _num(top * f, 0)} for f in (0, 0.25, 0.5, 0.75, 1)]
    return {
        "width": _WIDTH,
        "height": axis + 22,
        "axis": axis,
        "left": _LEFT,
        "right": right,
        "rows": bars,
        "ticks": ticks,
    }


def _breakdown(table: pd.DataFrame, name: str, page: _Page) -> dict[str, Any] | None:
    part = table.loc[table[name].notna() & table[next(d for d in DOMAINS if d != name)].isna()]
    if part.empty:
        return None
    codes = sorted({int(c) for c in part[name]})
    rows = []
    for area, group in part.groupby("area", sort=False):
        by = {int(r[name]): r for _, r in group.iterrows()}
        values = []
        for code in codes:
            rec = by.get(code)
            if rec is None:
                values.append("")
            elif pd.isna(rec["estimate"]):
                values.append(page.words.get(str(rec["status"]), str(rec["status"])))
            else:
                values.append(_num(rec["estimate"]))
        rows.append(
            {"kind": page.kind(str(area)), "label": page.names.get(str(area)), "cells": values}
        )
    header = [page.labels[name].get(c, str(c)) for c in codes]
    return {"title": page.words[name], "header": header, "rows": rows}


def _indicator(ind_id: str, page: _Page) -> dict[str, Any]:
    region = page.region
    ind = region.catalogue.get(ind_id)
    table = region.table.loc[region.table["indicator"] == ind_id]
    totals = table.loc[table["sex"].isna() & table["legal_status"].isna()]
    notes = [
        {
            "area": page.names.get(c, c),
            "class_code": cell.comparability.value,
            "comparability": page.words[cell.comparability.value],
            "text": "; ".join(cell.reasons_in(page.lang)),
        }
        for (c, i), cell in region.cells.items()
        if i == ind_id and cell.reasons
    ]
    breakdowns = [b for b in (_breakdown(table, d, page) for d in DOMAINS) if b is not None]
    return {
        "id": ind_id,
        "title": _text(dict(ind.title), page.lang, ind_id),
        "description": _text(dict(ind.description), page.lang),
        "chart": _chart(totals, page),
        "rows": [page.row(rec) for _, rec in totals.iterrows()],
        "breakdowns": breakdowns,
        "notes": notes,
    }


def _method_rows(page: _Page) -> list[dict[str, Any]]:
    out = []
    w = page.words
    for m in page.region.methodology():
        d = m["design"]
        a = m["adaptation"]
        adaptation = (
            f"{a['kept']} {w['kept']}, {a['adapted']} {w['adapted']}, "
            f"{a['not_fielded']} {w['not_fielded']}, {a['added']} {w['added']}"
            if a
            else "—"
        )
        rate = m["response_rate"]
        out.append(
            {
                "country": m["country"],
                "name": _text(m["name"], page.lang, m["country"]),
                "year": m["year"],
                "source": w.get(m["source"], m["source"]),
                "instrument": m["instrument"],
                "core_version": m["core_version"],
                "design": f"{d['strata_count']} {w['strata']}, {d['psu_count']} {w['psus']}",
                "respondents": f"{d['respondents']:,}",
                "weighted": _num(m["prison_population"] or d["weighted"], 0),
                "response_rate": "—" if rate is None else f"{100 * rate:.1f} %",
                "fieldwork": f"{m['fieldwork_start'] or '?'} – {m['fieldwork_end'] or '?'}",
                "adaptation": adaptation,
                "weighting": w["weighting_text"].format(weight=d["weight"])
                + (f"; {d['replicates']}" if d.get("replicates") else ""),
            }
        )
    return out


def _census_value(rec: pd.Series | None, page: _Page, column: str = "estimate") -> str:
    if rec is None:
        return ""
    if pd.isna(rec["estimate"]):
        return page.words.get(str(rec["status"]), str(rec["status"]))
    digits = 0 if column != "estimate" or rec["unit"] == "count" else 1
    return _num(rec[column], digits)


def _census(page: _Page, only: str | None = None) -> dict[str, Any] | None:
    """The census table: one row per country and the region, one column per figure."""
    census = page.region.census
    if census.empty:
        return None
    titles = page.region.census_titles
    by = {(str(r["area"]), str(r["indicator"])): r for _, r in census.iterrows()}
    texts = page.region.census_notes.get(page.lang) or tuple(census["note"])
    said = {
        (str(a), str(i)): text
        for a, i, text in zip(census["area"], census["indicator"], texts, strict=True)
    }
    ids = list(dict.fromkeys(census["indicator"]))
    header = [_text(titles.get(i, {}), page.lang, i) for i in ids]
    areas = [r.country for r in page.region.config.rounds] + [REGION]
    rows = []
    for area in areas:
        if only is not None and area not in (only, REGION):
            continue
        cells = [_census_value(by.get((area, i)), page) for i in ids]
        occupancy = by.get((area, "occupancy"))
        rate = next((by[(area, i)] for i in ids if (area, i) in by and "rate" in i), None)
        year = next((r["year"] for i in ids if (r := by.get((area, i))) is not None), None)
        notes = [said[(area, i)] for i in ids if (area, i) in said]
        rows.append(
            {
                "area": area,
                "kind": page.kind(area),
                "label": page.names.get(area, area),
                "year": "" if year is None or pd.isna(year) else str(int(year)),
                "cells": cells,
                "places": _census_value(occupancy, page, "denominator"),
                "population": _census_value(rate, page, "denominator"),
                "note": "; ".join(dict.fromkeys(n for n in notes if n)),
            }
        )
    return {"ids": ids, "titles": header, "rows": rows}


def _variance(page: _Page) -> str:
    """How the standard errors were computed, in the page's language."""
    named = page.region.replicate_sets
    if not named:
        return page.words["variance_linearised"]
    return page.words["variance_replicate"].format(sets=describe(named))


def _languages(langs: tuple[str, ...], name: Any) -> list[tuple[str, str]]:
    return [(lang, name(lang)) for lang in langs]


def render_index(region: Region, lang: str, langs: tuple[str, ...]) -> str:
    """The report page in ``lang``: every indicator, then the methodology annex."""
    page = _Page(region, lang)
    countries = [
        {"name": page.names[r.country], "href": country_name(r.country, lang)}
        for r in region.config.rounds
    ]
    return _ENV.get_template("index.html.j2").render(
        lang=lang,
        words=page.words,
        title=region.config.title(lang),
        languages=_languages(langs, index_name),
        countries=countries,
        indicators=[_indicator(i, page) for i in region.ids],
        census=_census(page),
        methods=_method_rows(page),
        variance=_variance(page),
    )


def render_country(region: Region, code: str, lang: str, langs: tuple[str, ...]) -> str:
    """The profile page of country ``code`` in ``lang``."""
    page = _Page(region, lang)
    table = region.table
    totals = table.loc[table["sex"].isna() & table["legal_status"].isna()].set_index(
        ["indicator", "area"]
    )
    rows = []
    for ind_id in region.ids:
        rec = cast(pd.Series, totals.loc[(ind_id, code)])
        cell = region.cells[(code, ind_id)]
        shown = cell.comparability.shown and pd.notna(rec["estimate"])
        rows.append(
            {
                "id": ind_id,
                "title": _text(dict(region.catalogue.get(ind_id).title), lang, ind_id),
                "estimate": _num(rec["estimate"])
                if shown
                else page.words.get(str(rec["status"]), str(rec["status"])),
                "ci": f"{_num(rec['ci_lower'])} – {_num(rec['ci_upper'])}" if shown else "",
                "region": _num(totals.loc[(ind_id, REGION), "estimate"]),
                "average": _num(totals.loc[(ind_id, AVERAGE), "estimate"])
                if (ind_id, AVERAGE) in totals.index
                else "—",
                "class_code": cell.comparability.value,
                "comparability": page.words[cell.comparability.value],
                "reasons": "; ".join(cell.reasons_in(lang)),
            }
        )
    method = next(m for m in _method_rows(page) if m["country"] == code)
    return _ENV.get_template("country.html.j2").render(
        lang=lang,
        words=page.words,
        name=page.names[code],
        back=index_name(lang),
        languages=_languages(langs, lambda lg: country_name(code, lg)),
        rows=rows,
        method=method,
        census=_census(page, code),
    )
