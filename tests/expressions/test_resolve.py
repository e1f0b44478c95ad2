import pytest

from prisonsurvey.questionnaire.expressions import (
    BinOp,
    Call,
    ExpressionError,
    Number,
    Ref,
    String,
    VarInfo,
    check_all,
    parse,
    resolve,
    to_xpath,
)
from prisonsurvey.questionnaire.model import Choice, ChoiceList, QuestionType


def _choices(name, items):
    return ChoiceList(
        name=name,
        choices=tuple(Choice(code=c, name=n, label={"en": n.title()}) for c, n in items),
    )


STATUS = _choices("legal_status", [(1, "pretrial"), (2, "sentenced"), (98, "dont_know")])
CARE = _choices("caregivers", [(1, "partner"), (2, "grandparents"), (3, "relatives")])

VARS = {
    "age": VarInfo(QuestionType.INTEGER),
    "status": VarInfo(QuestionType.SELECT_ONE, STATUS),
    "care": VarInfo(QuestionType.SELECT_MULTIPLE, CARE),
    "name": VarInfo(QuestionType.TEXT),
    "child_age": VarInfo(QuestionType.INTEGER, in_repeat="children"),
}


def test_select_one_name_becomes_code():
    e = resolve(parse("${status} = 'pretrial'"), VARS)
    assert e == BinOp("=", Ref("status"), Number(1))
    assert to_xpath(e) == "${status} = 1"
    assert to_xpath(resolve(parse("'sentenced' != ${status}"), VARS)) == "2 != ${status}"


def test_selected_name_becomes_code_string():
    e = resolve(parse("selected(${care}, 'relatives')"), VARS)
    assert e == Call("selected", (Ref("care"), String("3")))


def test_codes_kept():
    assert to_xpath(resolve(parse("${status} = 2"), VARS)) == "${status} = 2"
    assert to_xpath(resolve(parse("${status} = '98'"), VARS)) == "${status} = 98"
    assert to_xpath(resolve(parse("selected(${care}, 2)"), VARS)) == "selected(${care}, '2')"
    assert to_xpath(resolve(parse("${status} = ''"), VARS)) == "${status} = ''"


def test_current_select_one():
    e = resolve(parse(". != 'dont_know'"), VARS, current=VARS["status"])
    assert to_xpath(e) == ". != 98"


@pytest.mark.parametrize(
    ("source", "code", "offset"),
    [
        ("${agee} >= 18", "EXP010", 0),
        ("${age} >= 18 and selected(${status}, 'pretrial')", "EXP011", 26),
        ("count-selected(${age}) > 1", "EXP011", 15),
        ("selected(${care}, 'aunt')", "EXP012", 18),
        ("${status} = 'convicted'", "EXP012", 12),
        ("${status} = 7", "EXP012", 12),
        ("selected(${care})", "EXP003", 0),
        ("if(${age} > 1, 2)", "EXP003", 0),
        ("${age} > 1 and frobnicate(${age})", "EXP004", 15),
        (". > 1", "EXP013", 0),
        ("age > 1", "EXP014", 0),
        ("count(1) > 1", "EXP015", 0),
        ("${age} > 1 or ${care} = 'relatives'", "EXP016", 14),
        ("3 != ${care}", "EXP016", 5),
    ],
)
def test_resolve_errors(source, code, offset):
    with pytest.raises(ExpressionError) as info:
        resolve(parse(source), VARS)
    assert (info.value.code, info.value.offset) == (code, offset)


def test_check_all_collects_in_order():
    errors = check_all(parse("${x} = 1 or selected(${age}, 'a') or ${status} = 'nope'"), VARS)
    assert [(e.code, e.offset) for e in errors] == [
        ("EXP010", 0),
        ("EXP011", 21),
        ("EXP012", 49),
    ]
    assert check_all(parse("${age} >= 18"), VARS) == []


def test_choice_filter_attributes():
    e = parse("region = ${name}")
    assert resolve(e, VARS, attributes={"region"}) == e
    with pytest.raises(ExpressionError) as info:
        resolve(parse("regio = ${name}"), VARS, attributes={"region"})
    assert info.value.code == "EXP010"
