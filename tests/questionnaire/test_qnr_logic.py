"""Expressions: syntax and types from the expression language, order, repeats, cycles, cache."""

from __future__ import annotations

import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.questionnaire.compiled import INSTANCE_NAME, compiled
from prisonsurvey.questionnaire.expressions import to_xpath
from prisonsurvey.questionnaire.load import load_questionnaire
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

from ._helpers import Folder, module, where


def q(name: str, qtype: str = "integer", extra: str = "") -> str:
    return f"  - name: {name}\n    type: {qtype}\n    label: {{es: a, en: b}}\n{extra}"


def issues_of(folder: Folder, items: str) -> list[tuple[object, ...]]:
    return where(load_questionnaire(folder(module(items))).issues)  # type: ignore[arg-type]


SELECTS = q("status", "select_one", "    choices: yes_no\n") + q(
    "care", "select_multiple", "    choices: yes_no\n"
)
# status: lines 4-7, care: lines 8-11; the next item starts on line 12.


def test_syntax_error_points_inside_a_plain_expression(folder: Folder) -> None:
    items = q("age") + q("x", extra="    relevant: ${age} > \n")
    # The expression starts at column 15; the error is at its end, offset 8.
    assert issues_of(folder, items) == [("EXP001", "m1.yaml", 10, 23)]


def test_syntax_error_points_inside_a_quoted_expression(folder: Folder) -> None:
    items = q("age") + q("x", extra="    relevant: '${age} >> 3'\n")
    # The quote is at column 15, the text at 16, the second '>' at offset 8.
    assert issues_of(folder, items) == [("EXP001", "m1.yaml", 10, 24)]


def test_block_expression_points_at_its_start(folder: Folder) -> None:
    items = q("age") + q("x", extra="    relevant: >-\n      ${age} >\n      and 1\n")
    assert [c for c, *_ in issues_of(folder, items)] == ["EXP001"]
    assert issues_of(folder, items)[0][2:] == (10, 15)


def test_unknown_reference(folder: Folder) -> None:
    items = q("age") + q("x", extra="    relevant: ${agee} > 18\n")
    assert issues_of(folder, items) == [("EXP010", "m1.yaml", 10, 15)]


def test_selected_on_select_one(folder: Folder) -> None:
    items = SELECTS + q("x", extra="    relevant: selected(${status}, 'yes')\n")
    assert issues_of(folder, items) == [("EXP011", "m1.yaml", 15, 24)]


def test_unknown_choice_name(folder: Folder) -> None:
    items = SELECTS + q("x", extra="    relevant: ${status} = 'yse'\n")
    assert issues_of(folder, items) == [("EXP012", "m1.yaml", 15, 27)]


def test_unknown_function(folder: Folder) -> None:
    items = q("age") + q("x", extra="    relevant: lenght(${age}) > 1\n")
    assert [c for c, *_ in issues_of(folder, items)] == ["EXP004"]


def test_dot_outside_constraint(folder: Folder) -> None:
    items = q("x", extra="    relevant: . > 1\n")
    assert issues_of(folder, items) == [("EXP013", "m1.yaml", 7, 15)]


def test_constraint_on_dot_is_fine(folder: Folder) -> None:
    items = q("x", extra="    constraint: . >= 18 and . <= 99\n")
    assert issues_of(folder, items) == []


def test_forward_reference(folder: Folder) -> None:
    items = q("x", extra="    relevant: ${later} = 1\n") + q("later")
    assert issues_of(folder, items) == [("QNR134", "m1.yaml", 7, 15)]


def test_reference_to_itself(folder: Folder) -> None:
    items = q("x", extra="    relevant: ${x} > 1\n")
    assert issues_of(folder, items) == [("QNR134", "m1.yaml", 7, 15)]


def test_group_relevance_cannot_use_its_own_items(folder: Folder) -> None:
    items = "  - name: g\n    type: group\n    label: {es: a, en: b}\n"
    items += "    relevant: ${inner} = 1\n    items:\n"
    items += "      - name: inner\n        type: integer\n        label: {es: a, en: b}\n"
    assert issues_of(folder, items) == [("QNR134", "m1.yaml", 7, 15)]


def test_reference_across_modules_to_an_earlier_module(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml, m2.yaml]\n"
    m2 = "name: m2\nlabel: {es: a, en: b}\nitems:\n" + q("y", extra="    relevant: ${age} > 1\n")
    result = load_questionnaire(folder(root=root, extra={"m2.yaml": m2}))
    assert result.ok, list(result.issues)


ROSTER = q("n") + (
    "  - name: kids\n    type: repeat\n    label: {es: a, en: b}\n    repeat_count: ${n}\n"
    "    items:\n"
    "      - name: kid_age\n        type: integer\n        label: {es: a, en: b}\n"
    "      - name: kid_older\n        type: calculate\n        calculation: ${kid_age} > 10\n"
)
# n: 4-6, kids: 7-11, kid_age: 12-14, kid_older: 15-17; next item starts on line 18.


