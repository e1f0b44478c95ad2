"""Scenarios: the regional default gives the published figures it cites, errors are located."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.errors import InputError
from prisonsurvey.estimation.estimators import estimate
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import load_indicators
from prisonsurvey.questionnaire.indicators.evaluate import evaluate_indicator_columns
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.responses.scenario import load_scenario, resolve_scenario
from prisonsurvey.responses.simulate import TODAY, simulate

# indicator: (low %, high %, source ids in the default scenario that the range comes from)
CITED = {
    "no_own_bed": (5, 50, ["illustrative"]),
    "victim_any_violence": (20, 45, ["enpol2016"]),  # "one in three" victims in the centre
    "victim_sexual_forced": (0.5, 5, ["bjs_nis3"]),  # 2.0% by inmates in 12 months
    "staff_sexual_misconduct": (0.5, 5, ["bjs_nis3"]),  # 2.4% by staff
    "victim_injury": (3, 20, ["illustrative"]),
    "paid_any": (10, 40, ["enpol2021"]),  # 17.2% corruption inside the centre
    "untried_share": (12.7, 67.0, ["wpb"]),  # South America, Uruguay to Paraguay
    "previously_incarcerated": (17.4, 41, ["enpol2021", "idb_celiv"]),
    "with_disability": (3, 20, ["illustrative"]),
    "no_visit_6m": (15, 50, ["illustrative"]),
}


@pytest.fixture(scope="module")
def regional():  # type: ignore[no-untyped-def]
    folder = find_instrument("regional-inmate@1.0.0")
    q = load_questionnaire_or_raise(folder)
    scenario = resolve_scenario(None, q)
    assert scenario is not None and scenario.scenario == "regional-default"
    return q, scenario, load_indicators(folder / "indicators.yaml", q)


def test_default_scenario_gives_the_cited_ranges(regional) -> None:  # type: ignore[no-untyped-def]
    q, scenario, catalogue = regional
    sources = {s.id for s in scenario.sources} | {"illustrative"}
    root = simulate(q, 3000, 5, scenario).tables[None]
    found = {i.id: i for i in catalogue.indicators}
    for name, (low, high, cited) in CITED.items():
        assert set(cited) <= sources, name
        num, universe = evaluate_indicator_columns(found[name], root)
        value = 100 * float(num[universe].mean())
        assert low <= value <= high, (name, value)
    consent = (root["consent"] == 1).groupby(root["facility"]).mean()
    assert 0.8 <= (root["consent"] == 1).mean() <= 0.95
    assert consent.min() < consent.max()  # unit response varies by facility
    minutes = (root["end"] - root["start"]).dt.total_seconds() / 60
    assert minutes.between(30, 120).all() and root["start"].dt.hour.between(8, 16).all()
    cq = compiled(q)
    for question in q.questions():  # constraints are still obeyed
        expr = cq.get(question.name, "constraint")
        if expr is not None and question.name in root.columns:
            ok = evaluate(expr, root, current=question.name, today=TODAY).fillna(True)
            assert ok[root[question.name].notna()].astype(bool).all(), question.name


def test_related_items_correlate_and_facilities_cluster(regional) -> None:  # type: ignore[no-untyped-def]
    q, scenario, catalogue = regional
    codes = np.repeat(np.arange(1, 31), 100)
    root = simulate(q, 3000, 9, scenario, facilities=codes).tables[None]
    injured, threatened = root["vict_injury"] == 1, root["vict_threat"] == 1
    assert threatened[injured].mean() > 2 * threatened[~injured].mean()
    y = (root["vict_theft"] == 1).astype(float)[root["consent"] == 1]
    fac = root.loc[y.index, "facility"]
    means = y.groupby(fac).mean()
    sizes = y.groupby(fac).size()
    deff = float(sizes.mean() * means.var() / y.var())
    assert 1.5 <= deff <= 4.5, deff
    # design effects of the core indicators, 30 facilities of 100 people as one-stage clusters
    found = {i.id: i for i in catalogue.indicators}
    data = pd.DataFrame({"facility": root["facility"].astype(str), "w": 1.0})
    for name in CITED:
        num, universe = evaluate_indicator_columns(found[name], root)
        data[name] = np.where(universe, num.astype(float), np.nan)
    design = design_from_frame(data, DesignSpec(weight="w", psu="facility"))
    deffs = estimate(design, data, list(CITED)).frame.set_index("variable")["deff_replace"]
    assert 1.5 <= float(deffs.median()) <= 4, deffs.round(2).to_dict()
    # conditions of a facility (overcrowding, remand) cluster more than a person's health
    assert min(deffs["no_own_bed"], deffs["untried_share"]) > 2 * deffs["with_disability"]


def test_country_scenario_extends_the_default(regional) -> None:  # type: ignore[no-untyped-def]
    _, default, _ = regional
    here = Path(__file__).resolve().parents[2] / "examples" / "country" / "scenario.yaml"
    arcadia = load_scenario(here)
    assert arcadia.scenario == "arcadia-2026"
    assert arcadia.questions["legal_status"].choices != default.questions["legal_status"].choices
    assert arcadia.questions["vict_injury"] == default.questions["vict_injury"]
    assert {s.id for s in arcadia.sources} == {s.id for s in default.sources}


@pytest.mark.parametrize(
    ("text", "code", "line", "words"),
    [
        (
            "scenario: x\nquestions:\n  vict_injury:\n    choices: {yes: 1, nope: 2}\n",
            "SCN002",
            4,
            "'nope' is not a choice",
        ),
        ("scenario: x\nquestions:\n  vict_injury:\n    choice: {yes: 1}\n", "SCN001", 4, "choice"),
        ("scenario: x\nquestions:\n  no_such:\n    choices: {yes: 1}\n", "SCN002", 3, "no_such"),
        ("scenario: x\nextends: missing.yaml\n", "SCN003", 2, "does not exist"),
        ("scenario: x\nquestions:\n  age:\n    number: {mean: 3}\n", "SCN001", 4, "sd"),
    ],
)
def test_scenario_errors_are_located(  # type: ignore[no-untyped-def]
    regional, tmp_path: Path, text: str, code: str, line: int, words: str
) -> None:
    q = regional[0]
    path = tmp_path / "scenario.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path, q)
    issue = next(iter(err.value.issues))
    assert issue.code == code and issue.location.line == line, issue
    assert words in issue.message and str(path) in str(issue.location)
