"""The ``check`` command on a survey project: import simulated exports, check, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.project import init_project
from prisonsurvey.responses import Simulated, import_files
from prisonsurvey.responses.writers import write_export

from .data import regional
from .plant import planted

runner = CliRunner()


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("survey")
    project = init_project(root / "arc", instrument="regional-inmate@1.0.0")
    tables, _, _ = planted()
    export = write_export(
        Simulated(regional(), tables),
        "central",
        root / "export.csv.zip",
        "regional-inmate",
        "1.0.0",
    )
    import_files(project, [export])
    (project.root / "targets.csv").write_text("facility,target\n101,50\n102,50\n103,50\n104,20\n")
    with (project.root / "survey.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "quality:\n"
            "  targets: targets.csv\n"
            "  thresholds: {response_rate: 0.3, nonresponse_rate: 0.3}\n"
        )
    return project.root


def test_check_writes_report_and_fails_on_errors(project_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report" / "quality.html"
    result = runner.invoke(app, ["check", "--project", str(project_dir), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert out.exists() and out.with_suffix(".csv").exists() and out.with_suffix(".json").exists()
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    checks = {f["check"] for f in data["findings"]}
    assert {"constraint", "required", "future_date", "progress_behind"} <= checks
    assert data["summary"]["by_severity"]["error"] > 0


def test_check_json_and_fail_on_never(project_dir: Path) -> None:
    result = runner.invoke(
        app, ["check", "--project", str(project_dir), "--json", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"summary", "findings", "tables"}
    assert {"progress", "nonresponse_by_question"} <= set(data["tables"])
    behind = [f for f in data["findings"] if f["check"] == "progress_behind"]
    assert [f["facility"] for f in behind] == ["104"]


def test_unknown_check_in_survey_yaml_is_bad_input(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", instrument="regional-inmate@1.0.0")
    with (project.root / "survey.yaml").open("a", encoding="utf-8") as fh:
        fh.write("quality:\n  skip: [no_such_check]\n")
    result = runner.invoke(app, ["check", "--project", str(project.root), "--json"])
    assert result.exit_code == 2
    assert [i["code"] for i in json.loads(result.output)["issues"]] == ["QC001"]


def test_bad_threshold_is_located(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", instrument="regional-inmate@1.0.0")
    with (project.root / "survey.yaml").open("a", encoding="utf-8") as fh:
        fh.write("quality:\n  thresholds: {alpha: 2}\n")
    result = runner.invoke(app, ["check", "--project", str(project.root), "--json"])
    assert result.exit_code == 2
    issue = json.loads(result.output)["issues"][0]
    assert issue["code"] == "PRJ004"
    assert issue["location"]["line"] is not None


def test_bad_targets_file_is_located(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", instrument="regional-inmate@1.0.0")
    (project.root / "targets.csv").write_text("facility,target\n101,many\n")
    with (project.root / "survey.yaml").open("a", encoding="utf-8") as fh:
        fh.write("quality:\n  targets: targets.csv\n")
    result = runner.invoke(app, ["check", "--project", str(project.root), "--json"])
    assert result.exit_code == 2
    issue = json.loads(result.output)["issues"][0]
    assert (issue["code"], issue["location"]["row"], issue["location"]["column"]) == (
        "QC012",
        2,
        "target",
    )
