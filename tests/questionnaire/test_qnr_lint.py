"""Cross-field rules: one test per rule, asserting its code and file:line:column."""

from __future__ import annotations

import pytest

from prisonsurvey.errors import Severity
from prisonsurvey.questionnaire.lint import lint_questionnaire
from prisonsurvey.questionnaire.load import load_questionnaire
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

from ._helpers import ROOT, Folder, module, where


def issues_of(folder: Folder, items: str, **kwargs: object) -> list[tuple[object, ...]]:
    return where(load_questionnaire(folder(module(items), **kwargs)).issues)  # type: ignore[arg-type]


def q(name: str, qtype: str = "integer", extra: str = "") -> str:
    return f"  - name: {name}\n    type: {qtype}\n    label: {{es: a, en: b}}\n{extra}"


# identity and languages


def root_with(**fields: str) -> str:
    base = {
        "id": "demo",
        "version": "1.0.0",
        "title": "{es: Demo, en: Demo}",
        "languages": "[es, en]",
        "default_language": "es",
        "modules": "[m1.yaml]",
    }
    base.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in base.items())


@pytest.mark.parametrize(
    ("field", "value", "code", "line", "col"),
    [
        ("id", "Demo Survey", "QNR128", 1, 5),
        ("version", "'1.0'", "QNR127", 2, 10),
        ("version", "v1.0.0", "QNR127", 2, 10),
        ("default_language", "pt", "QNR124", 5, 19),
    ],
)
def test_identity_rules(
    folder: Folder, field: str, value: str, code: str, line: int, col: int
) -> None:
    result = load_questionnaire(folder(root=root_with(**{field: value})))
    assert where(result.issues) == [(code, "questionnaire.yaml", line, col)]


def test_version_read_as_number_is_a_type_error(folder: Folder) -> None:
    result = load_questionnaire(folder(root=root_with(version="1.0")))
    assert where(result.issues) == [("QNR008", "questionnaire.yaml", 2, 10)]


def test_language_code_and_duplicate(folder: Folder) -> None:
    root = root_with(languages="[es, English, es]")
    result = load_questionnaire(folder(root=root))
    found = where(result.issues)
    assert ("QNR125", "questionnaire.yaml", 4, 17) in found
    assert ("QNR126", "questionnaire.yaml", 4, 26) in found


