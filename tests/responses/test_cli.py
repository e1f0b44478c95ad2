from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prisonsurvey.cli import app

from .conftest import make_project
from .harness import FIXTURES

ZIP = FIXTURES / "central" / "prison_harness.csv.zip"


def test_init_then_bad_instrument(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app, ["init", str(tmp_path / "p"), "--instrument", "regional-inmate@1.0.0", "--json"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["instrument"] == "regional-inmate@1.0.0"
    again = runner.invoke(app, ["init", str(tmp_path / "p")])
    assert again.exit_code == 2 and "PRJ006" in again.output


def test_import_counts_and_exit_codes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(ZIP), "--project", str(project.root), "--json"])
    assert first.exit_code == 0, first.output
    counts = json.loads(first.stdout)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (3, 3, 0)
    second = runner.invoke(app, ["import", str(ZIP), "--project", str(project.root)])
    assert second.exit_code == 0
    assert "new 0" in second.stdout and "unchanged 3" in second.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (FIXTURES / "kobo/prison_harness.xml.csv").read_text().replace('"female"', '"femme"')
    )
    quarantined = runner.invoke(app, ["import", str(bad), "--project", str(project.root), "--json"])
    assert quarantined.exit_code == 1
    assert json.loads(quarantined.stdout)["quarantined"] == 1
    wrong = runner.invoke(
        app, ["import", str(tmp_path / "none.zip"), "--project", str(project.root)]
    )
    assert wrong.exit_code == 2 and "IMP001" in wrong.output
    assert "Traceback" not in wrong.output


def test_simulate_command(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    runner = CliRunner()
    out = tmp_path / "sim.csv.zip"
    result = runner.invoke(
        app,
        [
            "simulate",
            str(project.root),
            "-n",
            "25",
            "--format",
            "central",
            "-o",
            str(out),
            "--seed",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["respondents"] == 25
    imported = runner.invoke(app, ["import", str(out), "--project", str(project.root), "--json"])
    assert imported.exit_code == 0 and json.loads(imported.stdout)["new"] == 25
    bad = runner.invoke(app, ["simulate", str(project.root), "--format", "sav"])
    assert bad.exit_code == 2 and "SIM001" in bad.output
