"""Interview timing: duration from start and end, and interviews outside working hours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.audit import minutes_for
from prisonsurvey.quality.checks._rows import root_rows
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import as_text, empty_findings
from prisonsurvey.quality.registry import check


def _times(ctx: CheckContext) -> tuple[pd.Series, pd.Series] | None:
    cols = ctx.config.columns
    root = ctx.root
    if root.empty or cols.start not in root.columns or cols.end not in root.columns:
        ctx.notes.append(f"timing: needs columns {cols.start} and {cols.end}")
        return None
    return (
        pd.to_datetime(root[cols.start], errors="coerce"),
        pd.to_datetime(root[cols.end], errors="coerce"),
    )


def minutes(ctx: CheckContext) -> pd.Series | None:
    """Length of each interview in minutes (``None`` when it cannot be known).

    The time spent on question screens from the audit log when the submission has one, else
    ``end - start``.
    """
    audit = minutes_for(ctx.keys(None), ctx.audit)
    times = _times(ctx) if np.isnan(audit).any() else None
    if times is None:
        if np.isnan(audit).all():
            return None
        return pd.Series(audit)
    start, end = times
    clock = ((end - start).dt.total_seconds() / 60.0).to_numpy(dtype=float)
    return pd.Series(np.where(np.isnan(audit), clock, audit))


def _beyond(
    ctx: CheckContext, length: pd.Series, outside: pd.Series, limit: float, word: str
) -> pd.DataFrame:
    mask = outside.fillna(False).to_numpy(dtype=bool) & ctx.completed
    return root_rows(
        ctx, mask, "", as_text(length[mask].round(1)), f"interview {word} than {limit:g} minutes"
    )


def _by_interviewer(ctx: CheckContext, length: pd.Series) -> pd.DataFrame:
    """Per interviewer: completed interviews and their length in minutes (quartiles)."""
    done = ctx.completed
    frame_ = pd.DataFrame(
        {"interviewer": ctx.interviewer(None)[done], "minutes": length.to_numpy()[done]}
    )
    grouped = frame_.groupby("interviewer", sort=True)["minutes"]
    table = pd.DataFrame(
        {
            "completed": grouped.size(),
            "minutes_q1": grouped.quantile(0.25),
            "minutes_median": grouped.median(),
            "minutes_q3": grouped.quantile(0.75),
        }
    ).round(1)
    return table.reset_index()


@check(
    "duration_short",
    family="timing",
    severity="warning",
    title="Completed interview shorter than the minimum",
    scope="totals",
)
def duration_short(ctx: CheckContext) -> pd.DataFrame:
    """Completed interviews shorter than ``thresholds.min_minutes`` (or ending before start)."""
    length = minutes(ctx)
    if length is None:
        return empty_findings()
    limit = ctx.config.thresholds.min_minutes
    ctx.extra_tables["duration_by_interviewer"] = _by_interviewer(ctx, length)
    return _beyond(ctx, length, length < limit, limit, "shorter")


@check(
    "duration_long",
    family="timing",
    severity="warning",
    title="Completed interview longer than the maximum",
    scope="totals",
)
def duration_long(ctx: CheckContext) -> pd.DataFrame:
    """Completed interviews longer than ``thresholds.max_minutes``."""
    length = minutes(ctx)
    if length is None:
        return empty_findings()
    limit = ctx.config.thresholds.max_minutes
    return _beyond(ctx, length, length > limit, limit, "longer")


@check(
    "outside_hours",
    family="timing",
    severity="warning",
    title="Interview outside working hours",
    scope="totals",
)
def outside_hours(ctx: CheckContext) -> pd.DataFrame:
    """Interviews starting before ``day_start`` or ending at or after ``day_end`` o'clock."""
    times = _times(ctx)
    if times is None:
        return empty_findings()
    start, end = times
    t = ctx.config.thresholds
    start_h = start.dt.hour + start.dt.minute / 60
    end_h = end.dt.hour + end.dt.minute / 60 + (end.dt.normalize() > start.dt.normalize()) * 24
    mask = ((start_h < t.day_start) | (end_h > t.day_end)).fillna(False).to_numpy(dtype=bool)
    value = np.char.add(
        np.char.add(as_text(start[mask]).astype(str), " to "), as_text(end[mask]).astype(str)
    )
    return root_rows(
        ctx,
        mask,
        "",
        value.astype(object),
        f"interview outside {t.day_start:02d}:00-{t.day_end:02d}:00",
    )
