"""Hand-computed results of every operator and function, with missing values.

Row 3 of every column is missing (NaN / None / NaT). Expected values follow ODK's rules:
an unanswered question is the empty string, which is NaN as a number.
"""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.questionnaire.expressions import evaluate, parse

TODAY = dt.date(2025, 1, 15)
T, F = True, False
nan = math.nan


@pytest.fixture(scope="module")
def df():
    return pd.DataFrame(
        {
            "n": [5.0, 0.0, nan, -2.5],
            "i": pd.array([18, 17, None, 40], dtype="Int64"),
            "s": ["abc", "", None, "5"],
            "m": ["1 2", "3", None, ""],
            "o": [1.0, 2.0, nan, 98.0],
            "d": pd.to_datetime(["2024-01-01", None, "2025-01-15", "2026-03-01"]),
            "d2": ["2024-06-01", "2024-06-01", "2024-06-01", None],
            "dt": pd.to_datetime(
                ["2024-01-01 12:00:00", None, "2025-01-15 06:00:00", "2026-03-01 00:00:00"]
            ),
        },
        index=["a", "b", "c", "d"],
    )


def run(source, df, **kw):
    return evaluate(parse(source), df, today=TODAY, **kw)


LOGICAL = [
    # comparisons of a number column with a literal; NaN compares false except with !=
    ("${n} = 5", [T, F, F, F]),
    ("${n} != 5", [F, T, T, T]),
    ("${n} < 1", [F, T, F, T]),
    ("${n} <= 0", [F, T, F, T]),
    ("${n} > 0", [T, F, F, F]),
    ("${n} >= 0", [T, T, F, F]),
    ("5 = ${n}", [T, F, F, F]),
    ("1 > ${n}", [F, T, F, T]),
    ("${i} >= 18", [T, F, F, T]),
    ("${i} != 18", [F, T, T, T]),
    # the empty string
    ("${n} = ''", [F, F, T, F]),
    ("${n} != ''", [T, T, F, T]),
    ("${s} = ''", [F, T, T, F]),
    ("'' = ${m}", [F, F, T, T]),
    # text comparisons; text against a number compares as numbers
    ("${s} = 'abc'", [T, F, F, F]),
    ("${s} != 'abc'", [F, T, T, T]),
    ("${s} = 5", [F, F, F, T]),
    ("${s} > 4", [F, F, F, T]),
    ("${s} < 'z'", [F, F, F, F]),
    # select_one codes, as number or text
    ("${o} = 1", [T, F, F, F]),
    ("${o} = '98'", [F, F, F, T]),
    ("${o} != 2", [T, F, T, T]),
    # two columns: text comparison, so two empty answers are equal
    ("${n} = ${o}", [F, F, T, F]),
    ("${n} < ${o}", [F, T, F, T]),
    # logic: an answer is true when not blank; numbers when non-zero
    ("${s} and ${n} >= 0", [T, F, F, F]),
    ("${s} or ${n} > 0", [T, F, F, T]),
    ("${n} > 0 or ${o} = 98", [T, F, F, T]),
    ("not(${s})", [F, T, T, F]),
    ("not(${o} = 1)", [F, T, T, T]),
    ("boolean(${m})", [T, T, F, F]),
    ("boolean(${n} + 0)", [T, F, F, T]),
    ("boolean('0')", [T, T, T, T]),
    ("boolean(0)", [F, F, F, F]),
    ("true()", [T, T, T, T]),
    ("false()", [F, F, F, F]),
    ("true() = 1", [T, T, T, T]),
    ("false() = ''", [T, T, T, T]),
    ("${n} > 0 = true()", [T, F, F, F]),
    ("1 = 1.0", [T, T, T, T]),
    ("'1' = '1.0'", [F, F, F, F]),
    ("'1' = 1.0", [T, T, T, T]),
    # selected(): whitespace-separated codes; the value is trimmed
    ("selected(${m}, '1')", [T, F, F, F]),
    ("selected(${m}, ' 3 ')", [F, T, F, F]),
    ("selected(${m}, 2)", [T, F, F, F]),
    # like both ODK engines, an empty answer holds one empty item
    ("selected(${m}, '')", [F, F, T, T]),
    ("selected(${m}, '1 2')", [F, F, F, F]),
    ("not(selected(${m}, '1'))", [F, T, T, T]),
    # regex: Python search on the text
    ("regex(${s}, '^[a-z]+$')", [T, F, F, F]),
    ("regex(${s}, '')", [T, T, T, T]),
    ("regex(${n}, '^-')", [F, F, F, T]),
    # dates: whole days since 1970-01-01 when compared
    ("${d} <= today()", [T, F, T, F]),
    ("${d} < today()", [T, F, F, F]),
    ("${d} = today()", [F, F, T, F]),
    ("${d} != today()", [T, T, F, T]),
    ("${d} > '2025-01-01'", [F, F, T, T]),
    ("${d} < ${d2}", [T, F, F, F]),
    ("${d2} = '2024-06-01'", [T, T, T, F]),
    ("${d} = ''", [F, T, F, F]),
    ("${dt} < today()", [T, F, F, F]),
    ("${dt} = today()", [F, F, F, F]),
    ("${dt} > today()", [F, F, T, T]),
    # text functions
    ("contains(${s}, 'b')", [T, F, F, F]),
    ("contains(${s}, '')", [T, T, T, T]),
    ("starts-with(${m}, '1')", [T, F, F, F]),
    ("ends-with(${m}, '3')", [F, T, F, F]),
    ("boolean-from-string(${s})", [F, F, F, F]),
    ("boolean-from-string('true')", [T, T, T, T]),
    ("boolean-from-string(1)", [T, T, T, T]),
]


