"""The facility census form: modules, four complete languages, and its consistency constraints.

Constraints are evaluated with the project's evaluator on hand-built facility rows: a consistent
row passes and a row breaking the rule fails, as ODK Collect would accept or refuse it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

FOLDER = Path(__file__).resolve().parents[2] / "questionnaires" / "facility-census" / "1.0.0"
TEXT_FIELDS = (
    "label",
    "hint",
    "guidance_hint",
    "show_card",
    "constraint_message",
    "required_message",
)


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire_or_raise(FOLDER)


def _ok(q: Questionnaire, name: str, rows: list[dict[str, Any]]) -> list[bool]:
    """Evaluate the constraint of ``name`` on rows where ``name`` holds the answer."""
    frame = pd.DataFrame(rows)
    expr = compiled(q).get(name, "constraint")
    assert expr is not None, name
    return [bool(v) for v in evaluate(expr, frame, current=name)]


def _calc(q: Questionnaire, name: str, rows: list[dict[str, Any]]) -> list[float]:
    expr = compiled(q).get(name, "calculation")
    assert expr is not None, name
    return [float(v) for v in evaluate(expr, pd.DataFrame(rows))]


def test_modules_in_order_with_source_notes(q: Questionnaire) -> None:
    assert [m.name for m in q.modules] == [
        "f1_identity",
        "f2_capacity",
        "f3_stock",
        "f4_flows",
        "f5_offences",
        "f6_incidents",
        "f7_staff",
        "f8_programmes",
        "f10_data_quality",
    ]
    for module in q.modules:
        assert module.note and len(module.note) > 60, module.name
        assert set(module.intro) == {"es", "en", "pt", "fr"}, module.name


def test_every_text_in_four_languages(q: Questionnaire) -> None:
    langs = {"es", "en", "pt", "fr"}
    for _, item in q.walk():
        fields = TEXT_FIELDS if isinstance(item, Question) else ("label", "intro")
        for field in fields:
            text = getattr(item, field, {})
            if text:
                assert set(text) == langs, (item.name, field)
                assert all(v.strip() for v in text.values()), (item.name, field)
        if isinstance(item, Question) and item.type is not QuestionType.CALCULATE:
            assert set(item.label) == langs, item.name
    for clist in q.choice_lists.values():
        for choice in clist.choices:
            assert set(choice.label) == langs, (clist.name, choice.code)


def test_each_section_declares_where_its_figures_come_from(q: Questionnaire) -> None:
    sources = [x.name for x in q.questions() if x.choices == "data_source"]
    assert sources == [
        "capacity_source",
        "stock_source",
        "flows_source",
        "offence_source",
        "incidents_source",
        "staff_source",
        "programmes_source",
    ]
    assert q.choice_lists["data_source"].not_applicable == 98


def test_respondent_name_is_the_only_identifier(q: Questionnaire) -> None:
    assert [x.name for x in q.questions() if x.identifying] == ["respondent_name"]
    assert q.choice_lists["facility"].local


def test_totals_add_the_cells(q: Questionnaire) -> None:
    row = {
        "stock_male_untried": 120,
        "stock_male_appeal": 30,
        "stock_male_final": 240,
        "stock_male_measure": None,
    }
    assert _calc(q, "stock_male", [row]) == [390.0]
    assert _calc(q, "stock_total", [{"stock_male": 390, "stock_female": None}]) == [390.0]
    assert _calc(
        q,
        "stock_unsentenced_national",
        [
            {
                "stock_male_untried": 120,
                "stock_female_untried": 10,
                "stock_male_appeal": 30,
                "stock_female_appeal": 2,
            }
        ],
    ) == [162.0]


def test_ages_must_add_up_to_the_total_by_sex(q: Questionnaire) -> None:
    base = {
        "stock_male": 100,
        "stock_male_age_u18": None,
        "stock_male_age_18_24": 20,
        "stock_male_age_25_34": 30,
        "stock_male_age_35_44": 25,
        "stock_male_age_45_59": 15,
    }
    good = {**base, "stock_male_age_60p": 10}
    bad = {**base, "stock_male_age_60p": 11}
    assert _ok(q, "stock_male_age_60p", [good, bad]) == [True, False]


def test_deaths_by_cause_add_up_to_total_deaths(q: Questionnaire) -> None:
    causes = {
        "deaths_natural": 3,
        "deaths_suicide": 1,
        "deaths_homicide": 0,
        "deaths_accident": 0,
        "deaths_overdose": 1,
    }
    rows = [
        {**causes, "deaths_total": 5, "deaths_unknown": 0},
        {**causes, "deaths_total": 6, "deaths_unknown": 0},
    ]
    assert _ok(q, "deaths_unknown", rows) == [True, False]


@pytest.mark.parametrize(
    ("name", "context", "good", "bad"),
    [
        ("stock_pregnant", {"stock_female": 40}, 3, 41),
        ("stock_mothers_with_children", {"stock_female": 40}, 5, 41),
        ("children_living", {"stock_mothers_with_children": 5}, 6, 4),
        ("stock_foreign", {"stock_total": 500}, 25, 501),
        ("places_closed_unfit", {"capacity_official": 300}, 20, 301),
        ("admissions_pretrial", {"admissions_total": 900}, 600, 901),
        ("complaints_resolved", {"complaints_received": 50}, 45, 51),
        ("water_hours", {}, 24, 25),
        ("reference_year", {}, 2025, 1999),
    ],
)
def test_bounded_counts(
    q: Questionnaire, name: str, context: dict[str, int], good: int, bad: int
) -> None:
    assert _ok(q, name, [{**context, name: good}, {**context, name: bad}]) == [True, False]


def test_offences_add_up_under_the_most_serious_offence_rule(q: Questionnaire) -> None:
    cells = {f"offence_iccs{c:02d}": 10 for c in range(1, 12)}
    rows = [
        {
            **cells,
            "offence_classified": 110,
            "offence_counting_rule": 1,
            "stock_total": 115,
            "offence_unknown": 5,
        },
        {
            **cells,
            "offence_classified": 110,
            "offence_counting_rule": 1,
            "stock_total": 115,
            "offence_unknown": 4,
        },
        # counting every offence: people may appear more than once, no sum to check
        {
            **cells,
            "offence_classified": 110,
            "offence_counting_rule": 2,
            "stock_total": 90,
            "offence_unknown": 4,
        },
    ]
    assert _ok(q, "offence_unknown", rows) == [True, False, True]


def test_none_is_exclusive_among_services(q: Questionnaire) -> None:
    assert _ok(q, "services", [{"services": "1 3"}, {"services": "99"}, {"services": "1 99"}]) == [
        True,
        True,
        False,
    ]


def test_women_sections_only_where_women_are_held(q: Questionnaire) -> None:
    expr = compiled(q).get("stock_female_block", "relevant")
    assert expr is not None
    frame = pd.DataFrame({"sexes_held": [1, 2, 3]})
    assert evaluate(expr, frame).tolist() == [False, True, True]
    block = next(i for _, i in q.walk() if isinstance(i, Group) and i.name == "stock_female_block")
    assert block.relevant is not None
