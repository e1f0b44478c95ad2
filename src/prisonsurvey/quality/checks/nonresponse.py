"""Item nonresponse (empty, don't know, refused) by question, by interviewer, by facility."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.context import CheckContext, table_label
from prisonsurvey.quality.findings import as_text, empty_findings, frame
from prisonsurvey.quality.gather import append, gather, gathered
from prisonsurvey.quality.registry import check
from prisonsurvey.quality.stats import benjamini_hochberg, higher_rate_p, rest_rate
from prisonsurvey.questionnaire.model import QuestionType

KINDS = ("unanswered", "dont_know", "refused")


_Part = tuple[list[tuple[str, str, dict[str, int]]], dict[str, pd.DataFrame]]


@gather("nonresponse", root_only=False, add=append)
def _table_counts(ctx: CheckContext, table: str | None) -> _Part | None:
    """One table's relevant answers and nonresponse counts by question and by group."""
    df = ctx.tables[table]
    if df.empty:
        return None
    by_question: list[tuple[str, str, dict[str, int]]] = []
    labels = {"interviewer": ctx.interviewer(table), "facility": ctx.facility(table)}
    codes = {}
    for dim, values in labels.items():
        uniq, inverse = np.unique(values.astype(str), return_inverse=True)
        codes[dim] = (uniq, inverse)
    sums = {dim: {k: np.zeros(len(codes[dim][0])) for k in ("relevant", *KINDS)} for dim in codes}
    for question in ctx.present(table):
        if question.type is QuestionType.CALCULATE:
            continue
        relevant = ctx.relevant(table, question.name)
        unanswered = relevant & ctx.empty(table, question.name)
        dk, rf = ctx.missing_code(table, question.name)
        arrays = {
            "relevant": relevant,
            "unanswered": unanswered,
            "dont_know": dk & relevant,
            "refused": rf & relevant,
        }
        counts = {k: int(v.sum()) for k, v in arrays.items()}
        by_question.append((question.name, table_label(table), counts))
        for dim, (uniq, inverse) in codes.items():
            for k, v in arrays.items():
                sums[dim][k] += np.bincount(inverse, weights=v, minlength=len(uniq))
    groups = {dim: pd.DataFrame({"group": uniq, **sums[dim]}) for dim, (uniq, _) in codes.items()}
    return by_question, groups


def _counts(ctx: CheckContext) -> dict[str, pd.DataFrame]:
    """Relevant answers and nonresponse counts by question, interviewer and facility."""
    cached = ctx.cache.get("nonresponse")
    if isinstance(cached, dict):
        return cached
    parts: list[_Part] = gathered(ctx, _table_counts) or []
    by_question: dict[tuple[str, str], dict[str, int]] = {}
    for rows, _ in parts:
        for question, table, counts in rows:  # a table's chunks add up
            seen = by_question.setdefault((question, table), dict.fromkeys(counts, 0))
            for k, n in counts.items():
                seen[k] += n
    out: dict[str, pd.DataFrame] = {}
    q = pd.DataFrame(
        [{"question": name, "table": t, **n} for (name, t), n in by_question.items()],
        columns=["question", "table", "relevant", *KINDS],
    )
    out["question"] = _with_rates(q)
    for dim in ("interviewer", "facility"):
        frames = [groups[dim] for _, groups in parts]
        f = (
            pd.concat(frames).groupby("group", as_index=False).sum()
            if frames
            else pd.DataFrame(columns=["group", "relevant", *KINDS])
        )
        f = f.rename(columns={"group": dim})
        for k in ("relevant", *KINDS):
            f[k] = f[k].astype("int64")
        out[dim] = _with_rates(f)
    ctx.cache["nonresponse"] = out
    for dim, summary in out.items():
        ctx.extra_tables[f"nonresponse_by_{dim}"] = summary
    return out


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    with np.errstate(all="ignore"):
        rel = df["relevant"].to_numpy(dtype=float)
        for k in KINDS:
            df[f"{k}_rate"] = np.round(df[k].to_numpy(dtype=float) / rel, 4)
        total = df[list(KINDS)].sum(axis=1).to_numpy(dtype=float)
        df["nonresponse_rate"] = np.round(total / rel, 4)
    return df


