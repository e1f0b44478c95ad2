"""Findings rows shared by several check families: flagged submissions and facilities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.context import CheckContext, table_label
from prisonsurvey.quality.findings import empty_findings, frame


def table_rows(
    ctx: CheckContext,
    table: str | None,
    mask: np.ndarray,
    question: str,
    value: np.ndarray,
    message: object,
    severity: str = "",
) -> pd.DataFrame:
    """One finding per row of ``table`` where ``mask`` holds, with key, facility and interviewer.

    ``severity`` is left empty for the check's own severity.
    """
    return frame(
        severity=severity,
        instrument=ctx.instrument,
        table=table_label(table),
        key=ctx.keys(table)[mask],
        facility=ctx.facility(table)[mask],
        interviewer=ctx.interviewer(table)[mask],
        question=question,
        value=value,
        message=message,
    )


def root_rows(
    ctx: CheckContext, mask: np.ndarray, question: str, value: np.ndarray, message: object
) -> pd.DataFrame:
    """One finding per submission where ``mask`` holds (none when it never holds)."""
    if not mask.any():
        return empty_findings()
    return table_rows(ctx, None, mask, question, value, message)


def facility_rows(
    ctx: CheckContext, sel: pd.DataFrame, value: np.ndarray, message: list[str]
) -> pd.DataFrame:
    """One finding per row of a progress table ``sel`` (a ``facility`` column)."""
    return frame(
        instrument=ctx.instrument,
        facility=sel["facility"].to_numpy(dtype=object),
        value=value,
        message=np.asarray(message, dtype=object),
    )
