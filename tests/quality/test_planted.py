"""Simulated data: clean data raises nothing; planted problems raise exactly their findings."""

from __future__ import annotations

import pytest

from prisonsurvey.quality import QualityReport, registered, run_checks

from .data import TARGETS, TODAY, clean, config, regional
from .plant import DK_INTERVIEWER, EFFECT_INTERVIEWER, ident, planted


@pytest.fixture(scope="module")
def report() -> QualityReport:
    tables, targets, _ = planted()
    return run_checks(regional(), tables, config(targets={**TARGETS, **targets}), today=TODAY)


def test_clean_simulation_raises_nothing() -> None:
    report = run_checks(regional(), clean(), config(), today=TODAY)
    assert report.findings.empty, report.findings[["check", "key", "question"]]
    assert report.summary["notes"] == []
    assert {c["check"] for c in report.summary["checks"]} == set(registered())


def test_planted_problems_raise_exactly_their_findings(report: QualityReport) -> None:
    _, _, expected = planted()
    found = ident(report.findings)
    assert found - expected == set()
    assert expected - found == set()
    assert len(report.findings) == len(expected)


def test_every_row_check_family_is_planted(report: QualityReport) -> None:
    checks = set(report.findings["check"])
    assert checks >= {
        "constraint",
        "required",
        "answered_not_relevant",
        "repeat_count",
        "consistency",
        "future_date",
        "duplicate_submission",
        "duplicate_person",
        "device_overlap",
        "duration_short",
        "outside_hours",
        "straightlining",
        "interviewer_effect",
        "nonresponse_interviewer",
        "nonresponse_question",
        "progress_behind",
    }


def test_interviewer_tables(report: QualityReport) -> None:
    effects = report.tables["interviewer_effects"].set_index("question")
    assert effects.loc["food_enough", "most_different"] == EFFECT_INTERVIEWER
    assert effects.loc["food_enough", "q"] < 0.01
    rates = report.tables["nonresponse_by_interviewer"].set_index("interviewer")
    assert rates["dont_know_rate"].idxmax() == DK_INTERVIEWER
    durations = report.tables["duration_by_interviewer"].set_index("interviewer")
    assert durations["completed"].sum() == report.summary["completed"]
    progress = report.tables["progress"].set_index("facility")
    assert progress.loc["104", ["completed", "target"]].tolist() == [0, 20]
    assert progress.loc["101", "name"] != ""  # the facility's label
    assert progress.loc["104", "name"] == ""  # a target for a facility the list lacks


def test_identifying_values_hidden(report: QualityReport) -> None:
    dup = report.findings[report.findings["check"] == "duplicate_person"]
    assert (dup["value"].str.contains("[identifying]", regex=False)).all()


def test_severity_and_selection_from_config() -> None:
    tables, _, _ = planted()
    cfg = config(
        checks=("duration_short", "outside_hours"),
        skip=("outside_hours",),
        severity={"duration_short": "error"},
    )
    report = run_checks(regional(), tables, cfg, today=TODAY)
    assert set(report.findings["check"]) == {"duration_short"}
    assert set(report.findings["severity"]) == {"error"}
    assert report.count_at_least("error") == 1
