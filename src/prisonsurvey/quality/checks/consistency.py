"""Impossible or unlikely combinations (rules in ``survey.yaml``) and dates in the future."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import table_rows
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import empty_findings
from prisonsurvey.quality.registry import check
from prisonsurvey.questionnaire.expressions import ExpressionError, references
from prisonsurvey.questionnaire.model import QuestionType


@check(
    "consistency",
    family="consistency",
    severity="error",
    title="Impossible or unlikely combination of answers",
    scope="rows",
)
def consistency(ctx: CheckContext) -> pd.DataFrame:
    """Every rule of ``quality.rules`` (or the default rules) evaluated on its table.

    The findings carry ``_part``, the rule's place in the list, so that the findings of
    chunks put together keep the rules' order.
    """
    parts = []
    tables = ctx.checked_tables()
    for i, (rule, expr) in enumerate(ctx.rules()):
        table = rule.table
        if table not in tables:
            continue
        try:
            flagged = ctx.evaluate(expr, table).to_numpy(dtype=bool)
        except ExpressionError as exc:
            ctx.notes.append(f"rule {rule.id} not evaluated: {exc.code} {exc.message}")
            continue
        if not flagged.any():
            continue
        used = sorted(references(expr))
        question = rule.question or (used[-1] if used else "")
        df = ctx.tables[table]
        values = (
            ctx.shown(question, df[question][flagged])
            if question in df.columns
            else np.full(int(flagged.sum()), "", dtype=object)
        )
        parts.append(
            table_rows(
                ctx,
                table,
                flagged,
                question,
                values,
                f"{rule.id}: {rule.message}",
                severity=rule.severity,
            ).assign(_part=i)
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


def _interview_day(ctx: CheckContext, table: str | None) -> pd.Series:
    """The day each row's interview ended (``today`` when the time is not known)."""
    end_col = ctx.config.columns.end
    df = ctx.tables[table]
    fallback = pd.Timestamp(ctx.today)
    if end_col in df.columns:
        end = pd.to_datetime(df[end_col], errors="coerce").dt.normalize()
        return end.fillna(fallback)
    root = ctx.root
    if table is not None and end_col in root.columns and "_parent_key" in df.columns:
        pos = ctx.root_positions(df)
        ends = pd.to_datetime(root[end_col], errors="coerce").dt.normalize().to_numpy()
        picked = pd.Series(np.where(pos >= 0, ends[np.maximum(pos, 0)], np.datetime64("NaT")))
        return picked.fillna(fallback).set_axis(df.index)
    return pd.Series(fallback, index=df.index)


@check(
    "future_date",
    family="consistency",
    severity="error",
    title="Date after the day of the interview",
    scope="rows",
)
def future_date(ctx: CheckContext) -> pd.DataFrame:
    """Date and date-time answers later than the day the interview ended."""
    parts = []
    for table in ctx.checked_tables():
        dates = [
            q for q in ctx.present(table) if q.type in (QuestionType.DATE, QuestionType.DATETIME)
        ]
        if not dates:
            continue
        day = _interview_day(ctx, table)
        limit = day + pd.Timedelta(days=1)
        for question in dates:
            values = pd.to_datetime(ctx.tables[table][question.name], errors="coerce")
            bad = (values >= limit).fillna(False).to_numpy(dtype=bool)
            if not bad.any():
                continue
            parts.append(
                table_rows(
                    ctx,
                    table,
                    bad,
                    question.name,
                    ctx.shown(question.name, values[bad]),
                    "date after the day of the interview",
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()
