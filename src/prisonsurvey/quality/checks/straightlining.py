"""Straight-lining: one answer to every item of a battery, by submission and by interviewer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import table_rows
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import as_text, empty_findings, frame
from prisonsurvey.quality.gather import gather, gathered
from prisonsurvey.quality.registry import check
from prisonsurvey.quality.stats import benjamini_hochberg, higher_rate_p, rest_rate
from prisonsurvey.questionnaire.batteries import find_batteries

_Counts = tuple[dict[str, float], dict[str, float]]


def batteries(ctx: CheckContext) -> dict[str, tuple[str, ...]]:
    """The batteries checked: from ``quality.batteries`` or found in the questionnaire.

    Found batteries are runs of at least ``straightlining_items`` consecutive select_one
    questions of one group that share a choice list with four or more substantive answers (a
    rating scale); each is named after its first question.
    """
    given = ctx.config.batteries
    if given is not None:
        return {k: v for k, v in given.items() if all(q in ctx.questions for q in v)}
    return find_batteries(ctx.questionnaire, ctx.config.thresholds.straightlining_items)


def _straight(ctx: CheckContext) -> list[tuple[str, str | None, np.ndarray, np.ndarray]]:
    """Each battery's name, table, rows straight-lined and the value repeated."""
    cached = ctx.cache.get("straightlining")
    if isinstance(cached, list):
        return cached
    need = ctx.config.thresholds.straightlining_items
    out = []
    tables = ctx.checked_tables()
    for name, items in batteries(ctx).items():
        table = ctx.table_of(items[0])
        df = ctx.tables.get(table)
        if df is None or table not in tables or any(q not in df.columns for q in items):
            continue
        values = np.column_stack(
            [pd.to_numeric(df[q], errors="coerce").to_numpy(dtype=float) for q in items]
        )
        missing = np.zeros(values.shape, dtype=bool)
        for j, q in enumerate(items):
            dk, rf = ctx.missing_code(table, q)
            missing[:, j] = dk | rf | np.isnan(values[:, j])
        substantive = ~missing
        first = np.where(substantive, values, np.nan)
        ref = np.nanmax(first, axis=1, initial=-np.inf)
        same = (values == ref[:, None]) | ~substantive
        straight = same.all(axis=1) & (substantive.sum(axis=1) >= need)
        out.append((name, table, straight, ref))
    ctx.cache["straightlining"] = out
    return out


@check(
    "straightlining",
    family="straightlining",
    severity="info",
    title="Same answer to every item of a battery",
    scope="rows",
)
def straightlining(ctx: CheckContext) -> pd.DataFrame:
    """Submissions answering every item of a battery alike."""
    parts = []
    for name, table, straight, ref in _straight(ctx):
        if not straight.any():
            continue
        parts.append(
            table_rows(
                ctx,
                table,
                straight,
                name,
                as_text(pd.Series(ref[straight])),
                f"same answer to every item of the battery starting at {name}",
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


def _add_counts(total: _Counts | None, part: _Counts) -> _Counts:
    if total is None:
        total = ({}, {})
    for mine, theirs in zip(total, part, strict=True):
        for k, v in theirs.items():
            mine[k] = mine.get(k, 0.0) + v
    return total


@gather("straightlining_by_interviewer", root_only=False, add=_add_counts)
def _by_interviewer(ctx: CheckContext, table: str | None) -> _Counts:
    """Batteries straight-lined (events) and answered (trials) by interviewer in ``table``."""
    events: dict[str, float] = {}
    trials: dict[str, float] = {}
    for _, where, straight, ref in _straight(ctx):
        if where != table:
            continue
        who = pd.Series(ctx.interviewer(table))
        answered = ~np.isinf(ref)
        e = pd.Series(straight[answered]).groupby(who[answered].to_numpy()).sum()
        n = who[answered].value_counts()
        for k, v in e.items():
            events[str(k)] = events.get(str(k), 0.0) + float(v)
        for k, v in n.items():
            trials[str(k)] = trials.get(str(k), 0.0) + float(v)
    return events, trials


@check(
    "straightlining_interviewer",
    family="straightlining",
    severity="warning",
    title="Interviewer with more straight-lining than the others, beyond chance",
    scope="totals",
    needs=("straightlining_by_interviewer",),
)
def straightlining_interviewer(ctx: CheckContext) -> pd.DataFrame:
    """Interviewers whose batteries are straight-lined more often than everybody else's."""
    t = ctx.config.thresholds
    events, trials = gathered(ctx, _by_interviewer)
    names = sorted(k for k in trials if k != "")
    if len(names) < 2:
        return empty_findings()
    ev = np.array([events.get(k, 0.0) for k in names])
    tr = np.array([trials[k] for k in names])
    q = benjamini_hochberg(higher_rate_p(ev, tr))
    with np.errstate(all="ignore"):
        rate = ev / tr
        ratio = rate / rest_rate(ev, tr)
    bad = (tr >= t.min_n) & (q < t.alpha) & (ratio >= 2)
    if not bad.any():
        return empty_findings()
    message = [
        f"straight-lined {int(e)} of {int(n)} batteries ({r * 100:.1f}%), q = {qq:.2g}"
        for e, n, r, qq in zip(ev[bad], tr[bad], rate[bad], q[bad], strict=True)
    ]
    return frame(
        instrument=ctx.instrument,
        interviewer=np.asarray(names, dtype=object)[bad],
        value=as_text(pd.Series(np.round(rate[bad], 4))),
        message=np.asarray(message, dtype=object),
    )
