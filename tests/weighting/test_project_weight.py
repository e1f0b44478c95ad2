"""weight --project: a project without a weighting specification or data is told what to do."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.project import init_project


def test_project_without_specification_or_data(tmp_path: Path) -> None:
    root = tmp_path / "round"
    init_project(root)
    runner = CliRunner()
    no_spec = runner.invoke(app, ["weight", "--project", str(root)])
    assert no_spec.exit_code == 2 and "WGT050" in no_spec.stderr
    text = (root / "survey.yaml").read_text("utf-8")
    spec = Path(__file__).resolve().parents[2] / "weights" / "regional-standard.yaml"
    (root / "survey.yaml").write_text(text + f"weighting: {spec}\n", "utf-8")
    no_data = runner.invoke(app, ["weight", "--project", str(root)])
    assert no_data.exit_code == 2 and "IMP051" in no_data.stderr
    missing = runner.invoke(app, ["weight"])
    assert missing.exit_code == 2
