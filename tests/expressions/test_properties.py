"""Property tests: rendering round-trips, and evaluation never fails on generated data."""

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prisonsurvey.questionnaire.expressions import (
    ARITHMETIC,
    BINARY_OPERATORS,
    COMPARISONS,
    LOGICAL,
    SIGNATURES,
    BinOp,
    Call,
    Current,
    Expr,
    Name,
    Neg,
    Not,
    Number,
    Ref,
    String,
    evaluate,
    parse,
    to_words,
    to_xpath,
)

COLUMNS = ["num", "int", "text", "multi", "one", "day"]

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(float),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 1e-7, 1e20, 2.675, 0.1]),
)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8
).filter(lambda s: not ("'" in s and '"' in s))


def _leaves(refs):
    return st.one_of(
        st.builds(Ref, st.sampled_from(refs)),
        st.just(Current()),
        st.builds(Number, numbers),
        st.builds(String, texts),
    )


def _calls(children, evaluable_only, refs):
    sigs = [
        s
        for s in SIGNATURES.values()
        if s.name != "not" and (s.evaluable or not evaluable_only) and s.name != "regex"
    ]

    @st.composite
    def call(draw):
        sig = draw(st.sampled_from(sigs))
        hi = sig.max_args if sig.max_args is not None else sig.min_args + 3
        n = draw(st.integers(min_value=sig.min_args, max_value=hi))
        if sig.name == "count":  # count() takes a reference only
            return Call("count", (Ref(draw(st.sampled_from(refs))),))
        return Call(sig.name, tuple(draw(children) for _ in range(n)))

    return call()


def expressions(refs, evaluable_only=False, bare_names=False):
    leaves = _leaves(refs)
    if bare_names:
        leaves = st.one_of(leaves, st.builds(Name, st.sampled_from(["region", "x-y", "p_1"])))

    def extend(children):
        return st.one_of(
            st.builds(BinOp, st.sampled_from(BINARY_OPERATORS), children, children),
            st.builds(Neg, children),
            st.builds(Not, children),
            _calls(children, evaluable_only, refs),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(expressions(["a", "b_1", "long_name_2"], bare_names=True))
def test_parse_inverts_to_xpath(expr: Expr):
    text = to_xpath(expr)
    assert parse(text) == expr
    assert to_xpath(parse(text)) == text


missing_num = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@st.composite
def frames(draw):
    n = draw(st.integers(min_value=0, max_value=6))
    num = [draw(missing_num) for _ in range(n)]
    ints = [draw(st.one_of(st.none(), st.integers(-5, 120))) for _ in range(n)]
    special = st.sampled_from(["1", "2024-05-06", " 3 "])
    text = [draw(st.one_of(st.none(), texts, special)) for _ in range(n)]
    codes = st.sampled_from(["", "1", "1 2", "3 98"])
    multi = [draw(st.one_of(st.none(), codes)) for _ in range(n)]
    one = [draw(st.one_of(st.none(), st.sampled_from([1, 2, 98]))) for _ in range(n)]
    days = [
        draw(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))))
        for _ in range(n)
    ]
    return pd.DataFrame(
        {
            "num": pd.Series([np.nan if v is None else v for v in num], dtype=float),
            "int": pd.array(ints, dtype="Int64"),
            "text": pd.Series(text, dtype=object),
            "multi": pd.Series(multi, dtype=object),
            "one": pd.Series([np.nan if v is None else float(v) for v in one], dtype=float),
            "day": pd.to_datetime(pd.Series(days, dtype=object)),
        },
        index=pd.RangeIndex(100, 100 + n),
    )


BOOL_FUNCS = {
    "selected",
    "boolean",
    "boolean-from-string",
    "true",
    "false",
    "contains",
    "starts-with",
    "ends-with",
    "regex",
}
NUM_FUNCS = {
    "count-selected",
    "string-length",
    "int",
    "round",
    "number",
    "count",
    "sum",
    "max",
    "min",
    "floor",
    "ceiling",
    "abs",
    "pow",
    "decimal-date-time",
}
TEXT_FUNCS = {
    "coalesce",
    "concat",
    "string",
    "selected-at",
    "substr",
    "substring-before",
    "substring-after",
    "normalize-space",
    "jr:choice-name",
}


def expected_kind(expr: Expr) -> str | None:
    if isinstance(expr, Not) or (
        isinstance(expr, BinOp) and (expr.op in COMPARISONS or expr.op in LOGICAL)
    ):
        return "b"
    if isinstance(expr, Neg) or (isinstance(expr, BinOp) and expr.op in ARITHMETIC):
        return "f"
    if isinstance(expr, Number):
        return "f"
    if isinstance(expr, String):
        return "O"
    if isinstance(expr, Call):
        if expr.name in BOOL_FUNCS:
            return "b"
        if expr.name in NUM_FUNCS:
            return "f"
        if expr.name in TEXT_FUNCS:
            return "O"
        if expr.name in ("today", "now", "date"):
            return "M"
    return None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(COLUMNS, evaluable_only=True), frames())
def test_evaluate_never_fails_and_has_the_right_dtype(expr: Expr, df: pd.DataFrame):
    out = evaluate(expr, df, current="num", today=dt.date(2025, 1, 15))
    assert isinstance(out, pd.Series)
    assert out.index.equals(df.index)
    assert out.dtype.kind in "bfOM"
    kind = expected_kind(expr)
    if kind is not None:
        assert out.dtype.kind == kind
    if out.dtype.kind == "b":
        assert not out.isna().any()
    if out.dtype.kind == "O":
        assert all(isinstance(v, str) for v in out)


@settings(max_examples=100, deadline=None)
@given(expressions(COLUMNS, evaluable_only=True), frames())
def test_rows_are_independent(expr: Expr, df: pd.DataFrame):
    """Evaluating all rows at once equals evaluating each row alone (vectorised = row-wise)."""
    today = dt.date(2025, 1, 15)
    whole = evaluate(expr, df, current="num", today=today)
    for i in range(len(df)):
        one = evaluate(expr, df.iloc[i : i + 1], current="num", today=today)
        a, b = whole.iloc[i], one.iloc[0]
        if whole.dtype.kind == one.dtype.kind:
            assert (pd.isna(a) and pd.isna(b)) or a == b


@settings(max_examples=200, deadline=None)
@given(
    expressions(["a", "b_1"], bare_names=True),
    st.sampled_from(["es", "en", "pt", "fr", "qu"]),
)
def test_words_never_fail(expr: Expr, lang: str):
    said = to_words(expr, lang, label=str.upper, choice_label=lambda v, c: f"<{c}>")
    assert isinstance(said, str) and said
