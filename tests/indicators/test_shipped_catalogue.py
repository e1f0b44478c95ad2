"""The shipped catalogue refers to real questions and evaluates to hand-computed values.

The five respondents below (A-E) are written by hand, one value per question the catalogue
uses, with codes from questionnaires/regional-inmate/1.0.0 (choices.yaml, choices_part2.yaml):
1 yes, 2 no, 98 don't know, 99 refused unless noted. Every expected column is worked out from
the indicator definitions in indicators.yaml, row by row (NaN = outside the universe).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.questionnaire.expressions import Ref, parse
from prisonsurvey.questionnaire.indicators import (
    IndicatorCatalogue,
    IndicatorKind,
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
)
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType

NA = np.nan

# Columns: respondent A, B, C, D, E.
RESPONSES: dict[str, list[object]] = {
    # M1 profile. disability is the WG-SS calculate (1 if any domain is 3 or 4).
    "age": [30, 45, 22, 60, 19],
    "disability": [0, 1, 0, 1, 0],
    "wg_seeing": [1, 3, 1, 1, 2],
    "wg_hearing": [1, 1, 98, 1, 2],
    "wg_walking": [1, 1, 1, 4, 2],
    "wg_cognition": [1, 1, 1, 99, 2],
    "wg_selfcare": [1, 1, 1, 1, 2],
    "wg_communication": [1, 1, 1, 1, 2],
    "children_under18": [2, 0, 3, NA, 1],
    "foreign_national": [1, 0, NA, 1, 0],
    # M3: 1 untried, 2 convicted under appeal, 3 sentenced final, 98 don't know.
    "legal_status": [1, 3, 98, 2, 1],
    # M5: sleep_place 1 own bed, 2 shared, 3 mattress on floor, 5 other.
    "sleep_place": [1, 3, NA, 5, 2],
    "food_enough": [1, 2, 98, 2, 1],
    "water_enough": [2, 1, 99, 2, 1],
    # M6: health_care_received 1 always, 2 sometimes, 3 never.
    "health_care_needed": [1, 1, 2, 1, 2],
    "health_care_received": [3, 1, NA, 2, NA],
    # M7.
    "vict_theft": [1, 2, 98, 2, 2],
    "vict_threat_money": [2, 2, 2, 1, 2],
    "vict_threat": [2, 2, 2, 2, 2],
    "vict_injury": [2, 2, 2, 1, 2],
    "vict_sexual_harass": [2, 1, 2, 2, 2],
    "vict_sexual_forced": [2, 99, 2, 2, 2],
    "vict_theft_reported": [1, NA, NA, NA, NA],
    "vict_threat_money_reported": [NA, NA, NA, 1, NA],
    "vict_threat_reported": [NA, NA, NA, NA, NA],
    "vict_injury_reported": [NA, NA, NA, 2, NA],
    "vict_sexual_harass_reported": [NA, 2, NA, NA, NA],
    "vict_sexual_forced_reported": [NA, NA, NA, NA, NA],
    "vict_staff_sexual": [2, 99, 2, 1, 2],
    "feel_unsafe": [1, 2, 98, 1, 2],
    # select_multiple as space-separated codes; 95 none, 98 don't know, 99 refused.
    "discrimination": ["7 12", "95", "98", "1", "95"],
    # M8.
    "paid_for": ["4 8", "95", "99", "9", "95"],
    "self_government": [1, 2, 98, 1, 2],
    # M9: phone_6m 1 when needed, 2 with difficulty, 3 never.
    "visit_6m": [2, 1, 98, 1, 2],
    "phone_6m": [3, 1, 98, 2, 1],
    "consular_contact": [2, NA, NA, 1, NA],
    # M10.
    "study_now": [2, 1, 2, 98, 2],
    "work_now": [1, 2, 2, 2, 2],
    "vocational_6m": [2, 2, 2, 1, 2],
    "work_hours": [40, NA, NA, NA, NA],
    "drug_treatment_need": [2, 1, 98, 1, 2],
    "drug_treatment": [NA, 2, NA, 1, NA],
    # M11.
    "isolation_6m": [1, 2, 1, 1, 2],
    "isolation_days": [20, NA, NA, 10, NA],
    "force_by_staff": [1, 2, 99, 98, 2],
    "knows_complaint_channel": [2, 1, 98, 1, 2],
    "fear_retaliation": [1, 2, 98, 1, 2],
    # M12, M13: release_housing 1 family/own, 2 elsewhere, 3 nowhere.
    "prior_incarceration": [1, 2, 98, 1, 2],
    "release_housing": [3, 1, 98, 2, 1],
}

EXPECTED_NUMERATOR: dict[str, list[float]] = {
    "no_own_bed": [0, 1, NA, 1, 1],
    "food_insufficient": [0, 1, NA, 1, 0],
    "water_insufficient": [1, 0, NA, 1, 0],
    "health_care_denied": [1, 0, NA, 0, NA],
    "victim_any_violence": [1, 1, NA, 1, 0],  # C: a don't know and no yes
    "victim_sexual_violence": [0, 1, 0, 0, 0],  # B: harassment yes, forced refused
    "victim_sexual_forced": [0, NA, 0, 0, 0],
    "staff_sexual_misconduct": [0, NA, 0, 1, 0],
    "victim_injury": [0, 0, 0, 1, 0],
    "victim_extortion": [0, 0, 0, 1, 0],
    "victimization_reported": [1, 0, NA, 1, NA],
    "feel_unsafe": [1, 0, NA, 1, 0],
    "discriminated": [1, 0, NA, 1, 0],
    "paid_any": [1, 0, NA, 1, 0],
    "inmate_self_government": [1, 0, NA, 1, 0],
    "no_visit_6m": [1, 0, NA, 0, 1],
    "no_phone_6m": [1, 0, NA, 0, 0],
    "no_consular_contact": [1, NA, NA, 0, NA],
    "in_any_programme": [1, 1, 0, 1, 0],  # D: study don't know, but a vocational course
    "in_paid_work": [1, 0, 0, 0, 0],
    "mean_work_hours": [40, NA, NA, NA, NA],
    "drug_treatment_gap": [NA, 1, NA, 0, NA],
    "prolonged_solitary": [1, 0, NA, 0, 0],  # C: isolated, days unknown
    "force_by_staff": [1, 0, NA, NA, 0],
    "knows_complaint_channel": [0, 1, NA, 1, 0],
    "fear_retaliation": [1, 0, NA, 1, 0],
    "previously_incarcerated": [1, 0, NA, 1, 0],
    "no_housing_on_release": [1, 0, NA, 0, 0],
    "mean_age": [30, 45, 22, 60, 19],
    "untried_share": [1, 0, NA, 0, 1],
    "with_disability": [0, 1, NA, 1, 0],  # C: hearing don't know, no difficulty elsewhere
    "parent_of_minor": [1, 0, 1, NA, 1],
    "children_under18_total": [2, 0, 3, NA, 1],
}

# Ratio indicators: types of event reported / types experienced (A 1/1, B 0/1, D 1/2).
EXPECTED_DENOMINATOR: dict[str, list[float]] = {
    "victimization_reported": [1, 1, NA, 2, NA],
}

REQUIRED_IDS = {
    "no_own_bed",
    "food_insufficient",
    "water_insufficient",
    "health_care_denied",
    "victim_any_violence",
    "victim_sexual_violence",
    "paid_any",
    "feel_unsafe",
    "no_visit_6m",
    "previously_incarcerated",
    "knows_complaint_channel",
    "mean_age",
    "untried_share",
    "with_disability",
    "parent_of_minor",
}


def _frame() -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for name, values in RESPONSES.items():
        if any(isinstance(v, str) for v in values):
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = pd.Series(values, dtype="float64").astype("Int64")
    return pd.DataFrame(data)


def _refs(source: str) -> set[str]:
    return {node.name for node in parse(source).walk() if isinstance(node, Ref)}


def test_catalogue_covers_the_required_indicators(inmate_catalogue: IndicatorCatalogue) -> None:
    ids = inmate_catalogue.ids()
    assert len(ids) >= 15
    assert len(set(ids)) == len(ids)
    assert set(ids) >= REQUIRED_IDS


def test_every_indicator_uses_real_root_questions(
    inmate_catalogue: IndicatorCatalogue, inmate_questionnaire: Questionnaire
) -> None:
    names = {q.name: q for q in inmate_questionnaire.questions()}
    for ind in inmate_catalogue.indicators:
        for role, source in ind.expressions().items():
            for ref in _refs(source):
                assert ref in names, (ind.id, role, ref)
                assert inmate_questionnaire.repeat_of(ref) is None, (ind.id, ref)
        for by in ind.breakdowns:
            assert by in names, (ind.id, by)
            assert names[by].type not in (QuestionType.TEXT, QuestionType.SELECT_MULTIPLE)


def test_every_title_in_every_language(
    inmate_catalogue: IndicatorCatalogue, inmate_questionnaire: Questionnaire
) -> None:
    for ind in inmate_catalogue.indicators:
        assert set(ind.title) == set(inmate_questionnaire.languages), ind.id
        if ind.description:
            assert set(ind.description) == set(inmate_questionnaire.languages), ind.id


def test_the_hand_built_frame_covers_every_referenced_question(
    inmate_catalogue: IndicatorCatalogue,
) -> None:
    used = {
        ref
        for ind in inmate_catalogue.indicators
        for s in ind.expressions().values()
        for ref in _refs(s)
    }
    assert used == set(RESPONSES)
    assert set(EXPECTED_NUMERATOR) == set(inmate_catalogue.ids())


@pytest.mark.parametrize("indicator_id", sorted(EXPECTED_NUMERATOR))
def test_indicator_evaluates_to_hand_computed_values(
    inmate_catalogue: IndicatorCatalogue, indicator_id: str
) -> None:
    ind = inmate_catalogue.get(indicator_id)
    frame = _frame()
    numerator, universe = evaluate_indicator_columns(ind, frame)
    expected = EXPECTED_NUMERATOR[indicator_id]
    assert universe.dtype == bool
    assert universe.tolist() == [not math.isnan(v) for v in expected]
    np.testing.assert_array_equal(numerator.to_numpy(), np.array(expected, dtype=float))
    denominator = evaluate_indicator_denominator(ind, frame)
    if ind.kind in (IndicatorKind.RATIO, IndicatorKind.RATE):
        want = EXPECTED_DENOMINATOR[indicator_id]
    else:
        want = [1.0 if not math.isnan(v) else NA for v in expected]
    np.testing.assert_array_equal(denominator.to_numpy(), np.array(want, dtype=float))


def test_reporting_ratio_over_victims(inmate_catalogue: IndicatorCatalogue) -> None:
    ind = inmate_catalogue.get("victimization_reported")
    frame = _frame()
    num, _ = evaluate_indicator_columns(ind, frame)
    den = evaluate_indicator_denominator(ind, frame)
    # Unweighted: (1 + 0 + 1) / (1 + 1 + 2) types reported among victims A, B and D.
    assert num.sum() / den.sum() == pytest.approx(0.5)
    assert ind.scale == 100.0


@pytest.mark.parametrize("code", [98, 99])
def test_dont_know_and_refused_are_never_in_a_universe(
    inmate_catalogue: IndicatorCatalogue, inmate_questionnaire: Questionnaire, code: int
) -> None:
    """A respondent who answered every question with don't know (or refused) counts nowhere."""
    columns: dict[str, pd.Series] = {}
    for name in RESPONSES:
        q = inmate_questionnaire.question(name)
        if q.type is QuestionType.SELECT_MULTIPLE:
            columns[name] = pd.Series([str(code)], dtype=object)
        elif q.type is QuestionType.SELECT_ONE:
            codes = inmate_questionnaire.choice_list(q).by_code()
            columns[name] = pd.Series([code if code in codes else pd.NA], dtype="Int64")
        else:
            columns[name] = pd.Series([pd.NA], dtype="Int64")
    frame = pd.DataFrame(columns)
    for ind in inmate_catalogue.indicators:
        _, universe = evaluate_indicator_columns(ind, frame)
        assert not universe.any(), ind.id
