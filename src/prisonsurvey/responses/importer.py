"""``import``: field exports into the project's store, whole or not at all, nothing doubled.

:func:`import_files` runs the stages of one import: read the files and check that they are of
the project's form (:mod:`~prisonsurvey.responses.import_read`; bad input raises
:class:`~prisonsurvey.errors.InputError` and changes nothing), type every value against the
questionnaire version it was collected with (:mod:`~prisonsurvey.responses.import_type`), set
aside what cannot be stored (:mod:`~prisonsurvey.responses.import_batch`) and, in ONE
transaction, store the raw rows it has not seen, the new versions of submissions, and the
problems (quarantine) (:mod:`~prisonsurvey.responses.import_store`). A submission is
identified by its key (Central ``KEY``, KoBo ``meta/rootUuid``/``_uuid``, XML
``meta/instanceID``); the same content imported again adds nothing, an edited version (more
``Edits``, or a later import with other content) becomes current and the older one stays as
history.

Codes (input refused, exit 2):
    IMP010  unknown column (see :mod:`prisonsurvey.responses.columns`)
    IMP011  a repeat table the questionnaire does not have
    IMP020  data of another questionnaire version
    IMP021  data of another form
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from prisonsurvey.errors import InputError, Severity
from prisonsurvey.project import Project
from prisonsurvey.responses.harmonise import repeat_parents
from prisonsurvey.responses.import_batch import assemble_batch
from prisonsurvey.responses.import_read import check_tables, read_exports, repeat_names
from prisonsurvey.responses.import_result import ImportResult, Progress
from prisonsurvey.responses.import_spool import Spool, write_spool
from prisonsurvey.responses.import_store import commit_batch, plan_batch
from prisonsurvey.responses.import_stream import (
    STORE_MEMORY_LIMIT,
    STREAM_BYTES,
    Staging,
    export_bytes,
    stage_exports,
)
from prisonsurvey.responses.import_type import type_exports
from prisonsurvey.responses.store import Store

__all__ = ["ImportResult", "Progress", "before_commit", "import_files"]

before_commit: Callable[[], None] | None = None
"""Test hook: called inside the transaction just before ``COMMIT``."""


def import_files(
    project: Project, paths: Sequence[Path], progress: Progress | None = None
) -> ImportResult:
    """Import field exports into the project's store.

    Args:
        project: The survey project (its questionnaire decides columns and types).
        paths: Central ``.csv.zip``/``.csv``, KoBo ``.xlsx``/``.csv``, folders of submission
            XML, plain ``.csv``/``.xlsx``; together they form one import.
        progress: Optional ``progress(stage, done, total)`` callback.

    Returns:
        The counts of the import (also written to the import log).

    Raises:
        InputError: Unreadable files, wrong form or version, unknown columns. Nothing is
            written then.
    """
    started = datetime.now(UTC).replace(tzinfo=None)
    q = project.questionnaire
    if export_bytes(paths) >= STREAM_BYTES:
        with stage_exports(paths, repeat_names(q)) as staging:
            if staging is not None:
                return _import_staged(project, paths, staging, started, progress)
    parents = repeat_parents(q)
    read = read_exports(project, paths, progress)
    tables, typed = type_exports(project, read, progress)
    result = ImportResult(
        files=[str(p) for p in paths],
        formats=sorted({t.format for t in tables}),
        notes=[n for n in read.notes if n.severity is not Severity.ERROR],
    )
    with Store.open(project) as store:
        batch = assemble_batch(store, q, tables, typed, parents, result)
        commit_batch(
            store, q, tables, typed, batch, parents, result, started, progress, before_commit
        )
    return result


_COUNTS = ("read", "quarantined", "new", "updated", "unchanged", "quarantine_rows")


def _import_staged(
    project: Project,
    paths: Sequence[Path],
    staging: Staging,
    started: datetime,
    progress: Progress | None,
) -> ImportResult:
    """Import a staged export chunk by chunk of submissions, stored in one transaction."""
    q = project.questionnaire
    parents = repeat_parents(q)
    first = staging.chunk(0)
    errors, notes = check_tables(q, project, first.tables)
    if errors:
        raise InputError(errors)
    result = ImportResult(
        files=[str(p) for p in paths],
        formats=sorted({t.format for t in first.tables}),
        notes=[n for n in notes if n.severity is not Severity.ERROR],
    )
    with Store.open(project) as store:
        store.con.execute(f"SET memory_limit = '{STORE_MEMORY_LIMIT}'")
        row = store.con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchone()
        import_id = int(row[0]) if row else 1
        # each chunk is planned against the store as it was before the import (a submission's
        # rows are all in one chunk) and spooled; the store is written once, at the end
        spool = Spool(staging)
        for k in range(staging.chunks):
            read = first if k == 0 else staging.chunk(k)
            if progress:
                progress("importing", k, staging.chunks)
            tables, typed = type_exports(project, read)
            part = ImportResult(files=result.files)
            batch = assemble_batch(store, q, tables, typed, parents, part)
            planned = plan_batch(store, q, batch, part, import_id)
            spool.add(planned, read.tables, tables, typed)
            for name in _COUNTS:
                setattr(result, name, getattr(result, name) + getattr(part, name))
            del read, tables, typed, batch, planned
        write_spool(store, q, spool, parents, result, import_id, started, before_commit)
    if progress:
        progress("importing", staging.chunks, staging.chunks)
    return result