@pytest.mark.parametrize(("source", "expected"), LOGICAL)
def test_logical(source, expected, df):
    out = run(source, df)
    assert out.dtype == bool
    assert list(out.index) == ["a", "b", "c", "d"]
    assert out.tolist() == expected


NUMERIC = [
    ("${n} + 1", [6, 1, nan, -1.5]),
    ("${n} - 1", [4, -1, nan, -3.5]),
    ("${n} * 2", [10, 0, nan, -5]),
    ("${n} div 2", [2.5, 0, nan, -1.25]),
    ("${n} div 0", [math.inf, nan, nan, -math.inf]),
    ("${n} mod 2", [1, 0, nan, -0.5]),
    ("${n} mod 0", [nan, nan, nan, nan]),
    ("-7 mod 3", [-1, -1, -1, -1]),
    ("-${n}", [-5, 0, nan, 2.5]),
    ("${s} + 1", [nan, nan, nan, 6]),
    ("${o} + ${n}", [6, 2, nan, 95.5]),
    ("${i} * 1", [18, 17, nan, 40]),
    ("true() + 1", [2, 2, 2, 2]),
    ("count-selected(${m})", [2, 1, 0, 0]),
    ("string-length(${s})", [3, 0, 0, 1]),
    ("string-length(${n})", [1, 1, 0, 4]),
    ("int(${n})", [5, 0, nan, -2]),
    ("int(-3.7)", [-3, -3, -3, -3]),
    ("int(3.7)", [3, 3, 3, 3]),
    ("int(${s})", [nan, nan, nan, 5]),
    ("round(${n})", [5, 0, nan, -3]),
    ("round(2.5)", [3, 3, 3, 3]),
    ("round(-2.5)", [-3, -3, -3, -3]),
    ("round(2.4999)", [2, 2, 2, 2]),
    ("round(1.25, 1)", [1.3, 1.3, 1.3, 1.3]),
    ("round(-1.25, 1)", [-1.3, -1.3, -1.3, -1.3]),
    ("round(1234, -2)", [1200, 1200, 1200, 1200]),
    ("round(${n}, ${s})", [nan, nan, nan, -2.5]),
    ("number(${s})", [nan, nan, nan, 5]),
    ("number(' 12 ')", [12, 12, 12, 12]),
    ("number('1e3')", [1000, 1000, 1000, 1000]),
    ("number('12a')", [nan, nan, nan, nan]),
    ("number('1970-01-11')", [10, 10, 10, 10]),
    ("number(true())", [1, 1, 1, 1]),
    ("number(${d})", [19723, nan, 20103, 20513]),
    ("count(${n})", [5, 0, 0, -2.5]),
    ("count(${s})", [1, 0, 0, 1]),
    ("sum(${n})", [5, 0, nan, -2.5]),
    ("if(${n} > 0, ${n}, 0)", [5, 0, 0, 0]),
    ("if(${n} > 0, 5, '')", [5, nan, nan, nan]),
    ("if(${o} = 1, ${i}, ${n})", [18, 0, nan, -2.5]),
    ("floor(${n})", [5, 0, nan, -3]),
    ("ceiling(${n})", [5, 0, nan, -2]),
    ("abs(${n})", [5, 0, nan, 2.5]),
    ("pow(${n}, 2)", [25, 0, nan, 6.25]),
    ("max(${n}, ${o})", [5, 2, nan, 98]),
    ("min(${n}, ${o}, 3)", [1, 0, nan, -2.5]),
    ("today() - ${d}", [380, nan, 0, -410]),
    ("int((today() - ${d}) div 365.25)", [1, nan, 0, -1]),
    ("decimal-date-time('1970-01-02T12:00:00Z')", [1.5, 1.5, 1.5, 1.5]),
    ("decimal-date-time(${dt})", [19723.5, nan, 20103.25, 20513]),
    ("decimal-date-time(today())", [20103, 20103, 20103, 20103]),
    ("once(${n})", [5, 0, nan, -2.5]),
]


