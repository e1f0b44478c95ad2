"""A broken catalogue gives located issues with stable IND codes; evaluation edge cases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError, Severity, UsageError
from prisonsurvey.questionnaire.expressions import ExpressionError
from prisonsurvey.questionnaire.indicators import (
    Indicator,
    IndicatorKind,
    check_indicators,
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
    load_indicators,
)
from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)

LANGS = ("es", "en")
T = {"es": "x", "en": "x"}


def _questionnaire() -> Questionnaire:
    yn = ChoiceList(
        name="yes_no_dk",
        dont_know=98,
        choices=(
            Choice(code=1, name="yes", label=T),
            Choice(code=2, name="no", label=T),
            Choice(code=98, name="dont_know", label=T),
        ),
    )
    bed = ChoiceList(
        name="sleep",
        choices=(Choice(code=1, name="own_bed", label=T), Choice(code=2, name="floor", label=T)),
    )
    items = (
        Question(name="sleep_place", type=QuestionType.SELECT_ONE, choices="sleep", label=T),
        Question(name="safe", type=QuestionType.SELECT_ONE, choices="yes_no_dk", label=T),
        Question(name="sex", type=QuestionType.SELECT_ONE, choices="yes_no_dk", label=T),
        Question(name="age", type=QuestionType.INTEGER, label=T),
        Question(name="paid_for", type=QuestionType.SELECT_MULTIPLE, choices="sleep", label=T),
        Question(name="comment", type=QuestionType.TEXT, label=T),
        Question(name="flag", type=QuestionType.CALCULATE, calculation="1"),
        Question(name="visits", type=QuestionType.INTEGER, label=T),
        Question(name="calls", type=QuestionType.INTEGER, label=T),
        Group(
            name="children",
            type="repeat",
            label=T,
            repeat_count="2",
            items=(Question(name="child_age", type=QuestionType.INTEGER, label=T),),
        ),
    )
    return Questionnaire(
        id="mini",
        version="1.0.0",
        title=T,
        languages=LANGS,
        default_language="es",
        modules=(Group(name="m1", label=T, items=items),),
        choice_lists={"yes_no_dk": yn, "sleep": bed},
    )


GOOD = """\
instrument: mini
default_breakdowns: [sex]
indicators:
  - id: no_own_bed
    title: {es: Sin cama propia, en: No own bed}
    kind: proportion
    numerator: ${sleep_place} != 'own_bed'
    universe: ${sleep_place} != ''
    reference: Mandela Rules 19-21
  - id: mean_age
    title: {es: Edad media, en: Mean age}
    kind: mean
    variable: ${age}
    universe: ${age} >= 18
    breakdowns: [sex, sleep_place]
    unit: years
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def _issues(tmp_path: Path, text: str) -> list[tuple[str, int | None, int | str | None]]:
    result = check_indicators(_write(tmp_path, text), _questionnaire())
    return [(i.code, i.location.line, i.location.column) for i in result.issues]


def test_good_catalogue_loads_with_defaults(tmp_path: Path) -> None:
    cat = load_indicators(_write(tmp_path, GOOD), _questionnaire())
    assert cat.instrument == "mini"
    assert cat.ids() == ["no_own_bed", "mean_age"]
    bed = cat.get("no_own_bed")
    assert bed.breakdowns == ("sex",)  # default_breakdowns
    assert bed.unit == "percent"
    assert bed.scale == 100.0
    assert bed.resolved is not None
    assert bed.resolved.numerator == "${sleep_place} != 1"  # choice name -> code
    assert cat.get("mean_age").breakdowns == ("sex", "sleep_place")
    with pytest.raises(KeyError):
        cat.get("nope")


def test_unknown_reference_points_at_the_reference(tmp_path: Path) -> None:
    text = GOOD.replace("numerator: ${sleep_place}", "numerator: ${sleep_plac}")
    line, col = _pos(text, "${sleep_plac}")
    assert _issues(tmp_path, text) == [("IND011", line, col)]


def test_syntax_error_is_located(tmp_path: Path) -> None:
    text = GOOD.replace("universe: ${age} >= 18", "universe: ${age} >= ")
    issues = _issues(tmp_path, text)
    assert [code for code, _, _ in issues] == ["IND010"]
    assert issues[0][1] == _pos(text, "universe: ${age}")[0]


def test_unknown_choice_name(tmp_path: Path) -> None:
    text = GOOD.replace("'own_bed'", "'own_bedd'")
    line, col = _pos(text, "'own_bedd'")
    assert _issues(tmp_path, text) == [("IND012", line, col)]


