"""Checking a store a chunk of rows at a time finds what checking its whole tables finds.

Each project is checked twice: with its tables read whole (``run_checks(project, tables)``)
and from the store in chunks small enough that every table is read in several
(``run_checks(project, rows=...)``, what ``prisonsurvey check`` does). Findings, summary,
summary tables and the written report files must be the same.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.demo import run_demo
from prisonsurvey.project import Project, init_project
from prisonsurvey.quality import (
    QualityConfig,
    QualityReport,
    run_checks,
    write_findings_csv,
    write_findings_json,
    write_report_html,
)
from prisonsurvey.quality.load import load_tables
from prisonsurvey.responses import Simulated, Store, import_files
from prisonsurvey.responses.writers import write_export

from .data import regional
from .plant import DK_QUESTIONS, planted

ROWS = 50
"""Rows per chunk: the planted project's 481 submissions are read in ten chunks."""


def _assert_same(whole: QualityReport, chunked: QualityReport) -> None:
    pd.testing.assert_frame_equal(whole.findings, chunked.findings)
    assert whole.summary == chunked.summary
    assert sorted(whole.tables) == sorted(chunked.tables)
    for name, table in whole.tables.items():
        pd.testing.assert_frame_equal(table, chunked.tables[name])
    assert whole.to_dict() == chunked.to_dict()


def _project(root: Path, tables: dict[str | None, pd.DataFrame], quality: str) -> Project:
    project = init_project(root / "arc", instrument="regional-inmate@1.0.0")
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
        fh.write("quality:\n  targets: targets.csv\n" + quality)
    return Project.open(project.root)


@pytest.fixture(scope="module")
def planted_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The planted problems of the ``check`` command's tests, imported into a project."""
    tables, _, _ = planted()
    return _project(
        tmp_path_factory.mktemp("planted"),
        tables,
        "  thresholds: {response_rate: 0.3, nonresponse_rate: 0.3}\n",
    )


@pytest.fixture(scope="module")
def anomalies(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Planted problems plus duplicates and a facility with much nonresponse, spread out.

    Two submissions of the first chunk are sent again under new keys at the end (the store
    keeps one version of a key, so these are the duplicates it can hold); facility 103
    answers "don't know" to a set of questions; the response-rate limit is set so that every
    facility's rate is judged low.
    """
    tables, _, _ = planted()
    root = tables[None].copy()
    again = root.iloc[[3, 7]].copy()
    again["_key"] = [
        "uuid:00000000-0000-4000-a000-0000000000f3",
        "uuid:00000000-0000-4000-a000-0000000000f7",
    ]
    root = pd.concat([root, again], ignore_index=True)
    fac = root["facility"].astype(float).to_numpy()
    done = (root["consent"] == 1).fillna(False).to_numpy(dtype=bool)
    for col in DK_QUESTIONS:
        at = done & (fac == 103) & root[col].notna().to_numpy()
        root.loc[at, col] = 98
    tables = {**tables, None: root}
    return _project(
        tmp_path_factory.mktemp("anomalies"),
        tables,
        "  thresholds: {response_rate: 0.99, nonresponse_rate: 0.3}\n",
    )


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    out = tmp_path_factory.mktemp("demo") / "demo"
    run_demo(out, respondents=450)
    return Project.open(out / "project")


@pytest.mark.parametrize("rows", [ROWS, 137])
def test_planted_project_chunked_equals_whole(planted_project: Project, rows: int) -> None:
    whole = run_checks(planted_project, load_tables(planted_project))
    chunked = run_checks(planted_project, rows=rows)
    _assert_same(whole, chunked)
    assert {"duplicate_submission", "interviewer_effect", "repeat_count"} <= set(
        whole.findings["check"]
    )


def test_anomalies_across_chunk_boundaries(anomalies: Project) -> None:
    whole = run_checks(anomalies, load_tables(anomalies))
    chunked = run_checks(anomalies, rows=ROWS)
    _assert_same(whole, chunked)
    found = whole.findings
    assert {
        "duplicate_submission",
        "duplicate_person",
        "interviewer_effect",
        "nonresponse_interviewer",
        "nonresponse_facility",
        "response_rate",
        "repeat_count",
    } <= set(found["check"])
    assert "103" in set(found.loc[found["check"] == "nonresponse_facility", "facility"])
    # the duplicates found are rows of different chunks
    with Store.open(anomalies, read_only=True) as store:
        keys = store.responses(anomalies.questionnaire.id, columns=["_key"])["_key"]
    chunk_of = pd.Series(np.arange(len(keys)) // ROWS, index=keys.to_numpy())
    copied = found[found["check"] == "duplicate_submission"]
    assert len(copied) >= 3
    apart = [
        chunk_of[k] != chunk_of[v] for k, v in zip(copied["key"], copied["value"], strict=True)
    ]
    assert sum(apart) >= 3


def test_permutation_test_chunked_equals_whole(anomalies: Project) -> None:
    config = anomalies.config.sections["quality"]
    assert isinstance(config, QualityConfig)
    config = config.model_copy(
        update={"thresholds": config.thresholds.model_copy(update={"permutations": 49})}
    )
    whole = run_checks(anomalies, load_tables(anomalies), config)
    chunked = run_checks(anomalies, config=config, rows=ROWS)
    _assert_same(whole, chunked)
    assert len(whole.tables["interviewer_effects"]) > 10


def test_demo_project_chunked_equals_whole(demo_project: Project) -> None:
    whole = run_checks(demo_project, load_tables(demo_project))
    chunked = run_checks(demo_project, rows=ROWS)
    _assert_same(whole, chunked)
    assert len(whole.findings) > 100


def test_check_command_writes_the_whole_tables_report(anomalies: Project, tmp_path: Path) -> None:
    whole = run_checks(anomalies, load_tables(anomalies))
    expected = tmp_path / "whole"
    expected.mkdir()
    write_report_html(whole, expected / "q.html")
    write_findings_csv(whole, expected / "q.csv")
    write_findings_json(whole, expected / "q.json")
    out = tmp_path / "cli" / "q.html"
    result = CliRunner().invoke(app, ["check", "--project", str(anomalies.root), "-o", str(out)])
    assert result.exit_code == 1, result.output  # errors found
    for name in ("q.html", "q.csv", "q.json"):
        assert filecmp.cmp(expected / name, out.parent / name, shallow=False), name
