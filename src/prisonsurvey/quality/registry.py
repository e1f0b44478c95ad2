"""The registry of checks: each check is a small function registered under an id.

A check takes the :class:`~prisonsurvey.quality.context.CheckContext` and returns findings
(see :mod:`prisonsurvey.quality.findings`). Register one with::

    @check("duration_short", family="timing", severity="warning",
           title="Interview shorter than the minimum")
    def duration_short(ctx: CheckContext) -> pd.DataFrame: ...

Modules in :mod:`prisonsurvey.quality.checks` register themselves when imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from prisonsurvey.quality.context import CheckContext

CheckFunction = Callable[[CheckContext], pd.DataFrame]


@dataclass(frozen=True)
class Check:
    """A registered check.

    Attributes:
        id: Stable id, used in ``survey.yaml`` and in findings.
        family: The group it belongs to in the report (``logic``, ``duplicates``...).
        severity: Severity of its findings unless the check sets one or the config overrides.
        title: One line saying what it finds.
        run: The function.
    """

    id: str
    family: str
    severity: str
    title: str
    run: CheckFunction


CHECKS: dict[str, Check] = {}
"""Every registered check by id, in registration order."""


def check(id: str, *, family: str, severity: str, title: str) -> Callable[[CheckFunction], Check]:
    """Register the decorated function as a check (see the module docstring)."""

    def wrap(fn: CheckFunction) -> Check:
        entry = Check(id, family, severity, title, fn)
        CHECKS[id] = entry
        return entry

    return wrap


def registered() -> dict[str, Check]:
    """Every check, after importing the modules that register the built-in ones."""
    import prisonsurvey.quality.checks  # noqa: F401

    return dict(CHECKS)
