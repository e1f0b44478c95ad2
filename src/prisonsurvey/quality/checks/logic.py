"""The questionnaire's own logic re-run on the data: constraints, required, skips, rosters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import table_rows
from prisonsurvey.quality.context import CheckContext, table_label
from prisonsurvey.quality.findings import empty_findings, frame
from prisonsurvey.quality.registry import check
from prisonsurvey.questionnaire.expressions import ExpressionError
from prisonsurvey.questionnaire.model import Group, QuestionType

_PerQuestion = Callable[[CheckContext, str | None, str], pd.DataFrame | None]


def _rows(
    ctx: CheckContext, table: str | None, name: str, mask: np.ndarray, message: str
) -> pd.DataFrame | None:
    if not mask.any():
        return None
    df = ctx.tables[table]
    return table_rows(ctx, table, mask, name, ctx.shown(name, df[name][mask]), message)


def _each_question(ctx: CheckContext, per_question: _PerQuestion) -> pd.DataFrame:
    parts = []
    for table in ctx.tables:
        for question in ctx.present(table):
            part = per_question(ctx, table, question.name)
            if part is not None:
                parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


def _constraint(ctx: CheckContext, table: str | None, name: str) -> pd.DataFrame | None:
    expr = ctx.cq.get(name, "constraint")
    if expr is None:
        return None
    answered = ~ctx.empty(table, name) & ctx.relevant(table, name)
    if not answered.any():
        return None
    try:
        ok = ctx.evaluate(expr, table, current=name).to_numpy(dtype=bool)
    except ExpressionError as exc:
        ctx.notes.append(f"constraint of {name} not evaluated: {exc.code} {exc.message}")
        return None
    source = ctx.questions[name].constraint or ""
    return _rows(ctx, table, name, answered & ~ok, f"constraint not met: {source}")


@check(
    "constraint",
    family="logic",
    severity="error",
    title="Answer breaks the question's constraint",
)
def constraint(ctx: CheckContext) -> pd.DataFrame:
    """Every constraint of the questionnaire re-evaluated on the answers given."""
    return _each_question(ctx, _constraint)


def _required(ctx: CheckContext, table: str | None, name: str) -> pd.DataFrame | None:
    question = ctx.questions[name]
    if question.type is QuestionType.CALCULATE or question.required is False:
        return None
    missing = ctx.empty(table, name) & ctx.relevant(table, name)
    if not missing.any():
        return None
    if isinstance(question.required, str):
        expr = ctx.cq.get(name, "required")
        if expr is None:
            return None
        try:
            missing &= ctx.evaluate(expr, table).to_numpy(dtype=bool)
        except ExpressionError as exc:
            ctx.notes.append(f"required rule of {name} not evaluated: {exc.code} {exc.message}")
            return None
    return _rows(ctx, table, name, missing, "required answer missing although relevant")


@check(
    "required",
    family="logic",
    severity="error",
    title="Required question left empty although relevant",
)
def required(ctx: CheckContext) -> pd.DataFrame:
    """Relevant, required questions without an answer."""
    return _each_question(ctx, _required)


def _not_relevant(ctx: CheckContext, table: str | None, name: str) -> pd.DataFrame | None:
    if ctx.questions[name].type is QuestionType.CALCULATE:
        return None
    answered = ~ctx.empty(table, name)
    if not answered.any():
        return None
    bad = answered & ~ctx.relevant(table, name)
    return _rows(ctx, table, name, bad, "answered although the skip logic says not asked")


@check(
    "answered_not_relevant",
    family="logic",
    severity="error",
    title="Answer present although the question was not relevant",
)
def answered_not_relevant(ctx: CheckContext) -> pd.DataFrame:
    """Answers the skip logic says should not exist."""
    return _each_question(ctx, _not_relevant)


@check(
    "repeat_count",
    family="logic",
    severity="error",
    title="Number of roster entries differs from the count the questionnaire asks for",
)
def repeat_count(ctx: CheckContext) -> pd.DataFrame:
    """Submissions whose repeat (roster) has more or fewer entries than its ``repeat_count``."""
    parts = []
    root = ctx.root
    for _, group in ctx.questionnaire.walk():
        if not isinstance(group, Group) or not group.is_repeat:
            continue
        expr = ctx.cq.get(group.name, "repeat_count")
        if expr is None or ctx.table_of(group.name) is not None:
            continue  # only rosters of the submission itself; nested ones have no count here
        try:
            wanted = pd.to_numeric(ctx.evaluate(expr, None), errors="coerce").to_numpy(float)
        except ExpressionError as exc:
            ctx.notes.append(f"repeat_count of {group.name} not evaluated: {exc.code}")
            continue
        relevant = ctx.relevant(None, group.name)
        wanted = np.where(relevant, np.nan_to_num(wanted, nan=0.0), 0.0)
        table = ctx.tables.get(group.name)
        got = np.zeros(len(root))
        if table is not None and len(table):
            pos = ctx.root_positions(table)
            got = np.bincount(pos[pos >= 0], minlength=len(root)).astype(float)
        bad = got != wanted
        if not bad.any():
            continue
        message = np.char.add(
            np.char.add("roster has ", got[bad].astype(int).astype(str)),
            np.char.add(
                " entries, the questionnaire asks for ", wanted[bad].astype(int).astype(str)
            ),
        )
        parts.append(
            frame(
                instrument=ctx.instrument,
                table=table_label(None),
                key=ctx.keys(None)[bad],
                facility=ctx.facility(None)[bad],
                interviewer=ctx.interviewer(None)[bad],
                question=group.name,
                value=got[bad].astype(int).astype(str).astype(object),
                message=message.astype(object),
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()
