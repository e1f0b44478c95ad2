"""Planted fieldwork problems: quality checks find those, only those, and nothing on clean data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.quality import QualityConfig, run_checks
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.plant import CHECKS, DEFAULT_PLANT, Plant, load_plant, plant
from prisonsurvey.responses.scenario import resolve_scenario
from prisonsurvey.responses.simulate import TODAY, Simulated, simulate

N = 600


@pytest.fixture(scope="module")
def regional() -> Questionnaire:
    return load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))


def _fieldwork(q: Questionnaire) -> Simulated:
    """600 interviews in 10 facilities, one roster line per person, as in the demo."""
    facilities = np.sort(np.array([str(1001 + i % 10) for i in range(N)]))
    sim = simulate(q, N, seed=21, scenario=resolve_scenario(None, q), facilities=facilities)
    sim.tables[None]["roster_line"] = pd.array(np.arange(1, N + 1), dtype="Int64")
    return sim


def _found(findings: pd.DataFrame) -> set[tuple[str, str]]:
    who = findings["key"].where(findings["key"] != "", findings["interviewer"])
    who = who.where(who != "", findings["facility"])
    return set(zip(findings["check"], who.astype(str), strict=True))


def test_clean_simulation_has_no_error(regional: Questionnaire) -> None:
    sim = _fieldwork(regional)
    report = run_checks(regional, sim.tables, QualityConfig(), today=TODAY)
    severe = report.findings.loc[report.findings["severity"] == "error"]
    assert severe.empty, severe[["check", "key", "question", "message"]].head()


def test_planted_problems_are_found_and_only_they(regional: Questionnaire) -> None:
    sim = _fieldwork(regional)
    planted = plant(sim, DEFAULT_PLANT, seed=21)
    problems = planted.problems
    assert set(problems["problem"]) == set(CHECKS)  # every kind of problem planted
    counts = problems.loc[problems["check"] == problems["problem"].map(CHECKS), "problem"]
    assert counts.value_counts().to_dict() == {
        "duplicate": 3,
        "short_interview": 6,
        "straightlining": 1,
        "copied_answers": 3,  # the interview copied from, and its two copies
        "outside_hours": 4,
        "facility_behind": 1,
        "constraint_break": 3,
    }
    config = QualityConfig.model_validate({"targets": planted.targets})
    report = run_checks(regional, sim.tables, config, today=TODAY)
    findings = report.findings
    checked = findings.loc[findings["check"].isin(problems["check"])]
    assert _found(checked) == set(zip(problems["check"], problems["key"], strict=True))
    assert len(checked) == len(problems)
    others = findings.loc[~findings["check"].isin(problems["check"])]
    assert set(others["severity"]) <= {"info"}, others[["check", "message"]].head()


def test_plant_is_deterministic(regional: Questionnaire) -> None:
    a, b = _fieldwork(regional), _fieldwork(regional)
    pa, pb = plant(a, DEFAULT_PLANT, seed=3), plant(b, DEFAULT_PLANT, seed=3)
    pd.testing.assert_frame_equal(pa.problems, pb.problems)
    pd.testing.assert_frame_equal(a.tables[None], b.tables[None])


def test_plant_file_is_read_and_its_errors_located(tmp_path: Path) -> None:
    good = tmp_path / "plant.yaml"
    good.write_text("duplicates: 1\ncopied: 0\n", "utf-8")
    assert load_plant(good) == Plant(duplicates=1, copied=0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("duplicates: 1\nfabricate: 3\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_plant(bad)
    issue = next(iter(err.value.issues))
    assert issue.code == "SCN004" and issue.location.line == 2 and "fabricate" in issue.message


def test_constraint_breaks_arrive_with_the_old_form_version(
    regional: Questionnaire, tmp_path: Path
) -> None:
    import zipfile
    from xml.etree import ElementTree

    from prisonsurvey.responses.writers import write_central, write_kobo, write_xml

    sim = _fieldwork(regional)
    problems = plant(sim, Plant(old_form_version="2025-pilot"), seed=21).problems
    broken = set(problems.loc[problems["problem"] == "constraint_break", "key"])
    assert len(broken) == 3
    expected = {
        str(k): ("2025-pilot" if k in broken else "001000000") for k in sim.tables[None]["_key"]
    }
    central = write_central(sim, tmp_path / "c.zip", regional.id, "001000000")
    with zipfile.ZipFile(central) as zf:
        root = pd.read_csv(zf.open(f"{regional.id}.csv"), dtype=str)
    assert dict(zip(root["KEY"], root["FormVersion"], strict=True)) == expected
    kobo = pd.read_csv(
        write_kobo(sim, tmp_path / "k.csv", "001000000", as_csv=True), sep=";", dtype=str
    )
    assert dict(zip(kobo["meta/rootUuid"], kobo["__version__"], strict=True)) == expected
    folder = write_xml(sim, tmp_path / "xml", regional.id, "001000000")
    for key in broken:
        doc = ElementTree.parse(folder / f"{key.removeprefix('uuid:')}.xml").getroot()
        assert doc.get("version") == "2025-pilot"
