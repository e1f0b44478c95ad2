"""Typing a column equals typing each of its rows on its own.

Question columns are typed once per distinct text and spread to the rows; these tests type a
messy column (bad numbers, bad dates, unknown codes, blanks, whitespace, labels, multi-select)
both ways and require the same typed values and the same problems, row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.questionnaire.model import Question, QuestionType
from prisonsurvey.responses import harmonise
from prisonsurvey.responses.harmonise import TypingCache, _Problems, questions_of, type_question

from .harness import harness_questionnaire

Q = harness_questionnaire()

MESSY: dict[QuestionType, list[str | None]] = {
    QuestionType.INTEGER: ["42", " 42 ", "", "  ", "4.5", "abc", "1e2", "-3", "42", "007", None],
    QuestionType.DECIMAL: ["1.5", " 1.5", "", "x", "1,5", "-0", "inf", "2", "1.5", None],
    QuestionType.SELECT_ONE: ["1", " 2 ", "female", "Mujer", "9", "", "male", "1", "?", None],
    QuestionType.SELECT_MULTIPLE: [
        "1 2",
        " education work ",
        "Family visits",
        "Health care Work",
        "1 9",
        "",
        "visits other",
        "1 2",
        "nonsense",
        None,
    ],
    QuestionType.DATE: ["2024-01-31", " 2024-01-31", "2024-02-30", "31/01/2024", "", "x", None],
    QuestionType.DATETIME: [
        "2024-01-31T10:00:00.000+02:00",
        "2024-01-31T08:00:00Z",
        "2024-13-01T00:00:00Z",
        "",
        "later",
        " 2024-01-31T10:00:00.000+02:00 ",
        None,
    ],
    QuestionType.TEXT: ["a", " a ", "", "  ", "b c", "a", None],
}


def _questions() -> list[Question]:
    root = questions_of(Q, None)
    extra = [
        Question(name="weight_kg", type=QuestionType.DECIMAL, label={"en": "Weight"}),
        Question(name="seen_at", type=QuestionType.DATETIME, label={"en": "Seen"}),
    ]
    return [q for q in root if q.type in MESSY] + extra


def _type(
    question: Question, values: pd.Series, cache: TypingCache | None = None
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    problems = _Problems()
    out: dict[str, pd.Series] = {}
    type_question(Q, question, values, "en", question.name, problems, out, cache)
    return out, problems.frame()


@pytest.mark.parametrize("question", _questions(), ids=lambda q: q.name)
def test_answers_typed_in_an_earlier_block_are_reused_exactly(question: Question) -> None:
    texts = [t for t in MESSY[question.type] if t is not None]
    cache: TypingCache = {}
    blocks = [
        pd.Series(texts[:3] * 2, dtype="str"),  # some answers first
        pd.Series(list(reversed(texts)) + texts[:2], dtype="str"),  # old and new answers
        pd.Series(texts[2:4], dtype="str"),  # nothing new
    ]
    for values in blocks:
        got, got_problems = _type(question, values, cache)
        expected, expected_problems = _type(question, values)
        assert got.keys() == expected.keys()
        for name, column in expected.items():
            pd.testing.assert_series_equal(got[name], column, check_names=False)
        order = ["pos", "code"]
        pd.testing.assert_frame_equal(
            got_problems.sort_values(order).reset_index(drop=True),
            expected_problems.sort_values(order).reset_index(drop=True),
        )
    kept = next(iter(cache.values()))
    assert kept is not None and sorted(kept.position) == sorted(set(texts))


def test_a_column_of_too_many_answers_stops_keeping_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comments = next(q for q in _questions() if q.type is QuestionType.TEXT)
    monkeypatch.setattr(harmonise, "POOL_CACHE_LIMIT", 3)
    cache: TypingCache = {}
    _type(comments, pd.Series(["a", "b"], dtype="str"), cache)
    assert next(iter(cache.values())) is not None
    got, _ = _type(comments, pd.Series(["c", "d", "a"], dtype="str"), cache)
    assert list(cache.values()) == [None] and got[comments.name].tolist() == ["c", "d", "a"]
    got, _ = _type(comments, pd.Series(["e", " a "], dtype="str"), cache)
    assert got[comments.name].tolist() == ["e", "a"]


@pytest.mark.parametrize("question", _questions(), ids=lambda q: q.name)
def test_column_typed_as_each_row_on_its_own(question: Question) -> None:
    texts = MESSY[question.type] * 3
    values = pd.Series(texts, dtype="str")
    whole, found = _type(question, values)
    rows = [_type(question, values.iloc[[i]].reset_index(drop=True)) for i in range(len(texts))]
    for name, column in whole.items():
        expected = pd.concat([r[0][name] for r in rows], ignore_index=True).astype(column.dtype)
        pd.testing.assert_series_equal(column, expected, check_names=False)
    parts = [r[1].assign(pos=i) for i, r in enumerate(rows) if len(r[1])]
    expected_problems = pd.concat(parts, ignore_index=True) if parts else found.iloc[:0]
    key = ["column", "code", "pos"]
    got = found.sort_values(key).to_dict("records")
    assert got == expected_problems.sort_values(key).to_dict("records")
    assert len(found) == len(expected_problems)


def test_problems_name_each_bad_row_and_its_stripped_text() -> None:
    age = next(q for q in Q.questions() if q.name == "age")
    values = pd.Series(["30", " x ", "", "4.5", " x ", "30"], dtype="str")
    out, found = _type(age, values)
    assert out["age"].tolist() == [30, pd.NA, pd.NA, pd.NA, pd.NA, 30]
    assert found[["pos", "value", "code"]].to_dict("records") == [
        {"pos": 1, "value": "x", "code": "IMP031"},
        {"pos": 4, "value": "x", "code": "IMP031"},
        {"pos": 3, "value": "4.5", "code": "IMP030"},
    ]
    assert np.issubdtype(found["pos"].dtype, np.integer)