def test_selected_on_select_one_does_not_fit(tmp_path: Path) -> None:
    text = GOOD.replace(
        "numerator: ${sleep_place} != 'own_bed'", "numerator: selected(${sleep_place}, 'floor')"
    )
    assert [c for c, _, _ in _issues(tmp_path, text)] == ["IND012"]


def test_unknown_and_unusable_breakdowns(tmp_path: Path) -> None:
    text = GOOD.replace("breakdowns: [sex, sleep_place]", "breakdowns: [sexx, comment, paid_for]")
    assert _issues(tmp_path, text) == [
        ("IND020", *_pos(text, "sexx")),
        ("IND021", *_pos(text, "comment")),
        ("IND021", *_pos(text, "paid_for]")),
    ]


def test_breakdown_inside_a_repeat(tmp_path: Path) -> None:
    text = GOOD.replace("default_breakdowns: [sex]", "default_breakdowns: [child_age]")
    assert _issues(tmp_path, text) == [("IND021", *_pos(text, "child_age"))]


def test_missing_translation_and_extra_language(tmp_path: Path) -> None:
    text = GOOD.replace("{es: Sin cama propia, en: No own bed}", "{es: Sin cama propia, fr: Lit}")
    result = check_indicators(_write(tmp_path, text), _questionnaire())
    got = [(i.code, i.location.line, i.location.column, i.severity) for i in result.issues]
    line, col = _pos(text, "{es: Sin cama")
    assert got == [
        ("IND030", line, col, Severity.ERROR),
        ("IND031", *_pos(text, "fr: Lit"), Severity.WARNING),
    ]
    assert result.catalogue is None


def test_extra_language_alone_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace("{es: Edad media, en: Mean age}", "{es: Edad media, en: Mean age, pt: I}")
    result = check_indicators(_write(tmp_path, text), _questionnaire())
    assert result.issues.codes() == ["IND031"]
    assert result.ok
    assert result.catalogue is not None


def test_empty_translation(tmp_path: Path) -> None:
    text = GOOD.replace("en: Mean age}", "en: ' '}")
    assert _issues(tmp_path, text) == [("IND030", *_pos(text, "' '"))]


def test_duplicate_and_bad_ids(tmp_path: Path) -> None:
    text = GOOD.replace("id: mean_age", "id: no_own_bed")
    assert _issues(tmp_path, text) == [("IND005", *_pos(text, "no_own_bed", 1))]
    text = GOOD.replace("id: mean_age", "id: Mean-Age")
    assert _issues(tmp_path, text) == [("IND006", *_pos(text, "Mean-Age"))]


def test_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    text = GOOD.replace("    reference: Mandela", "    referense: Mandela")
    assert _issues(tmp_path, text) == [("IND002", *_pos(text, "referense"))]


def test_missing_universe_and_unused_expression(tmp_path: Path) -> None:
    text = GOOD.replace("    universe: ${age} >= 18\n", "    numerator: ${age} > 0\n")
    issues = _issues(tmp_path, text)
    assert sorted(code for code, _, _ in issues) == ["IND003", "IND007"]
    assert ("IND007", *_pos(text, "numerator: ${age}")) in issues


def test_bad_kind_and_unit(tmp_path: Path) -> None:
    text = GOOD.replace("kind: mean", "kind: average").replace("unit: years", "unit: yrs")
    assert _issues(tmp_path, text) == [
        ("IND004", *_pos(text, "average")),
        ("IND004", *_pos(text, "yrs")),
    ]


def test_proportion_in_years_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("    reference: Mandela Rules 19-21\n", "    unit: years\n")
    assert _issues(tmp_path, text) == [("IND004", *_pos(text, "years", 0))]


def test_wrong_instrument(tmp_path: Path) -> None:
    text = GOOD.replace("instrument: mini", "instrument: census")
    assert _issues(tmp_path, text) == [("IND008", *_pos(text, "census"))]


def test_bare_value_is_not_a_condition(tmp_path: Path) -> None:
    text = GOOD.replace("numerator: ${sleep_place} != 'own_bed'", "numerator: ${flag}")
    assert _issues(tmp_path, text) == [("IND014", *_pos(text, "${flag}"))]
    text = GOOD.replace("universe: ${age} >= 18", "universe: ${age} >= 18 or ${flag}")
    assert [c for c, _, _ in _issues(tmp_path, text)] == ["IND014"]


