"""The demo runs the whole pipeline on the example survey and every output is usable."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyreadstat
from openpyxl import load_workbook
from typer.testing import CliRunner

from prisonsurvey.cli import app


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "-n", "450", "--json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert steps["design"]["comparability"] == {
        "kept": 284,
        "adapted": 1,
        "not_fielded": 1,
        "added": 9,
    }
    assert steps["fieldwork"]["import"]["quarantined"] == 0
    # 450, less 21 of the 30 in the facility held behind its target, and 3 duplicates
    assert steps["fieldwork"]["import"]["new"] == 432
    weighted = pd.read_csv(out / "analysis" / "weighted.csv", low_memory=False)
    respondents = weighted["responded"] == 1
    # raked to the census totals of examples/country/controls.json
    controls = json.loads((out / "project" / "controls.json").read_text("utf-8"))
    total = sum(row["count"] for row in controls["sex"])
    assert abs(weighted["final_weight"].sum() - total) / total < 1e-9
    by_sex = weighted.loc[respondents].groupby("sex_admin")["final_weight"].sum()
    for row in controls["sex"]:
        assert abs(by_sex[row["sex_admin"]] - row["count"]) / row["count"] < 1e-8
    assert (weighted.loc[~respondents, "final_weight"] == 0).all()
    assert any(c.startswith("repw_") for c in weighted.columns)
    wb = load_workbook(out / "analysis" / "indicators_national.xlsx")
    assert len(wb.sheetnames) > 5
    html = (out / "analysis" / "indicators_national.html").read_text("utf-8")
    assert "<svg" in html
    by_sex = (out / "analysis" / "indicators_by_sex.html").read_text("utf-8")
    assert '<td class="l">Masculino</td>' in by_sex  # domains shown by their labels
    dta, meta = pyreadstat.read_dta(str(out / "analysis" / "arcadia-inmate.dta"))
    assert len(dta) == 432 and "roster_line" not in dta.columns
    assert meta.column_names_to_labels["final_weight"]
    assert (out / "forms" / "arcadia-inmate.xlsx").stat().st_size > 10_000
    assert "codebook" in steps["codebook and files"]
    # the project tabulates itself: store + weights named in survey.yaml + the catalogue
    tab = CliRunner().invoke(
        app,
        ["tabulate", "--project", str(out / "project"), "--indicators", "no_own_bed", "--json"],
    )
    assert tab.exit_code == 0, tab.output
    records = json.loads(tab.stdout)
    assert len(records) == 1 and records[0]["variable"] == "no_own_bed"
    assert 0 <= records[0]["estimate"] <= 100 and records[0]["se"] > 0
    assert (out / "quality" / "report.html").is_file()
    # the quality report finds the planted problems, only those, and no other error
    planted = pd.read_csv(out / "fieldwork" / "planted.csv", dtype=str)
    findings = pd.read_csv(out / "quality" / "findings.csv", dtype=str).fillna("")
    assert set(planted["problem"]) == {
        "duplicate",
        "short_interview",
        "straightlining",
        "copied_answers",
        "outside_hours",
        "facility_behind",
        "constraint_break",
    }
    found = findings.loc[findings["check"].isin(planted["check"])]
    who = found["key"].where(found["key"] != "", found["interviewer"])
    who = who.where(who != "", found["facility"])
    assert sorted(zip(found["check"], who, strict=True)) == sorted(
        zip(planted["check"], planted["key"], strict=True)
    )
    others = findings.loc[~findings["check"].isin(planted["check"])]
    assert (others["severity"] != "error").all(), others.head().to_dict()
    # the project's analysis file carries the final and replicate weights named in survey.yaml
    sav = out / "export" / "arc.sav"
    exported = CliRunner().invoke(
        app, ["export", "data", "--project", str(out / "project"), "-f", "sav", "-o", str(sav)]
    )
    assert exported.exit_code == 0, exported.output
    assert "left out 1 identifying variable(s): roster_line" in exported.stdout
    frame, _ = pyreadstat.read_sav(str(sav))
    assert "final_weight" in frame.columns and "repw_0001" in frame.columns
    assert frame["final_weight"].sum() > 0
    # the demo ends with the regional report of Arcadia, Lusitania and Borealia
    regional = steps["regional report"]
    assert regional["countries"] == "ARC, LUS, BOR"
    report = out / "region" / "report"
    assert Path(regional["report"]) == report / "index.en.html"
    for lang in ("es", "en", "pt", "fr"):
        assert (report / f"index.{lang}.html").is_file()
    cells = pd.read_csv(report / "comparability.csv").set_index(["area", "indicator"])
    classes = cells["comparability"]
    assert classes[("LUS", "no_own_bed")] == "comparable_note"  # crosswalk of sleep_place
    assert "crosswalk" in cells.loc[("LUS", "no_own_bed"), "reasons"]
    assert classes[("BOR", "in_any_programme")] == "not_collected"  # module 10 not fielded
    assert classes[("BOR", "in_paid_work")] == "not_collected"
    assert (classes.loc["ARC"] == "comparable").all()
    figures = pd.read_csv(report / "estimates.csv")
    hidden = figures.loc[(figures["area"] == "BOR") & (figures["indicator"] == "in_paid_work")]
    assert hidden["estimate"].isna().all()
    census = pd.read_csv(report / "census.csv").set_index(["indicator", "area"])
    occupancy = census.loc["occupancy", "estimate"]
    assert occupancy["LUS"] > 150 > occupancy["ARC"] > 100 > occupancy["BOR"]
    assert census.loc[("occupancy", "region"), "numerator"] == sum(
        census.loc[("occupancy", c), "numerator"] for c in ("ARC", "LUS", "BOR")
    )
    assert "replicate (ARC JKn" in (report / "index.en.html").read_text("utf-8")
