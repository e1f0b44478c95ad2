"""Run the quality checks on a project's store a chunk of rows at a time.

Memory holds one chunk (:data:`CHECK_CHUNK_ROWS` rows, every column) of one table, plus the
root table's few columns that checks about several rows read (keys, facility, interviewer,
device, times, person and condition columns: :meth:`~prisonsurvey.quality.context.
CheckContext.whole_columns`), plus the findings.

- Checks of scope ``rows`` (constraints, required answers, skips, rules, dates, batteries) run
  on each chunk's context; the chunks' findings are put together in row order.
- Checks of scope ``totals`` run once, on a context holding those few columns of every root
  row. What they need from the other columns (answer hashes for duplicates, answer counts by
  interviewer and facility, nonresponse counts, straight-lining by interviewer, roster
  entries) is gathered from each chunk as it passes (:mod:`prisonsurvey.quality.gather`) and
  added up first: aggregate per group, then flag.

Both kinds run the same functions as with whole tables in memory, on which the gathered
quantities are one part per table; so the findings, summary and tables are the same.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import TYPE_CHECKING, Any

import pandas as pd

from prisonsurvey.progress import Progress, report
from prisonsurvey.quality.config import QualityConfig
from prisonsurvey.quality.context import CheckContext, table_label
from prisonsurvey.quality.findings import compact
from prisonsurvey.quality.gather import GATHERS, add_part
from prisonsurvey.quality.registry import Check
from prisonsurvey.quality.report import default_today, prepare, run_settled, settle
from prisonsurvey.questionnaire.model import Group

if TYPE_CHECKING:
    from prisonsurvey.project import Project
    from prisonsurvey.responses.store import Store

CHECK_CHUNK_ROWS = 50_000
"""Rows of one table in memory at a time."""
DUCKDB_MEMORY = "1GB"
"""Memory DuckDB may use while reading the store (beyond it, it spills to a temporary folder)."""


def scan_store(
    project: Project,
    config: QualityConfig,
    checks: list[Check],
    today: dt.date | None,
    audit: pd.DataFrame | None,
    targets: dict[str, int] | None,
    progress: Progress | None = None,
    rows: int | None = None,
) -> tuple[CheckContext, dict[str, pd.DataFrame]]:
    """Run ``checks`` (none of scope ``tables``) on the project's store, chunk by chunk.

    Args:
        project: The survey project; its store must exist.
        config: The ``quality:`` settings.
        checks: The checks to run, in order.
        today: The day ``today()`` means (default: the day the last interview ended).
        audit: Form audit log events, if any.
        targets: Completed interviews wanted per facility, read from the targets file.
        progress: Called as chunks are read and checks run.
        rows: Rows per chunk (default :data:`CHECK_CHUNK_ROWS`).

    Returns:
        The context the checks about several rows ran on (its notes, tables and root) and each
        check's settled findings by id (checks without findings left out).

    Raises:
        InputError: A rule or condition cannot be evaluated (QC003-QC005).
    """
    from prisonsurvey.responses.store import Store

    q = project.questionnaire
    rows = rows or CHECK_CHUNK_ROWS
    with (
        Store.open(project, read_only=True) as store,
        tempfile.TemporaryDirectory(prefix="prisonsurvey-check-") as spill,
    ):
        # DuckDB orders each table for the chunks; past this much it sorts on disk
        store.con.execute(f"SET temp_directory = '{spill}'")
        store.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        repeats = [
            g.name
            for _, g in q.walk()
            if isinstance(g, Group) and g.is_repeat and store.count(q.id, g.name)
        ]
        probe = CheckContext(q, {None: pd.DataFrame()}, config, today or dt.date.today())
        wanted = probe.whole_columns(repeats)
        whole = store.responses(q.id, columns=[c for c in store.columns(q.id) if c in wanted])
        ctx = CheckContext.build(q, {None: whole}, config, today or default_today(whole, config))
        prepare(ctx, targets, audit)
        if ctx.root.empty:
            return ctx, {}
        parts = _scan(store, ctx, checks, [None, *repeats], rows, progress)
    found = run_settled(ctx, [c for c in checks if c.scope != "rows"], config, progress)
    for entry in checks:
        pieces = parts.pop(entry.id, [])
        if pieces:
            settled = settle(entry, pd.concat(pieces, ignore_index=True), config)
            del pieces
            if settled is not None:
                found[entry.id] = settled
    return ctx, found


def _scan(
    store: Store,
    ctx: CheckContext,
    checks: list[Check],
    tables: list[str | None],
    rows: int,
    progress: Progress | None,
) -> dict[str, list[pd.DataFrame]]:
    """Run the row checks on every chunk and gather what the other checks need into ``ctx``."""
    q = ctx.questionnaire
    row_checks = [c for c in checks if c.scope == "rows"]
    needs = {n for c in checks if c.scope == "totals" for n in c.needs}
    gathers = [g for name, g in GATHERS.items() if name in needs]
    parts: dict[str, list[pd.DataFrame]] = {c.id: [] for c in row_checks}
    running: dict[str, Any] = {}
    total = sum(store.count(q.id, t) for t in tables)
    done = 0
    for table in tables:
        nulls = store.null_counts(q.id, table)
        for chunk in store.response_chunks(q.id, table, rows=rows, nulls=nulls):
            report(progress, f"check rows of {table_label(table)}", done, total)
            part = ctx.chunk(table, chunk)
            for entry in row_checks:
                found = entry.run(part)
                if not found.empty:
                    parts[entry.id].append(compact(found))
            for g in gathers:
                if table is None or not g.root_only:
                    add_part(g, running, part, table)
            ctx.notes.extend(part.notes)
            done += len(chunk)
    for g in gathers:
        ctx.totals[g.name] = g.finish(running.get(g.name))
    return parts
