"""The shipped regional inmate questionnaire keeps the names, codes and logic analysis relies on.

Covers modules M0-M6: the names, types and choice codes that the indicator catalogue and the
weighting classes use, consent gating every module, and the derived variables (age group, the
UN-CTS crosswalk, time in pretrial detention, WG-SS disability, K6 distress) evaluated on a table
with the project's own evaluator.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Question, Questionnaire, QuestionType

FOLDER = Path(__file__).resolve().parents[2] / "questionnaires" / "regional-inmate" / "1.0.0"
TODAY = dt.date(2026, 11, 25)

# name -> (module, type, choice list)
CONTRACT: dict[str, tuple[str, QuestionType, str | None]] = {
    "facility": ("m0_control", QuestionType.SELECT_ONE, "facility"),
    "roster_line": ("m0_control", QuestionType.INTEGER, None),
    "interviewer_id": ("m0_control", QuestionType.TEXT, None),
    "interview_language": ("m0_control", QuestionType.SELECT_ONE, "interview_language"),
    "interpreter": ("m0_control", QuestionType.SELECT_ONE, "yes_no"),
    "consent": ("m0_control", QuestionType.SELECT_ONE, "yes_no"),
    "age": ("m1_demographics", QuestionType.INTEGER, None),
    "age_group": ("m1_demographics", QuestionType.CALCULATE, "age_group"),
    "sex": ("m1_demographics", QuestionType.SELECT_ONE, "sex"),
    "gender_identity": ("m1_demographics", QuestionType.SELECT_ONE, "gender_identity"),
    "sexual_orientation": ("m1_demographics", QuestionType.SELECT_ONE, "sexual_orientation"),
    "foreign_national": ("m1_demographics", QuestionType.CALCULATE, None),
    "indigenous": ("m1_demographics", QuestionType.SELECT_ONE, "yes_no_dk_rf"),
    "afro_descendant": ("m1_demographics", QuestionType.SELECT_ONE, "yes_no_dk_rf"),
    "wg_seeing": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "wg_hearing": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "wg_walking": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "wg_cognition": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "wg_selfcare": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "wg_communication": ("m1_demographics", QuestionType.SELECT_ONE, "wg_difficulty"),
    "disability": ("m1_demographics", QuestionType.CALCULATE, None),
    "children_under18": ("m1_demographics", QuestionType.INTEGER, None),
    "legal_status": ("m3_legal", QuestionType.SELECT_ONE, "legal_status"),
    "unsentenced_uncts": ("m3_legal", QuestionType.CALCULATE, None),
    "offence_count": ("m3_legal", QuestionType.INTEGER, None),
    "offence_iccs": ("m3_legal", QuestionType.SELECT_ONE, "iccs_section"),
    "sleep_place": ("m5_conditions", QuestionType.SELECT_ONE, "sleep_place"),
    "food_enough": ("m5_conditions", QuestionType.SELECT_ONE, "yes_no_dk_rf"),
    "water_enough": ("m5_conditions", QuestionType.SELECT_ONE, "yes_no_dk_rf"),
    "health_care_needed": ("m6_health", QuestionType.SELECT_ONE, "yes_no_dk_rf"),
    "health_care_received": ("m6_health", QuestionType.SELECT_ONE, "care_received"),
}

# list -> (codes in order, dont_know, refused)
CODES: dict[str, tuple[list[int], int | None, int | None]] = {
    "yes_no": ([1, 2], None, None),
    "yes_no_dk_rf": ([1, 2, 98, 99], 98, 99),
    "frequency": ([1, 2, 3, 4, 98, 99], 98, 99),
    "agreement4": ([1, 2, 3, 4, 98, 99], 98, 99),
    "iccs_section": ([*range(1, 12), 98], 98, None),
    "sex": ([1, 2, 3], None, None),
    "gender_identity": ([1, 2, 3, 4, 5, 98, 99], 98, 99),
    "legal_status": ([1, 2, 3, 4, 98], 98, None),
    "age_group": ([1, 2, 3, 4, 5], None, None),
    "sleep_place": ([1, 2, 3, 4, 5], None, None),
    "wg_difficulty": ([1, 2, 3, 4, 98, 99], 98, 99),
    "care_received": ([1, 2, 3], None, None),
}


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire_or_raise(FOLDER)


def _calc(q: Questionnaire, name: str, rows: list[dict[str, object]]) -> list[float]:
    expr = compiled(q).get(name, "calculation")
    assert expr is not None
    out = evaluate(expr, pd.DataFrame(rows), today=TODAY)
    return [float(v) for v in out]


def _same(got: list[float], expected: list[float]) -> bool:
    return all(
        (math.isnan(g) and math.isnan(e)) or g == e for g, e in zip(got, expected, strict=True)
    )


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_variable_has_its_module_type_and_list(q: Questionnaire, name: str) -> None:
    module, kind, choices = CONTRACT[name]
    question = q.question(name)
    assert q.ancestors(name)[0].name == module
    assert question.type is kind
    assert question.choices == choices


@pytest.mark.parametrize("name", sorted(CODES))
def test_common_list_codes_and_missing_codes(q: Questionnaire, name: str) -> None:
    codes, dont_know, refused = CODES[name]
    choice_list = q.choice_lists[name]
    assert [c.code for c in choice_list.choices] == codes
    assert (choice_list.dont_know, choice_list.refused) == (dont_know, refused)


def test_modules_in_order_and_each_after_m0_needs_consent(q: Questionnaire) -> None:
    names = [m.name for m in q.modules]
    assert names[:7] == [
        "m0_control",
        "m1_demographics",
        "m2_before_arrest",
        "m3_legal",
        "m4_arrest",
        "m5_conditions",
        "m6_health",
    ]
    frame = pd.DataFrame({"consent": [1, 2, None]})
    for module in q.modules[1:]:
        expr = compiled(q).get(module.name, "relevant")
        assert expr is not None, module.name
        assert evaluate(expr, frame).tolist() == [True, False, False], module.name


def test_identifying_and_self_administered_flags(q: Questionnaire) -> None:
    assert q.question("roster_line").identifying
    for name in ("gender_identity", "sexual_orientation", "agg_beaten", "substances_6m"):
        assert q.question(name).sensitive, name
    identifying = {x.name for x in q.questions() if x.identifying}
    assert identifying == {"roster_line"}
    assert "roster_line" not in (q.instance_name or "")


def test_age_group_boundaries(q: Questionnaire) -> None:
    ages = [18, 24, 25, 34, 35, 44, 45, 54, 55, 99]
    got = _calc(q, "age_group", [{"age": a} for a in ages])
    assert got == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_foreign_national_is_missing_when_citizenship_unknown(q: Questionnaire) -> None:
    # 1 national, 2 dual, 3 foreign only, 4 stateless, 98 don't know, 99 refused
    got = _calc(q, "foreign_national", [{"citizenship": c} for c in (1, 2, 3, 4, 98, 99)])
    assert _same(got, [0, 0, 1, 1, math.nan, math.nan])


def test_unsentenced_crosswalks(q: Questionnaire) -> None:
    rows = [{"legal_status": s} for s in (1, 2, 3, 4, 98)]
    assert _same(_calc(q, "unsentenced_uncts", rows), [1, 0, 0, 0, math.nan])
    assert _same(_calc(q, "unsentenced_national", rows), [1, 1, 0, 0, math.nan])


def test_pretrial_days_counts_to_sentence_or_to_today(q: Questionnaire) -> None:
    rows = [
        {"legal_status": 1, "arrest_date": "2026-05-24", "sentence_date": None},
        {"legal_status": 3, "arrest_date": "2020-03-01", "sentence_date": "2021-03-01"},
    ]
    frame = [
        {
            **r,
            "arrest_date": pd.Timestamp(r["arrest_date"]),
            "sentence_date": pd.to_datetime(r["sentence_date"]),
        }
        for r in rows
    ]
    assert _calc(q, "pretrial_days", frame) == [185, 365]


def test_disability_follows_the_washington_group_cut_off(q: Questionnaire) -> None:
    domains = ["wg_seeing", "wg_hearing", "wg_walking", "wg_cognition", "wg_selfcare"]
    base = dict.fromkeys([*domains, "wg_communication"], 1)
    rows = [
        base,
        {**base, "wg_walking": 2},
        {**base, "wg_walking": 3},
        {**base, "wg_communication": 4},
        {**base, "wg_seeing": 98},
    ]
    assert _calc(q, "disability", rows) == [0, 0, 1, 1, 0]


def test_k6_score_and_serious_distress(q: Questionnaire) -> None:
    items = [
        "k6_nervous",
        "k6_hopeless",
        "k6_restless",
        "k6_depressed",
        "k6_effort",
        "k6_worthless",
    ]
    rows = [
        dict.fromkeys(items, 5),  # none of the time: 0 points each
        dict.fromkeys(items, 2),  # most of the time: 3 points each
        {**dict.fromkeys(items, 3), "k6_nervous": 2},  # 2*5 + 3 = 13
        {**dict.fromkeys(items, 1), "k6_hopeless": 98},  # don't know: no score
    ]
    score = _calc(q, "k6_score", rows)
    assert _same(score, [0, 18, 13, math.nan])
    distress = _calc(q, "k6_distress", [{"k6_score": s} for s in score])
    assert _same(distress, [0, 1, 1, math.nan])


def test_children_roster_and_offence_roster_are_counted_repeats(q: Questionnaire) -> None:
    children = q.repeat_of("child_carer")
    offences = q.repeat_of("offence_iccs")
    assert children is not None and children.repeat_count == "${children_under18}"
    assert offences is not None and offences.repeat_count == "${offence_count}"
    assert isinstance(q.question("children_in_facility"), Question)
