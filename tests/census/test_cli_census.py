"""``prisonsurvey tabulate --census`` on the example census of Arcadia.

The example (examples/country/census/census_2025.csv) is generated from the frame
examples/country/facilities.csv, so the frame's own columns give the expected figures:
occupancy = population / official_capacity * 100, nationally and per facility.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from prisonsurvey.cli import app

from .conftest import CATALOGUE, CENSUS, FRAME, INSTRUMENT

RUNNER = CliRunner()
BASE = ["tabulate", str(CENSUS), "--census", "--instrument", str(INSTRUMENT)]
POPULATION = ["--param", "national_population=4850000"]


def _json(args: list[str]) -> tuple[int, dict[str, Any]]:
    result = RUNNER.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def tables() -> pd.DataFrame:
    code, out = _json([*BASE, *POPULATION])
    assert code == 0
    assert out["warnings"] == []
    return pd.DataFrame(out["estimates"])


def test_national_occupancy_is_the_frame_ratio(tables: pd.DataFrame) -> None:
    frame = pd.read_csv(FRAME)
    expected = frame["population"].sum() / frame["official_capacity"].sum() * 100
    row = tables[(tables["variable"] == "occupancy") & (tables["domain"] == "")].iloc[0]
    assert row["estimate"] == pytest.approx(expected, rel=1e-12)
    assert row["n"] == len(frame)


def test_occupancy_per_facility_is_the_frame_ratio(tables: pd.DataFrame) -> None:
    frame = pd.read_csv(FRAME)
    expected = dict(
        zip(
            frame["code"].astype(str),
            frame["population"] / frame["official_capacity"] * 100,
            strict=True,
        )
    )
    rows = tables[(tables["variable"] == "occupancy") & (tables["domain"] == "facility")]
    assert dict(zip(rows["level"], rows["estimate"], strict=True)) == pytest.approx(expected)


def test_rate_per_100000_uses_the_parameter(tables: pd.DataFrame) -> None:
    frame = pd.read_csv(FRAME)
    rows = tables[tables["variable"] == "prison_population_rate"]
    assert rows["domain"].tolist() == [""]
    assert rows["estimate"].iloc[0] == pytest.approx(
        frame["population"].sum() / 4_850_000 * 100_000
    )


def test_estimated_figures_are_carried_into_the_notes(tables: pd.DataFrame) -> None:
    census = pd.read_csv(CENSUS)
    estimated_stock = int((census["stock_source"] == 2).sum())
    assert estimated_stock > 0
    row = tables[(tables["variable"] == "prison_population") & (tables["domain"] == "")].iloc[0]
    assert row["n_estimated"] == estimated_stock
    assert str(estimated_stock) in row["note"]
    # occupancy also counts facilities whose capacity (not stock) is estimated
    either = int(((census["stock_source"] == 2) | (census["capacity_source"] == 2)).sum())
    occ = tables[(tables["variable"] == "occupancy") & (tables["domain"] == "")].iloc[0]
    assert occ["n_estimated"] == either
    # programme figures not available: left out and counted
    unavailable = int((census["programmes_source"] == 98).sum())
    edu = tables[(tables["variable"] == "education_share") & (tables["domain"] == "")].iloc[0]
    assert (edu["n"], edu["n_missing"]) == (len(census) - unavailable, unavailable)


def test_default_breakdowns_and_by(tables: pd.DataFrame) -> None:
    occ = tables[tables["variable"] == "occupancy"]
    assert set(occ["domain"]) == {
        "",
        "facility",
        "facility_function",
        "sexes_held",
        "operator",
        "admin_level",
    }
    code, out = _json([*BASE, *POPULATION, "--by", "region", "--indicators", "female_share"])
    assert code == 0
    by_region = pd.DataFrame(out["estimates"])
    assert by_region["domain"].tolist() == ["", *["region"] * 5]
    assert by_region["numerator"].iloc[1:].sum() == by_region["numerator"].iloc[0]


def test_missing_parameter_is_bad_input_located_in_the_catalogue() -> None:
    code, out = _json(BASE)
    assert code == 2
    assert [i["code"] for i in out["issues"]] == ["IND017"]
    where = out["issues"][0]["location"]
    assert Path(where["file"]).name == CATALOGUE.name
    assert where["line"] == CATALOGUE.read_text().splitlines().index("  national_population:") + 1
    result = RUNNER.invoke(app, BASE)
    assert result.exit_code == 2
    assert "IND017" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--param", "national_population"], "EST002"),
        (["--param", "national_population=many"], "EST002"),
        ([*POPULATION, "--by", "province"], "CEN001"),
        ([*POPULATION, "--indicators", "occupancy_rate"], "EST006"),
        ([*POPULATION, "-o", "tables.pdf"], "EST002"),
    ],
)
def test_bad_input_exits_2(extra: list[str], code: str) -> None:
    status, out = _json([*BASE, *extra])
    assert status == 2
    assert [i["code"] for i in out["issues"]] == [code]


def test_census_needs_an_instrument() -> None:
    status, out = _json(["tabulate", str(CENSUS), "--census"])
    assert status == 2
    assert [i["code"] for i in out["issues"]] == ["EST002"]


def test_warnings_for_implausible_and_inconsistent_facilities(tmp_path: Path) -> None:
    census = pd.read_csv(CENSUS)
    # row 3 of the file (data row 1): 17 people held for the official capacity -> far below 20%
    capacity = int(census.loc[1, "capacity_official"])
    census.loc[1, ["stock_male", "stock_total"]] = [17, 17]
    path = tmp_path / "census.csv"
    census.to_csv(path, index=False)
    result = RUNNER.invoke(
        app,
        [
            "tabulate",
            str(path),
            "--census",
            "--instrument",
            str(INSTRUMENT),
            *POPULATION,
            "--indicators",
            "occupancy",
            "--json",
        ],
    )
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    found = {(w["code"], w["location"]["row"], w["location"]["column"]) for w in out["warnings"]}
    # stock by legal status and by age no longer add up to stock_male (17)
    assert ("CEN011", 3, "stock_male") in found
    assert ("CEN010", 3, None) in found
    assert all(w["severity"] == "warning" for w in out["warnings"])
    row = next(r for r in out["estimates"] if r["domain"] == "facility" and r["level"] == "1002")
    assert row["estimate"] == pytest.approx(17 / capacity * 100)
    assert row["status"] == "flagged"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html", "md"])
def test_writes_every_format(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"census_tables.{fmt}"
    result = RUNNER.invoke(app, [*BASE, *POPULATION, "--lang", "es", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    if fmt == "xlsx":
        wb = load_workbook(out, read_only=True)
        assert "occupancy" in wb.sheetnames
        assert "tidy" in wb.sheetnames
    elif fmt == "csv":
        written = pd.read_csv(out)
        assert {"variable", "domain", "level", "estimate", "n_estimated", "note"} <= set(written)
    else:
        text = out.read_text(encoding="utf-8")
        assert "Tasa de ocupación" in text