def test_repeat_items_visible_inside_and_through_aggregates(folder: Folder) -> None:
    items = ROSTER + q("total", "calculate", "    calculation: sum(${kid_age}) + count(${kids})\n")
    assert issues_of(folder, items) == []


def test_reference_into_a_repeat_from_outside(folder: Folder) -> None:
    items = ROSTER + q("y", extra="    relevant: ${kid_age} > 10\n")
    assert issues_of(folder, items) == [("QNR136", "m1.yaml", 21, 15)]


def test_calculation_cycle_reports_its_path_once(folder: Folder) -> None:
    items = "  - name: a\n    type: calculate\n    calculation: ${b} + 1\n"
    items += "  - name: b\n    type: calculate\n    calculation: ${a} + 1\n"
    result = load_questionnaire(folder(module(items)))
    assert where(result.issues) == [("QNR135", "m1.yaml", 6, 18)]
    assert "a -> b -> a" in result.issues.errors[0].message


def test_calculation_referring_to_itself_is_a_cycle(folder: Folder) -> None:
    items = "  - name: a\n    type: calculate\n    calculation: ${a} + 1\n"
    assert issues_of(folder, items) == [("QNR135", "m1.yaml", 6, 18)]


def test_instance_name_is_checked(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml]\ninstance_name: concat(${nope}, '-')\n"
    result = load_questionnaire(folder(root=root))
    assert where(result.issues) == [("EXP010", "questionnaire.yaml", 7, 23)]


def test_required_expression_is_checked(folder: Folder) -> None:
    items = q("x", extra="    required: ${y} = 1\n")
    assert [c for c, *_ in issues_of(folder, items)] == ["EXP010"]


# the compiled-expression cache


def test_compiled_resolves_choice_names_to_codes(folder: Folder) -> None:
    items = SELECTS + q(
        "x",
        extra="    relevant: ${status} = 'yes' and selected(${care}, 'refused')\n"
        "    constraint: . > 0\n",
    )
    result = load_questionnaire(folder(module(items)))
    assert result.questionnaire is not None
    cq = compiled(result.questionnaire)
    relevant = cq.get("x", "relevant")
    assert relevant is not None
    assert to_xpath(relevant) == "${status} = 1 and selected(${care}, '99')"
    assert to_xpath(cq.parsed[("x", "relevant")]).endswith("'refused')")
    assert cq.get("x", "calculation") is None
    assert to_xpath(cq[("x", "constraint")]) == ". > 0"
    assert cq.variables["care"].type is QuestionType.SELECT_MULTIPLE


def test_loading_fills_the_cache(folder: Folder) -> None:
    result = load_questionnaire(folder(module(q("x", extra="    relevant: 1 = 1\n"))))
    assert result.questionnaire is not None
    assert compiled(result.questionnaire) is compiled(result.questionnaire)


def _in_code(relevant: str) -> Questionnaire:
    return Questionnaire(
        id="demo",
        version="1.0.0",
        title={"es": "D"},
        languages=("es",),
        default_language="es",
        instance_name="concat('a', 'b')",
        modules=(
            Group(
                name="m1",
                label={"es": "M"},
                items=(
                    Question(name="a", type=QuestionType.INTEGER, label={"es": "a"}),
                    Question(
                        name="b", type=QuestionType.INTEGER, label={"es": "b"}, relevant=relevant
                    ),
                ),
            ),
        ),
    )


def test_compiled_on_a_questionnaire_built_in_code() -> None:
    cq = compiled(_in_code("${a} > 1"))
    assert to_xpath(cq[("b", "relevant")]) == "${a} > 1"
    assert to_xpath(cq[INSTANCE_NAME]) == "concat('a', 'b')"


def test_compiled_raises_on_invalid_expressions() -> None:
    with pytest.raises(InputError) as err:
        compiled(_in_code("${zz} > 1"))
    assert err.value.issues.codes() == ["EXP010"]


def test_a_repeat_itself_is_used_through_count(folder: Folder) -> None:
    items = ROSTER + q("y", extra="    relevant: ${kids} > 1\n")
    assert issues_of(folder, items) == [("QNR136", "m1.yaml", 21, 15)]


def test_nested_repeat_sees_the_outer_repeat(folder: Folder) -> None:
    items = q("n") + (
        "  - name: kids\n    type: repeat\n    label: {es: a, en: b}\n    items:\n"
        "      - name: kid_age\n        type: integer\n        label: {es: a, en: b}\n"
        "      - name: visits\n        type: repeat\n        label: {es: a, en: b}\n"
        "        items:\n"
        "          - name: visit_n\n            type: integer\n"
        "            label: {es: a, en: b}\n            relevant: ${kid_age} > 1\n"
    )
    assert issues_of(folder, items) == []
