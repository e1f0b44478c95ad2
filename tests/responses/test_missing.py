from __future__ import annotations

import pandas as pd

from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)
from prisonsurvey.responses.missing import missing_kinds


def _q() -> Questionnaire:
    yn = ChoiceList(
        name="yn",
        dont_know=98,
        refused=99,
        not_applicable=97,
        choices=tuple(
            Choice(code=c, name=n, label={"en": n})
            for c, n in [(1, "yes"), (2, "no"), (97, "na"), (98, "dk"), (99, "rf")]
        ),
    )
    items = (
        Question(name="works", type=QuestionType.SELECT_ONE, choices="yn", label={"en": "W"}),
        Question(
            name="hours", type=QuestionType.INTEGER, label={"en": "H"}, relevant="${works} = 'yes'"
        ),
        Question(name="help", type=QuestionType.SELECT_MULTIPLE, choices="yn", label={"en": "Hp"}),
        Question(name="info", type=QuestionType.NOTE, label={"en": "i"}),
    )
    return Questionnaire(
        id="t",
        version="1.0.0",
        title={"en": "t"},
        languages=("en",),
        default_language="en",
        modules=(Group(name="m", items=items),),
        choice_lists={"yn": yn},
    )


def test_every_kind() -> None:
    df = pd.DataFrame(
        {
            "works": pd.array([1, 2, 98, 99, 97, None, 1], dtype="Int64"),
            "hours": pd.array([40, None, None, None, None, None, None], dtype="Int64"),
            "help": pd.Series(["1", "98", "99", "1 2", None, "97", None], dtype="str"),
            "_key": list("abcdefg"),
        }
    )
    kinds = missing_kinds(_q(), df)
    assert list(kinds.columns) == ["works", "hours", "help"]
    assert kinds["works"].tolist() == [
        None,
        None,
        "dont_know",
        "refused",
        "not_applicable",
        "unanswered",
        None,
    ]
    assert kinds["hours"].tolist() == [
        None,
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "unanswered",
    ]
    assert kinds["help"].tolist() == [
        None,
        "dont_know",
        "refused",
        None,
        "unanswered",
        "not_applicable",
        "unanswered",
    ]