def test_missing_translation(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n    label: {es: Edad}\n"
    assert issues_of(folder, items) == [("QNR121", "m1.yaml", 6, 12)]


def test_missing_translation_of_an_optional_text(folder: Folder) -> None:
    items = q("age", extra="    hint: {en: In years}\n")
    assert issues_of(folder, items) == [("QNR121", "m1.yaml", 7, 11)]


def test_missing_translation_of_a_choice_label(folder: Folder) -> None:
    choices = "yes_no:\n  choices:\n    - {code: 1, name: 'yes', label: {es: Sí}}\n"
    result = load_questionnaire(folder(choices=choices))
    assert where(result.issues) == [("QNR121", "choices.yaml", 3, 37)]


def test_undeclared_language_is_a_warning(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n    label: {es: Edad, en: Age, fr: Âge}\n"
    result = load_questionnaire(folder(module(items)))
    assert where(result.issues) == [("QNR122", "m1.yaml", 6, 32)]
    assert result.issues.errors == []
    assert result.ok


def test_empty_text(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n    label: {es: Edad, en: ''}\n"
    assert issues_of(folder, items) == [("QNR129", "m1.yaml", 6, 27)]


def test_missing_label(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n"
    assert issues_of(folder, items) == [("QNR123", "m1.yaml", 4, 11)]


def test_calculate_needs_no_label(folder: Folder) -> None:
    items = q("age") + "  - name: age2\n    type: calculate\n    calculation: ${age} * 2\n"
    assert issues_of(folder, items) == []


# names


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Age", "QNR102"),
        ("age-years", "QNR102"),
        ("'_age'", "QNR102"),
        ("1age", "QNR102"),
        ("a" * 33, "QNR103"),
        ("in", "QNR104"),
        ("_n", "QNR102"),
        ("with", "QNR104"),
        ("ge", "QNR104"),
        ("str12", "QNR104"),
    ],
)
def test_invalid_names(folder: Folder, name: str, code: str) -> None:
    assert issues_of(folder, q(name)) == [(code, "m1.yaml", 4, 11)]


def test_reserved_word_with_leading_underscore_reports_syntax(folder: Folder) -> None:
    assert [c for c, *_ in issues_of(folder, q("'_all'"))] == ["QNR102"]


def test_duplicate_names_across_groups(folder: Folder) -> None:
    items = q("age") + "  - name: g\n    type: group\n    label: {es: a, en: b}\n    items:\n"
    items += "      - name: age\n        type: text\n        label: {es: a, en: b}\n"
    assert issues_of(folder, items) == [("QNR101", "m1.yaml", 11, 15)]


def test_group_name_clashing_with_module(folder: Folder) -> None:
    items = "  - name: m1\n    type: group\n    label: {es: a, en: b}\n    items:\n"
    items += "      - name: x\n        type: text\n        label: {es: a, en: b}\n"
    assert issues_of(folder, items) == [("QNR101", "m1.yaml", 4, 11)]


def test_select_multiple_name_length(folder: Folder) -> None:
    name = "a" * 29
    items = q(name, "select_multiple", "    choices: yes_no\n")
    assert issues_of(folder, items) == [("QNR105", "m1.yaml", 4, 11)]


def test_name_clashes_with_indicator_column(folder: Folder) -> None:
    items = q("care", "select_multiple", "    choices: yes_no\n") + q("care_2")
    assert issues_of(folder, items) == [("QNR106", "m1.yaml", 8, 11)]


# choice lists and select questions


def test_unknown_choice_list_suggests(folder: Folder) -> None:
    result = load_questionnaire(folder(module(q("x", "select_one", "    choices: yes_n\n"))))
    assert where(result.issues) == [("QNR111", "m1.yaml", 7, 14)]
    assert "'yes_no'" in result.issues.errors[0].message


CHOICES_BAD = """\
yes_no:
  dont_know: 98
  refused: 99
  choices:
    - {code: 1, name: 'yes', label: {es: Sí, en: 'Yes'}}
    - {code: 1, name: 'no', label: {es: 'No', en: 'No'}}
    - {code: 99, name: 'yes', label: {es: NR, en: Refused}}
    - {code: 3, name: not sure, label: {es: x, en: y}}
empty:
  choices: []
"""


def test_choice_list_rules(folder: Folder) -> None:
    result = load_questionnaire(folder(choices=CHOICES_BAD))
    assert where(result.issues) == [
        ("QNR114", "choices.yaml", 2, 14),
        ("QNR112", "choices.yaml", 6, 14),
        ("QNR113", "choices.yaml", 7, 24),
        ("QNR118", "choices.yaml", 8, 23),
        ("QNR119", "choices.yaml", 10, 3),
    ]


def test_select_without_list(folder: Folder) -> None:
    assert issues_of(folder, q("x", "select_one")) == [("QNR115", "m1.yaml", 5, 11)]


def test_list_on_non_select(folder: Folder) -> None:
    items = q("x", "integer", "    choices: yes_no\n")
    assert issues_of(folder, items) == [("QNR116", "m1.yaml", 7, 5)]


def test_calculate_may_name_a_list_for_value_labels(folder: Folder) -> None:
    items = q("x") + "  - name: y\n    type: calculate\n    choices: yes_no\n"
    items += "    calculation: if(${x} > 1, 1, 2)\n"
    assert issues_of(folder, items) == []


def test_choice_filter_on_non_select(folder: Folder) -> None:
    items = q("x", "integer", "    choice_filter: region = 'n'\n")
    assert ("QNR137", "m1.yaml", 7, 5) in issues_of(folder, items)


def test_choice_filter_unknown_key(folder: Folder) -> None:
    choices = (
        "f:\n  choices:\n    - {code: 1, name: a, label: {es: a, en: a}, filters: {region: n}}\n"
    )
    items = q("r", "text") + q("x", "select_one", "    choices: f\n")
    items += "    choice_filter: regoin = ${r}\n"
    result = load_questionnaire(folder(module(items), choices=choices))
    assert where(result.issues) == [("QNR117", "m1.yaml", 11, 20)]


def test_choice_filter_known_key(folder: Folder) -> None:
    choices = (
        "f:\n  choices:\n    - {code: 1, name: a, label: {es: a, en: a}, filters: {region: n}}\n"
    )
    items = q("r", "text") + q("x", "select_one", "    choices: f\n")
    items += "    choice_filter: region = ${r}\n"
    assert load_questionnaire(folder(module(items), choices=choices)).ok


# structure


def test_calculate_without_calculation(folder: Folder) -> None:
    items = "  - name: x\n    type: calculate\n"
    assert issues_of(folder, items) == [("QNR131", "m1.yaml", 5, 11)]


def test_repeat_count_on_group(folder: Folder) -> None:
    items = q("n") + "  - name: g\n    type: group\n    repeat_count: ${n}\n"
    items += "    label: {es: a, en: b}\n    items:\n" + "      - name: y\n        type: text\n"
    items += "        label: {es: a, en: b}\n"
    assert issues_of(folder, items) == [("QNR132", "m1.yaml", 9, 5)]


def test_empty_group_is_a_warning(folder: Folder) -> None:
    items = q("x") + "  - name: g\n    type: group\n    label: {es: a, en: b}\n"
    result = load_questionnaire(folder(module(items)))
    assert where(result.issues) == [("QNR133", "m1.yaml", 7, 11)]
    assert result.issues.errors[:] == [] and result.issues.has_errors is False


def test_unknown_reference_in_text(folder: Folder) -> None:
    items = q("x") + "  - name: y\n    type: note\n    label: {es: 'Edad ${x}', en: 'Age ${z}'}\n"
    assert issues_of(folder, items) == [("QNR138", "m1.yaml", 9, 39)]


# a questionnaire built in code is checked the same way


def test_lint_without_source_has_empty_locations() -> None:
    qn = Questionnaire(
        id="demo",
        version="1.0.0",
        title={"es": "D"},
        languages=("es",),
        default_language="es",
        modules=(
            Group(
                name="m1",
                label={"es": "M"},
                items=(Question(name="in", type=QuestionType.TEXT, label={"es": "a"}),),
            ),
        ),
    )
    issues = lint_questionnaire(qn)
    assert [i.code for i in issues] == ["QNR104"]
    assert issues[0].location.file == ""
    assert issues[0].severity is Severity.ERROR


def test_root_constant_is_valid(folder: Folder) -> None:
    assert load_questionnaire(folder(root=ROOT)).ok


# rules still run when the model rejected optional fields


def test_rules_run_beside_a_misspelled_field(folder: Folder) -> None:
    items = q("age", extra="    hnit: {es: a, en: b}\n") + q("Bad")
    result = load_questionnaire(folder(module(items)))
    assert where(result.issues) == [("QNR007", "m1.yaml", 7, 5), ("QNR102", "m1.yaml", 8, 11)]
    assert result.questionnaire is None


def test_consequences_of_a_set_aside_field_are_not_reported(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n    lable: {es: a, en: b}\n" + q("x")
    assert issues_of(folder, items) == [("QNR007", "m1.yaml", 6, 5)]


def test_wrong_optional_value_and_rules_elsewhere(folder: Folder) -> None:
    items = q("age", extra="    read_only: perhaps\n") + q("x", extra="    relevant: ${zz} = 1\n")
    assert issues_of(folder, items) == [("QNR008", "m1.yaml", 7, 16), ("EXP010", "m1.yaml", 11, 15)]


def test_rules_wait_when_a_required_field_is_wrong(folder: Folder) -> None:
    items = q("age", "intger") + q("Bad")
    assert issues_of(folder, items) == [("QNR008", "m1.yaml", 5, 11)]
