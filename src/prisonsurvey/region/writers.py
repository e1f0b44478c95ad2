"""Write the regional report: HTML pages per language, the XLSX workbook and tidy CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from prisonsurvey.region.census import CENSUS_FIELDS
from prisonsurvey.region.estimate import FIELDS
from prisonsurvey.region.html import country_name, index_name, render_country, render_index
from prisonsurvey.xlsx import write_workbook

if TYPE_CHECKING:
    from prisonsurvey.region.run import Region

ESTIMATES_CSV = "estimates.csv"
CENSUS_CSV = "census.csv"
COMPARABILITY_CSV = "comparability.csv"
STACKED_CSV = "stacked.csv"
WORKBOOK = "regional_report.xlsx"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return format(value, ".12g")
    return str(value)


def comparability_frame(region: Region) -> pd.DataFrame:
    """Every country x indicator cell with its class and reasons."""
    return pd.DataFrame(
        [
            {
                "area": c,
                "indicator": i,
                "comparability": cell.comparability.value,
                "reasons": "; ".join(cell.reasons),
            }
            for (c, i), cell in region.cells.items()
        ]
    )


def write_report(region: Region, out: Path, langs: tuple[str, ...]) -> list[Path]:
    """Write every file of the report to ``out`` and return them, in a stable order."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for lang in langs:
        page = out / index_name(lang)
        page.write_text(render_index(region, lang, langs), "utf-8")
        files.append(page)
        for r in region.config.rounds:
            profile = out / country_name(r.country, lang)
            profile.write_text(render_country(region, r.country, lang, langs), "utf-8")
            files.append(profile)
    table = region.table[list(FIELDS)]
    table.to_csv(out / ESTIMATES_CSV, index=False, float_format="%.12g", lineterminator="\n")
    cells = comparability_frame(region)
    cells.to_csv(out / COMPARABILITY_CSV, index=False, lineterminator="\n")
    census = region.census[list(CENSUS_FIELDS)]
    if not census.empty:
        census.to_csv(out / CENSUS_CSV, index=False, float_format="%.12g", lineterminator="\n")
    region.stacked.to_csv(out / STACKED_CSV, index=False, float_format="%.17g", lineterminator="\n")
    methods = region.methodology()
    method_header = [
        "country",
        "year",
        "source",
        "instrument",
        "core_version",
        "respondents",
        "strata",
        "psus",
        "prison_population",
        "response_rate",
        "variance",
        "fieldwork_start",
        "fieldwork_end",
    ]
    method_rows = [
        {
            "country": m["country"],
            "year": str(m["year"]),
            "source": m["source"],
            "instrument": m["instrument"],
            "core_version": m["core_version"],
            "respondents": str(m["design"]["respondents"]),
            "strata": str(m["design"]["strata_count"]),
            "psus": str(m["design"]["psu_count"]),
            "prison_population": _cell(m["prison_population"]),
            "response_rate": _cell(m["response_rate"]),
            "variance": region.variance,
            "fieldwork_start": m["fieldwork_start"],
            "fieldwork_end": m["fieldwork_end"],
        }
        for m in methods
    ]
    write_workbook(
        out / WORKBOOK,
        [
            (
                "estimates",
                list(FIELDS),
                [{str(k): _cell(v) for k, v in row.items()} for row in table.to_dict("records")],
            ),
            (
                "comparability",
                list(cells.columns),
                [{str(k): _cell(v) for k, v in row.items()} for row in cells.to_dict("records")],
            ),
            ("methodology", method_header, method_rows),
        ]
        + (
            [
                (
                    "census",
                    list(CENSUS_FIELDS),
                    [
                        {str(k): _cell(v) for k, v in row.items()}
                        for row in census.to_dict("records")
                    ],
                )
            ]
            if not census.empty
            else []
        ),
    )
    files += [out / ESTIMATES_CSV, out / COMPARABILITY_CSV, out / STACKED_CSV, out / WORKBOOK]
    if not census.empty:
        files.append(out / CENSUS_CSV)
    return files
