import pytest

from prisonsurvey.questionnaire.expressions import (
    BinOp,
    Call,
    Current,
    ExpressionError,
    Name,
    Neg,
    Not,
    Number,
    Ref,
    String,
    parse,
    references,
    to_xpath,
    uses_current,
)


def test_precedence_or_and_comparison():
    e = parse("${a} = 1 or ${b} > 2 and ${c} != 'x'")
    assert e == BinOp(
        "or",
        BinOp("=", Ref("a"), Number(1)),
        BinOp("and", BinOp(">", Ref("b"), Number(2)), BinOp("!=", Ref("c"), String("x"))),
    )


def test_precedence_arithmetic_left_assoc():
    assert parse("1 - 2 - 3") == BinOp("-", BinOp("-", Number(1), Number(2)), Number(3))
    assert parse("1 + 2 * 3") == BinOp("+", Number(1), BinOp("*", Number(2), Number(3)))
    assert parse("8 div 2 mod 3") == BinOp("mod", BinOp("div", Number(8), Number(2)), Number(3))
    assert parse("-${x} * 2") == BinOp("*", Neg(Ref("x")), Number(2))
    assert parse("1 < 2 = 3 <= 4") == BinOp(
        "=", BinOp("<", Number(1), Number(2)), BinOp("<=", Number(3), Number(4))
    )


def test_atoms():
    assert parse(".") == Current()
    assert parse(".5") == Number(0.5)
    assert parse("3.") == Number(3.0)
    assert parse('"it\'s"') == String("it's")
    assert parse("region") == Name("region")
    assert parse("not(${a})") == Not(Ref("a"))
    assert parse("today()") == Call("today", ())
    assert parse("jr:choice-name(${a}, '${a}')") == Call(
        "jr:choice-name", (Ref("a"), String("${a}"))
    )
    assert parse("count-selected(.)") == Call("count-selected", (Current(),))


def test_number_then_operator_without_space():
    assert parse("5div 2") == BinOp("div", Number(5), Number(2))


def test_keywords_are_operators_only_between_operands():
    assert parse("and = 1") == BinOp("=", Name("and"), Number(1))
    assert parse("${a}div${b}") == BinOp("div", Ref("a"), Ref("b"))


def test_offsets_recorded():
    e = parse("${age} >= 18")
    assert isinstance(e, BinOp)
    assert (e.left.offset, e.right.offset) == (0, 10)


def test_parse_is_cached():
    assert parse("${a} + 1") is parse("${a} + 1")


@pytest.mark.parametrize(
    ("source", "code", "offset"),
    [
        ("", "EXP005", 0),
        ("   ", "EXP005", 0),
        ("${age} >=", "EXP001", 9),
        ("${age} >= 18)", "EXP001", 12),
        ("(${age} >= 18", "EXP001", 13),
        ("${age", "EXP002", 0),
        ("'abc", "EXP002", 0),
        ("${a} = 'x", "EXP002", 7),
        ("${1a} = 1", "EXP001", 0),
        ("${a} # 2", "EXP001", 5),
        ("/data/a = 1", "EXP001", 0),
        ("../a = 1", "EXP001", 0),
        ("${a} = = 1", "EXP001", 7),
        ("selected(${a}, 'x'", "EXP001", 18),
        ("selected(${a} 'x')", "EXP001", 14),
        ("${a} ${b}", "EXP001", 5),
        ("${a}[1]", "EXP001", 4),
        ("${a} | ${b}", "EXP001", 5),
        ("${a} > 1e5", "EXP001", 7),
        ("${a} > 2.5E-3", "EXP001", 7),
    ],
)
def test_parse_errors(source, code, offset):
    with pytest.raises(ExpressionError) as info:
        parse(source)
    assert (info.value.code, info.value.offset) == (code, offset)


def test_references_and_current():
    e = parse("${a} + ${b} > . and selected(${c}, 'x')")
    assert references(e) == frozenset({"a", "b", "c"})
    assert uses_current(e)
    assert not uses_current(parse("${a} = 1"))


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("${a}>=18  and ${b}='x'", "${a} >= 18 and ${b} = 'x'"),
        ("(${a} or ${b}) and ${c}", "(${a} or ${b}) and ${c}"),
        ("${a} or (${b} and ${c})", "${a} or ${b} and ${c}"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("(1 - 2) - 3", "1 - 2 - 3"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("- - 1", "-(-1)"),
        ("1.50", "1.5"),
        ("0.00001", "0.00001"),
        ('"a\'b"', '"a\'b"'),
        ("not( ${a}=1 )", "not(${a} = 1)"),
        ("concat( ${a} ,'-',${b})", "concat(${a}, '-', ${b})"),
        ("if(.>1,2,3)", "if(. > 1, 2, 3)"),
    ],
)
def test_to_xpath_canonical(source, canonical):
    assert to_xpath(parse(source)) == canonical
    assert parse(canonical) == parse(source)


def test_to_xpath_string_with_both_quotes():
    e = String('it\'s "x"')
    text = to_xpath(e)
    assert text.startswith("concat(")


def test_depth_limit_keeps_every_back_end_safe():
    import pandas as pd

    from prisonsurvey.questionnaire.expressions import evaluate, to_words
    from prisonsurvey.questionnaire.expressions.parser import MAX_DEPTH

    longest = " or ".join(f"${{a}} = {i}" for i in range(MAX_DEPTH - 1))
    expr = parse(longest)
    assert parse(to_xpath(expr)) == expr
    assert evaluate(expr, pd.DataFrame({"a": [1, 9999]})).tolist() == [True, False]
    assert to_words(expr, "en", label=str).startswith("a is 0, 1, 2")
    nested = "-(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1)
    assert evaluate(parse(nested), pd.DataFrame({"a": [1]})).tolist() == [-1.0]
    for source in (longest + " or ${a} = 1 or ${a} = 2", "(" * 3000 + "1" + ")" * 3000):
        with pytest.raises(ExpressionError) as info:
            parse(source)
        assert info.value.code == "EXP006"
