"""The sample and weight commands: outputs, --json equal to the library result, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.weighting.jobs import weight_file

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "weights" / "regional-standard.yaml"
CONTROLS = ROOT / "tests" / "reference" / "data" / "prison_controls_5k.json"
FRAME = ROOT / "tests" / "reference" / "data" / "prison_frame_5k.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory: pytest.TempPathFactory, sample_all: pd.DataFrame) -> Path:
    d = sample_all.copy()
    d["eligible"] = 1
    d["facility_responded"] = 1
    path = tmp_path_factory.mktemp("cli") / "survey.csv"
    d.to_csv(path, index=False)
    return path


def test_weight_json_equals_library(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "weighted.csv"
    res = runner.invoke(
        app,
        [
            "weight",
            str(data_csv),
            "--spec",
            str(SPEC),
            "--controls",
            str(CONTROLS),
            "-o",
            str(out),
            "--replicates",
            "boot",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout)
    expected = weight_file(data_csv, SPEC, CONTROLS, tmp_path / "again.csv", "boot")
    expected["output"] = str(out)
    assert printed == json.loads(json.dumps(expected, default=str))
    table = pd.read_csv(out)
    assert "final_weight" in table.columns and "repw_0200" in table.columns
    assert table["final_weight"].sum() == pytest.approx(108208, rel=1e-12)


def test_weight_bad_input_exit_2(data_csv: Path, tmp_path: Path) -> None:
    d = pd.read_csv(data_csv)
    d.loc[3, "pi_inmate"] = None
    bad = tmp_path / "bad.csv"
    d.to_csv(bad, index=False)
    res = runner.invoke(
        app,
        [
            "weight",
            str(bad),
            "--spec",
            str(SPEC),
            "--controls",
            str(CONTROLS),
            "-o",
            str(tmp_path / "o.csv"),
            "--json",
        ],
    )
    assert res.exit_code == 2
    issue = json.loads(res.stdout)["issues"][0]
    assert issue["code"] == "WGT021"
    assert issue["location"]["file"] == str(bad) and issue["location"]["row"] == 5
    assert "Traceback" not in res.output


def test_sample_commands(tmp_path: Path) -> None:
    out = tmp_path / "sample.csv"
    res = runner.invoke(
        app,
        [
            "sample",
            "facilities",
            str(FRAME),
            "--spec",
            str(SPEC),
            "-o",
            str(out),
            "--seed",
            "5",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout)
    table = pd.read_csv(out)
    assert printed["selected"] == int(table["selected"].sum()) == 16 * 3
    sheet = tmp_path / "sheet.csv"
    html = tmp_path / "sheet.html"
    res = runner.invoke(
        app,
        [
            "sample",
            "persons",
            "--facility",
            "17",
            "--roster-count",
            "120",
            "--take",
            "30",
            "--seed",
            "9",
            "-o",
            str(sheet),
            "--html",
            str(html),
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(sheet)) == 35 and "<table>" in html.read_text()
    res = runner.invoke(
        app,
        [
            "sample",
            "persons",
            "--facility",
            "17",
            "--roster-count",
            "0",
            "--take",
            "30",
            "--seed",
            "9",
            "-o",
            str(sheet),
        ],
    )
    assert res.exit_code == 2