def test_repeat_question_outside_an_aggregate(tmp_path: Path) -> None:
    text = GOOD.replace("variable: ${age}", "variable: ${child_age}")
    assert _issues(tmp_path, text) == [("IND013", *_pos(text, "${child_age}"))]
    text = GOOD.replace("variable: ${age}", "variable: count(${children})")
    assert _issues(tmp_path, text) == []


def test_form_only_function(tmp_path: Path) -> None:
    text = GOOD.replace("variable: ${age}", "variable: random()")
    assert _issues(tmp_path, text) == [("IND012", *_pos(text, "random()"))]


def test_structure_problems(tmp_path: Path) -> None:
    assert [c for c, _, _ in _issues(tmp_path, "- a\n- b\n")] == ["IND001"]
    assert [c for c, _, _ in _issues(tmp_path, "instrument: mini\nindicators: []\n")] == ["IND001"]
    text = "instrument: mini\nindicators:\n  - just text\n"
    assert _issues(tmp_path, text) == [("IND001", *_pos(text, "just text"))]


def test_yaml_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    codes = [c for c, _, _ in _issues(tmp_path, "instrument: [mini\n")]
    assert codes == ["QNR001"]


def test_load_raises_input_error_with_every_issue(tmp_path: Path) -> None:
    text = GOOD.replace("${sleep_place} !=", "${sleep_plac} !=").replace("kind: mean", "kind: x")
    with pytest.raises(InputError) as info:
        load_indicators(_write(tmp_path, text), _questionnaire())
    assert sorted(info.value.issues.codes()) == ["IND004", "IND011", "IND011"]


# --- evaluation edge cases --------------------------------------------------------------------


def _ratio_catalogue(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        """\
        instrument: mini
        indicators:
          - id: calls_per_visit
            title: {es: Llamadas por visita, en: Calls per visit}
            kind: rate
            numerator: ${calls}
            denominator: ${visits}
            universe: ${visits} > 0
            unit: per_100
          - id: total_visits
            title: {es: Visitas, en: Visits}
            kind: total
            variable: ${visits}
            universe: ${visits} >= 0
            unit: count
          - id: paid_any
            title: {es: Pagó, en: Paid}
            kind: proportion
            numerator: count-selected(${paid_for}) > 0
            universe: ${safe} != 'dont_know' and ${safe} != ''
        """,
    )


def test_rate_total_and_select_multiple(tmp_path: Path) -> None:
    cat = load_indicators(_ratio_catalogue(tmp_path), _questionnaire())
    frame = pd.DataFrame(
        {
            "calls": pd.array([4, 0, 3, None], dtype="Int64"),
            "visits": pd.array([2, 0, 3, 1], dtype="Int64"),
            "paid_for": pd.Series(["1 2", "", None, "2"], dtype=object),
            "safe": pd.array([1, 98, 2, None], dtype="Int64"),
        }
    )
    rate = cat.get("calls_per_visit")
    assert rate.kind is IndicatorKind.RATE
    num, uni = evaluate_indicator_columns(rate, frame)
    den = evaluate_indicator_denominator(rate, frame)
    assert uni.tolist() == [True, False, True, True]
    np.testing.assert_array_equal(num.to_numpy(), [4.0, np.nan, 3.0, np.nan])
    np.testing.assert_array_equal(den.to_numpy(), [2.0, np.nan, 3.0, 1.0])
    assert rate.scale == 100.0
    total, uni = evaluate_indicator_columns(cat.get("total_visits"), frame)
    np.testing.assert_array_equal(total.to_numpy(), [2.0, 0.0, 3.0, 1.0])
    paid, uni = evaluate_indicator_columns(cat.get("paid_any"), frame)
    assert uni.tolist() == [True, False, True, False]
    np.testing.assert_array_equal(paid.to_numpy(), [1.0, np.nan, 0.0, np.nan])


def test_missing_column_raises_expression_error(tmp_path: Path) -> None:
    cat = load_indicators(_ratio_catalogue(tmp_path), _questionnaire())
    with pytest.raises(ExpressionError) as info:
        evaluate_indicator_columns(cat.get("total_visits"), pd.DataFrame({"x": [1]}))
    assert info.value.code == "EXP010"


def test_unresolved_indicator_is_a_usage_error() -> None:
    ind = Indicator(
        id="x",
        title={"es": "x"},
        kind=IndicatorKind.PROPORTION,
        numerator="${a} = 1",
        universe="${a} != ''",
    )
    assert ind.expressions() == {"numerator": "${a} = 1", "universe": "${a} != ''"}
    with pytest.raises(UsageError):
        evaluate_indicator_columns(ind, pd.DataFrame({"a": [1]}))
