"""The registry of checks: each check is a small function registered under an id.

A check takes the :class:`~prisonsurvey.quality.context.CheckContext` and returns findings
(see :mod:`prisonsurvey.quality.findings`). Register one with::

    @check("duration_short", family="timing", severity="warning",
           title="Interview shorter than the minimum")
    def duration_short(ctx: CheckContext) -> pd.DataFrame: ...

Modules in :mod:`prisonsurvey.quality.checks` register themselves when imported.

Each check says what it needs to see (``scope``), so that a store larger than memory can be
checked a chunk of rows at a time (:mod:`prisonsurvey.quality.scan`):

``rows``    findings about single rows only: run on each chunk of each table in turn, the
            findings of the chunks put together (the context lists the tables of the chunk
            in :meth:`~prisonsurvey.quality.context.CheckContext.checked_tables`);
``totals``  findings about several rows: run once on a context whose root table holds only
            the columns of :meth:`~prisonsurvey.quality.context.CheckContext.whole_columns`,
            anything else read through :func:`~prisonsurvey.quality.gather.gathered`;
``tables``  (the default, for checks added from outside) every table whole in memory.
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
        scope: ``rows``, ``totals`` or ``tables`` (see the module docstring).
        needs: Names of the :mod:`~prisonsurvey.quality.gather` quantities it reads.
    """

    id: str
    family: str
    severity: str
    title: str
    run: CheckFunction
    scope: str = "tables"
    needs: tuple[str, ...] = ()


CHECKS: dict[str, Check] = {}
"""Every registered check by id, in registration order."""


SCOPES = ("rows", "totals", "tables")


def check(
    id: str,
    *,
    family: str,
    severity: str,
    title: str,
    scope: str = "tables",
    needs: tuple[str, ...] = (),
) -> Callable[[CheckFunction], Check]:
    """Register the decorated function as a check (see the module docstring)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")

    def wrap(fn: CheckFunction) -> Check:
        entry = Check(id, family, severity, title, fn, scope, needs)
        CHECKS[id] = entry
        return entry

    return wrap


def registered() -> dict[str, Check]:
    """Every check, after importing the modules that register the built-in ones."""
    import prisonsurvey.quality.checks  # noqa: F401

    return dict(CHECKS)
