"""Fieldwork progress per facility against the sample targets; facilities that are behind."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import facility_rows
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import as_text, empty_findings
from prisonsurvey.quality.registry import check


def expected_share(ctx: CheckContext) -> float:
    """Share of the targets that should be done by ``today`` (1 without fieldwork dates)."""
    fw = ctx.config.fieldwork
    if fw is None:
        return 1.0
    days = (fw.end - fw.start).days + 1
    done = (min(max(ctx.today, fw.start - dt.timedelta(days=1)), fw.end) - fw.start).days + 1
    return float(min(max(done / days, 0.0), 1.0))


def targets(ctx: CheckContext) -> dict[str, int]:
    """Targets by facility code as text (from ``quality.targets``, read by the caller)."""
    given = ctx.cache.get("targets")
    if isinstance(given, dict):
        return {str(k): int(v) for k, v in given.items()}
    if isinstance(ctx.config.targets, dict):
        return {str(k): int(v) for k, v in ctx.config.targets.items()}
    return {}


def _facility_names(ctx: CheckContext) -> dict[str, str]:
    """Facility codes to their label in the default language, when the facility is a select."""
    question = ctx.questions.get(ctx.config.columns.facility)
    if question is None or question.choices not in ctx.questionnaire.choice_lists:
        return {}
    lang = ctx.questionnaire.default_language
    return {
        str(c.code): c.label.get(lang, c.name)
        for c in ctx.questionnaire.choice_lists[question.choices or ""].choices
    }


def progress_table(ctx: CheckContext) -> pd.DataFrame:
    """Per facility: name, submissions, completed, refused, other, response rate, target, share."""
    fac = pd.Series(ctx.facility(None), dtype=object)
    base = pd.DataFrame(
        {
            "facility": fac,
            "submissions": 1,
            "completed": ctx.completed.astype(int),
            "refused": (ctx.refused & ~ctx.completed).astype(int),
        }
    )
    grouped = base.groupby("facility", sort=True)[["submissions", "completed", "refused"]].sum()
    wanted = targets(ctx)
    index = sorted(set(grouped.index) | set(wanted), key=lambda x: (len(x), x))
    table = grouped.reindex(index, fill_value=0).reset_index().rename(columns={"index": "facility"})
    table.insert(1, "name", [_facility_names(ctx).get(f, "") for f in table["facility"]])
    table["other"] = table["submissions"] - table["completed"] - table["refused"]
    with np.errstate(all="ignore"):
        decided = (table["completed"] + table["refused"]).to_numpy(dtype=float)
        table["response_rate"] = np.round(table["completed"].to_numpy(dtype=float) / decided, 4)
    table["target"] = [wanted.get(f, pd.NA) for f in table["facility"]]
    table["target"] = table["target"].astype("Int64")
    share = expected_share(ctx)
    table["expected_by_now"] = (table["target"].astype("Float64") * share).round(1)
    table["share_of_target"] = (
        table["completed"].astype("Float64") / table["target"].astype("Float64")
    ).round(4)
    ctx.extra_tables["progress"] = table
    return table


@check(
    "progress_behind",
    family="progress",
    severity="warning",
    title="Facility behind its target of completed interviews",
    scope="totals",
)
def progress_behind(ctx: CheckContext) -> pd.DataFrame:
    """Facilities with fewer completed interviews than expected by now."""
    table = progress_table(ctx)
    tol = ctx.config.thresholds.progress_tolerance
    expected = table["expected_by_now"].astype("Float64")
    behind = (table["completed"] < expected * (1 - tol)).fillna(False).to_numpy(dtype=bool)
    if not behind.any():
        return empty_findings()
    sel = table[behind]
    message = [
        f"{c} completed of a target of {t} ({e:g} expected by now)"
        for c, t, e in zip(sel["completed"], sel["target"], sel["expected_by_now"], strict=True)
    ]
    return facility_rows(ctx, sel, as_text(sel["completed"]), message)


@check(
    "response_rate",
    family="progress",
    severity="warning",
    title="Facility with a low response rate",
    scope="totals",
)
def response_rate(ctx: CheckContext) -> pd.DataFrame:
    """Facilities whose share of completed among completed and refused is below the limit."""
    table = progress_table(ctx)
    t = ctx.config.thresholds
    decided = table["completed"] + table["refused"]
    low = ((decided >= 1) & (table["response_rate"] < t.response_rate)).to_numpy(dtype=bool)
    if not low.any():
        return empty_findings()
    sel = table[low]
    message = [
        f"response rate {r * 100:.1f}% ({c} completed, {f} refused)"
        for r, c, f in zip(sel["response_rate"], sel["completed"], sel["refused"], strict=True)
    ]
    return facility_rows(ctx, sel, as_text(sel["response_rate"]), message)
