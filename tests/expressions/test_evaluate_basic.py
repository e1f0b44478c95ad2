import datetime as dt

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.questionnaire.expressions import ExpressionError, evaluate, parse

TODAY = dt.date(2025, 1, 15)


@pytest.fixture
def df():
    return pd.DataFrame(
        {
            "age": pd.array([17, 18, None, 40], dtype="Int64"),
            "status": [1.0, 2.0, np.nan, 1.0],
            "care": ["1 3", "3", None, ""],
            "name": ["Ana", "", None, "Luz"],
            "d": pd.to_datetime(["2024-01-01", None, "2030-01-01", "2025-01-15"]),
        },
        index=[10, 11, 12, 13],
    )


def ev(source, df, **kw):
    return evaluate(parse(source), df, today=TODAY, **kw)


def test_index_and_bool_dtype(df):
    out = ev("${age} >= 18", df)
    assert out.dtype == bool
    assert list(out.index) == [10, 11, 12, 13]
    assert out.tolist() == [False, True, False, True]


def test_missing_semantics(df):
    assert ev("${age} != 18", df).tolist() == [True, False, True, True]
    assert ev("${age} = ''", df).tolist() == [False, False, True, False]
    assert ev("${age} < 18", df).tolist() == [True, False, False, False]
    assert ev("${status} = 1", df).tolist() == [True, False, False, True]
    assert ev("${status} = '1'", df).tolist() == [True, False, False, True]


def test_selected(df):
    assert ev("selected(${care}, '3')", df).tolist() == [True, True, False, False]
    assert ev("count-selected(${care})", df).tolist() == [2.0, 1.0, 0.0, 0.0]


def test_current(df):
    assert ev(". >= 18 and . <= 99", df, current="age").tolist() == [False, True, False, True]
    with pytest.raises(ExpressionError) as info:
        ev(". > 1", df)
    assert info.value.code == "EXP013"


def test_missing_column(df):
    with pytest.raises(ExpressionError) as info:
        ev("${age} > 1 and ${nope} = 1", df)
    assert (info.value.code, info.value.offset) == ("EXP010", 15)


def test_dates(df):
    assert ev("${d} <= today()", df).tolist() == [True, False, False, True]
    assert ev("${d} = today()", df).tolist() == [False, False, False, True]
    out = ev("today()", df)
    assert out.dtype.kind == "M"
    assert out.iloc[0] == pd.Timestamp("2025-01-15")


def test_column_kinds():
    df = pd.DataFrame(
        {
            "tz": pd.to_datetime(["2025-01-15T03:00:00+05:00", None]),
            "cat": pd.Categorical([2, None]),
            "txt": pd.array(["a", None], dtype="string"),
            "flag": [True, False],
            "iso": ["2025-01-14", "not a date"],
        }
    )
    # 03:00 at +05:00 is 22:00 UTC on the 14th
    assert ev("${tz} < today()", df).tolist() == [True, False]
    assert ev("string(${tz})", df).tolist() == ["2025-01-14T22:00:00.000+00:00", ""]
    assert ev("${cat} = 2", df).tolist() == [True, False]
    assert ev("${txt} = ''", df).tolist() == [False, True]
    assert ev("${flag} + 1", df).tolist() == [2.0, 1.0]
    assert ev("${iso} < today()", df).tolist() == [True, False]


def test_bare_names_read_columns():
    choices = pd.DataFrame({"region": ["north", "south"], "code": [1, 2]})
    assert evaluate(parse("region = 'north'"), choices).tolist() == [True, False]


def test_error_to_issue():
    from prisonsurvey.errors import Location

    err = ExpressionError("EXP010", "unknown", offset=4)
    issue = err.to_issue(Location("m1.yaml", line=12, column=15))
    assert (issue.code, issue.location.line, issue.location.column) == ("EXP010", 12, 19)
    sheet = err.to_issue(Location("f.xlsx", sheet="survey", row=3, column="relevant"))
    assert sheet.location.column == "relevant"