@check(
    "nonresponse_question",
    family="nonresponse",
    severity="warning",
    title="Question with a high item nonresponse rate",
    scope="totals",
    needs=("nonresponse",),
)
def nonresponse_question(ctx: CheckContext) -> pd.DataFrame:
    """Questions whose share of empty, don't know or refused answers exceeds the threshold."""
    q = _counts(ctx)["question"]
    t = ctx.config.thresholds
    bad = q[(q["relevant"] >= t.min_n) & (q["nonresponse_rate"] > t.nonresponse_rate)]
    if bad.empty:
        return empty_findings()
    rates = (bad["nonresponse_rate"] * 100).round(1).astype(str)
    message = (
        "item nonresponse "
        + rates
        + "% of "
        + bad["relevant"].astype(str)
        + " relevant (empty "
        + bad["unanswered"].astype(str)
        + ", don't know "
        + bad["dont_know"].astype(str)
        + ", refused "
        + bad["refused"].astype(str)
        + ")"
    )
    return frame(
        instrument=ctx.instrument,
        table=bad["table"].to_numpy(dtype=object),
        question=bad["question"].to_numpy(dtype=object),
        value=as_text(bad["nonresponse_rate"]),
        message=message.to_numpy(dtype=object),
    )


def _groups(ctx: CheckContext, dim: str) -> pd.DataFrame:
    f = _counts(ctx)[dim]
    t = ctx.config.thresholds
    f = f[f[dim] != ""]
    if len(f) < 2:
        return empty_findings()
    events = f[list(KINDS)].sum(axis=1).to_numpy(dtype=float)
    trials = f["relevant"].to_numpy(dtype=float)
    q = benjamini_hochberg(higher_rate_p(events, trials))
    with np.errstate(all="ignore"):
        rate = events / trials
        ratio = rate / rest_rate(events, trials)
    bad = (trials >= t.min_n) & (q < t.alpha) & (ratio >= t.nonresponse_ratio)
    if not bad.any():
        return empty_findings()
    sel = f[bad]
    message = [
        f"item nonresponse {r * 100:.1f}% of {int(n)} relevant answers, {x:.1f} times the "
        f"others' rate (q = {qq:.2g}; don't know {int(d)}, refused {int(rf)}, empty {int(u)})"
        for r, n, x, qq, d, rf, u in zip(
            rate[bad],
            trials[bad],
            ratio[bad],
            q[bad],
            sel["dont_know"],
            sel["refused"],
            sel["unanswered"],
            strict=True,
        )
    ]
    values = sel[dim].to_numpy(dtype=object)
    return frame(
        instrument=ctx.instrument,
        facility=values if dim == "facility" else "",
        interviewer=values if dim == "interviewer" else "",
        value=as_text(pd.Series(np.round(rate[bad], 4))),
        message=np.asarray(message, dtype=object),
    )


@check(
    "nonresponse_interviewer",
    family="nonresponse",
    severity="warning",
    title="Interviewer with more nonresponse than the others, beyond chance",
    scope="totals",
    needs=("nonresponse",),
)
def nonresponse_interviewer(ctx: CheckContext) -> pd.DataFrame:
    """Interviewers whose item nonresponse is well above everybody else's."""
    return _groups(ctx, "interviewer")


@check(
    "nonresponse_facility",
    family="nonresponse",
    severity="warning",
    title="Facility with more nonresponse than the others, beyond chance",
    scope="totals",
    needs=("nonresponse",),
)
def nonresponse_facility(ctx: CheckContext) -> pd.DataFrame:
    """Facilities whose item nonresponse is well above everybody else's."""
    return _groups(ctx, "facility")
