"""The contract variables of modules M7-M13 that indicators and analysis code rely on.

Names, types and codes are fixed by the questionnaire's shared design (M7 victimization items
with yes_no_dk_rf, M8 paid_for / paid_any, M9 visit_6m, M11 knows_complaint_channel, M12
prior_incarceration); changing one breaks the catalogue and comparability across versions.
"""

from __future__ import annotations

import pytest

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

YES_NO_DK_RF = {
    "vict_theft",
    "vict_threat_money",
    "vict_threat",
    "vict_injury",
    "vict_sexual_harass",
    "vict_sexual_forced",
    "feel_unsafe",
    "visit_6m",
    "knows_complaint_channel",
    "prior_incarceration",
}
PART_B = (
    "m7_safety",
    "m8_payments",
    "m9_family",
    "m10_programmes",
    "m11_staff",
    "m12_history",
    "m13_release",
)


def _module(q: Questionnaire, name: str) -> Group:
    return next(m for m in q.modules if m.name == name)


@pytest.mark.parametrize("name", sorted(YES_NO_DK_RF))
def test_yes_no_dk_rf_items(inmate_questionnaire: Questionnaire, name: str) -> None:
    q = inmate_questionnaire.question(name)
    assert q.type is QuestionType.SELECT_ONE
    cl = inmate_questionnaire.choice_list(q)
    assert {c.name: c.code for c in cl.choices} == {
        "yes": 1,
        "no": 2,
        "dont_know": 98,
        "refused": 99,
    }
    assert (cl.dont_know, cl.refused) == (98, 99)


def test_payments_and_discrimination(inmate_questionnaire: Questionnaire) -> None:
    paid_for = inmate_questionnaire.question("paid_for")
    assert paid_for.type is QuestionType.SELECT_MULTIPLE
    codes = inmate_questionnaire.choice_list(paid_for).by_name()
    for good in ("roll_call", "devices", "visiting_area", "water", "phone", "health_care"):
        assert good in codes
    for good in ("food", "bed", "protection", "cell_placement", "other", "none"):
        assert good in codes
    assert (codes["none"].code, codes["other"].code) == (95, 96)
    paid_any = inmate_questionnaire.question("paid_any")
    assert paid_any.type is QuestionType.CALCULATE
    assert inmate_questionnaire.question("discrimination").type is QuestionType.SELECT_MULTIPLE


def test_part_b_modules_follow_the_quality_bar(inmate_questionnaire: Questionnaire) -> None:
    langs = set(inmate_questionnaire.languages)
    names = [m.name for m in inmate_questionnaire.modules]
    assert names[-len(PART_B) :] == list(PART_B)
    for name in PART_B:
        module = _module(inmate_questionnaire, name)
        assert module.note, name
        assert set(module.intro) == langs, name
        assert set(module.label) == langs, name
        assert module.relevant is not None and "${consent}" in module.relevant, name
    assert _module(inmate_questionnaire, "m7_safety").sensitive
    assert _module(inmate_questionnaire, "m8_payments").sensitive


def test_force_by_staff_is_self_administered(inmate_questionnaire: Questionnaire) -> None:
    ancestors = inmate_questionnaire.ancestors("force_by_staff")
    assert any(g.sensitive for g in ancestors)


def test_consular_questions_only_for_foreign_nationals(
    inmate_questionnaire: Questionnaire,
) -> None:
    for name in ("consular_informed", "consular_contact"):
        q = inmate_questionnaire.question(name)
        assert q.relevant == "${foreign_national} = 1"


def test_every_required_question_has_a_message(inmate_questionnaire: Questionnaire) -> None:
    langs = set(inmate_questionnaire.languages)
    for name in PART_B:
        for _, item in _walk(_module(inmate_questionnaire, name)):
            if isinstance(item, Question) and item.required is not False:
                assert set(item.required_message) == langs, item.name
            if isinstance(item, Question) and item.constraint:
                assert set(item.constraint_message) == langs, item.name


def _walk(group: Group) -> list[tuple[Group, Question | Group]]:
    out: list[tuple[Group, Question | Group]] = []
    for item in group.items:
        out.append((group, item))
        if isinstance(item, Group):
            out.extend(_walk(item))
    return out