@pytest.mark.parametrize(("source", "expected"), NUMERIC)
def test_numeric(source, expected, df):
    out = run(source, df)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.to_numpy(), np.array(expected, dtype=float), rtol=1e-12)


TEXT = [
    ("coalesce(${s}, 'x')", ["abc", "x", "x", "5"]),
    ("coalesce(${n}, ${o})", ["5", "0", "", "-2.5"]),
    ("concat(${s}, '-', ${n})", ["abc-5", "-0", "-", "5--2.5"]),
    ("concat()", ["", "", "", ""]),
    ("concat('a', 1, true())", ["a1true", "a1true", "a1true", "a1true"]),
    ("string(${n})", ["5", "0", "", "-2.5"]),
    ("string(${d})", ["2024-01-01", "", "2025-01-15", "2026-03-01"]),
    ("string(1 div 3)", ["0.3333333333333333"] * 4),
    ("string(0 div 0)", [""] * 4),
    ("string(1 div 0)", ["Infinity"] * 4),
    ("string(0.0000001)", ["1e-7"] * 4),
    ("string(0.000001)", ["0.000001"] * 4),
    ("string(${s} = 'abc')", ["true", "false", "false", "false"]),
    ("${s}", ["abc", "", "", "5"]),
    ("${m}", ["1 2", "3", "", ""]),
    ("if(${n} > 0, 'pos', 'other')", ["pos", "other", "other", "other"]),
    ("if(${n} > 0, ${s}, 1)", ["abc", "1", "1", "1"]),
    ("jr:choice-name(${o}, '${o}')", ["1", "2", "", "98"]),
    ("selected-at(${m}, 1)", ["2", "", "", ""]),
    ("selected-at(${m}, 0)", ["1", "3", "", ""]),
    ("substr('abcdef', 1, 3)", ["bc"] * 4),
    ("substr('abcdef', -2)", ["ef"] * 4),
    ("substr('abcdef', 4, 2)", [""] * 4),
    ("substr(${s}, 1)", ["bc", "", "", ""]),
    ("substring-before('a-b-c', '-')", ["a"] * 4),
    ("substring-after('a--b', '--')", ["b"] * 4),
    ("normalize-space('  a   b ')", ["a b"] * 4),
]


@pytest.mark.parametrize(("source", "expected"), TEXT)
def test_text(source, expected, df):
    out = run(source, df)
    assert out.dtype == object
    assert out.tolist() == expected


def test_current_column(df):
    out = run(". >= 18 and . <= 99", df, current="i")
    assert out.tolist() == [T, F, F, T]
    assert run("string-length()", df, current="s").tolist() == [3, 0, 0, 1]


def test_dates_returned_as_timestamps(df):
    out = run("today()", df)
    assert out.dtype.kind == "M"
    assert out.tolist() == [pd.Timestamp("2025-01-15")] * 4
    out = run("${d}", df)
    assert out.dtype.kind == "M"
    assert out.isna().tolist() == [F, T, F, F]
    out = run("date(${d2})", df)
    assert out.tolist()[0] == pd.Timestamp("2024-06-01")
    assert pd.isna(out.tolist()[3])
    assert run("date(0)", df).tolist()[0] == pd.Timestamp("1970-01-01")


def test_empty_frame():
    empty = pd.DataFrame({"n": pd.Series([], dtype=float), "s": pd.Series([], dtype=object)})
    for source, dtype in [
        ("${n} > 1", bool),
        ("${n} + 1", np.float64),
        ("concat(${s}, 'x')", object),
        ("selected(${s}, 'a')", bool),
    ]:
        out = evaluate(parse(source), empty)
        assert len(out) == 0
        assert out.dtype == dtype


def test_ignores_other_missing_markers():
    df = pd.DataFrame(
        {"s": pd.array(["x", pd.NA, None], dtype="string"), "n": pd.array([1, None, 3])}
    )
    assert evaluate(parse("${s} = ''"), df).tolist() == [F, T, T]
    assert evaluate(parse("${n} = ''"), df).tolist() == [F, T, F]
    assert evaluate(parse("${n} + 1"), df).tolist()[2] == 4
