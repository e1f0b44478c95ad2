"""Which kind of missing each empty answer is: skipped, unanswered, don't know, refused, N/A.

ODK and KoBo write every kind as a blank (or as an ordinary code); the questionnaire knows the
difference. :func:`missing_kinds` is pure: give it a questionnaire and a typed table (root or
one repeat, as :meth:`~prisonsurvey.responses.store.Store.responses` returns it) and it returns
a frame of the same shape as the question columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import ExpressionError, evaluate
from prisonsurvey.questionnaire.model import (
    NOT_ASKED_COLUMN,
    MissingKind,
    Question,
    Questionnaire,
    QuestionType,
)


def relevance(questionnaire: Questionnaire, df: pd.DataFrame, name: str) -> pd.Series:
    """Whether ``name`` was relevant on each row: its own and every enclosing group's relevance.

    In a repeat table the repeat's own relevance (and that of the groups around it) is implied
    by the row existing, so only the conditions inside the repeat are evaluated. A condition
    that needs a column the table does not have counts as true.
    """
    cq = compiled(questionnaire)
    ancestors = questionnaire.ancestors(name)
    repeat_depth = max((i for i, g in enumerate(ancestors) if g.is_repeat), default=-1)
    inner = list(ancestors[repeat_depth + 1 :]) if repeat_depth >= 0 else list(ancestors)
    mask = pd.Series(True, index=df.index)
    for item_name in [g.name for g in inner] + [name]:
        expr = cq.get(item_name, "relevant")
        if expr is None:
            continue
        try:
            value = evaluate(expr, df)
        except ExpressionError:
            continue
        mask &= value.fillna(False).astype(bool).to_numpy()
    return mask


def missing_kinds(questionnaire: Questionnaire, df: pd.DataFrame) -> pd.DataFrame:
    """Classify every empty (or missing-coded) answer of ``df``.

    Args:
        questionnaire: The questionnaire the data follows.
        df: A typed table: one column per question (others are ignored).

    Returns:
        Same index as ``df``, one column per question column of ``df`` in questionnaire order,
        holding ``"skipped"`` (not relevant), ``"unanswered"`` (relevant, empty),
        ``"dont_know"``/``"refused"``/``"not_applicable"`` (the list's codes for those),
        or ``None`` (a real answer).
    """
    columns: dict[str, np.ndarray] = {}
    not_asked = df.get(NOT_ASKED_COLUMN)
    for question in questionnaire.questions():
        if not question.holds_data or question.name not in df.columns:
            continue
        kinds = _kinds(questionnaire, df, question)
        if not_asked is not None:
            # rows of an earlier questionnaire version that did not have this question
            absent = (
                not_asked.fillna("")
                .astype(str)
                .str.split()
                .map(lambda names, n=question.name: n in names)
            )
            kinds[absent.to_numpy(dtype=bool)] = MissingKind.NOT_ASKED.value
        columns[question.name] = kinds
    return pd.DataFrame(columns, index=df.index, dtype=object)


def _kinds(questionnaire: Questionnaire, df: pd.DataFrame, question: Question) -> np.ndarray:
    values = df[question.name]
    empty = values.isna().to_numpy().copy()
    if question.type is QuestionType.TEXT:
        empty |= (values.astype(str).str.strip() == "").to_numpy() & ~empty
    relevant = relevance(questionnaire, df, question.name).to_numpy()
    out = np.full(len(df), None, dtype=object)
    out[empty & ~relevant] = MissingKind.SKIPPED.value
    out[empty & relevant] = MissingKind.UNANSWERED.value
    if question.is_select and question.choices in questionnaire.choice_lists:
        codes = questionnaire.choice_lists[question.choices].missing_codes()
        if codes:
            if question.type is QuestionType.SELECT_ONE:
                numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            else:
                text = values.astype(str).str.strip()
                numeric = pd.to_numeric(
                    text.where(~text.str.contains(" ")), errors="coerce"
                ).to_numpy(dtype=float)
            for code, kind in codes.items():
                out[~empty & (numeric == code)] = kind.value
    return out
