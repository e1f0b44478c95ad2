"""The questionnaire's own logic re-run on the data: constraints, required, skips, rosters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import table_rows
from prisonsurvey.quality.context import CheckContext, table_label
from prisonsurvey.quality.findings import empty_findings, frame
from prisonsurvey.quality.gather import append, gather, gathered
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
    for table in ctx.checked_tables():
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
    scope="rows",
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
    scope="rows",
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
    scope="rows",
)
def answered_not_relevant(ctx: CheckContext) -> pd.DataFrame:
    """Answers the skip logic says should not exist."""
    return _each_question(ctx, _not_relevant)


def _rosters(ctx: CheckContext) -> list[Group]:
    """Repeats of the submission itself with a ``repeat_count`` (nested ones have none here)."""
    return [
        g
        for _, g in ctx.questionnaire.walk()
        if isinstance(g, Group)
        and g.is_repeat
        and ctx.cq.get(g.name, "repeat_count") is not None
        and ctx.table_of(g.name) is None
    ]


def _add_entries(
    total: dict[str, np.ndarray] | None, part: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    out = total if total is not None else {}
    for name, got in part.items():
        out[name] = out[name] + got if name in out else got
    return out


@gather("roster_entries", root_only=False, add=_add_entries)
def _entries(ctx: CheckContext, table: str | None) -> dict[str, np.ndarray] | None:
    """Entries of a roster (a repeat table) per submission, at the root's row positions."""
    if table is None or not len(ctx.tables[table]):
        return None
    pos = ctx.root_positions(ctx.tables[table])
    return {table: np.bincount(pos[pos >= 0], minlength=len(ctx.root)).astype(float)}


def _finish_wanted(parts: list[dict[str, np.ndarray | None]] | None) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in parts[0] if parts else ():
        pieces = [p[name] for p in parts or ()]
        if all(v is not None for v in pieces):
            out[name] = np.concatenate([p for p in pieces if p is not None])
    return out


@gather("roster_wanted", root_only=True, add=append, finish=_finish_wanted)
def _wanted(ctx: CheckContext, table: str | None) -> dict[str, np.ndarray | None]:
    """Entries each submission's rosters should have (``None``: count not evaluated)."""
    out: dict[str, np.ndarray | None] = {}
    for group in _rosters(ctx):
        expr = ctx.cq.get(group.name, "repeat_count")
        if expr is None:
            continue
        try:
            wanted = pd.to_numeric(ctx.evaluate(expr, table), errors="coerce").to_numpy(float)
        except ExpressionError as exc:
            ctx.notes.append(f"repeat_count of {group.name} not evaluated: {exc.code}")
            out[group.name] = None
            continue
        relevant = ctx.relevant(table, group.name)
        out[group.name] = np.where(relevant, np.nan_to_num(wanted, nan=0.0), 0.0)
    return out


@check(
    "repeat_count",
    family="logic",
    severity="error",
    title="Number of roster entries differs from the count the questionnaire asks for",
    scope="totals",
    needs=("roster_wanted", "roster_entries"),
)
def repeat_count(ctx: CheckContext) -> pd.DataFrame:
    """Submissions whose repeat (roster) has more or fewer entries than its ``repeat_count``."""
    parts = []
    root = ctx.root
    wanted_by = gathered(ctx, _wanted)
    entries = gathered(ctx, _entries) or {}
    for group in _rosters(ctx):
        if group.name not in wanted_by:
            continue
        wanted = wanted_by[group.name]
        got = entries.get(group.name, np.zeros(len(root)))
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
