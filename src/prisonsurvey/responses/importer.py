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

Large Central exports are read and written block by block, made current by one last
transaction (:mod:`~prisonsurvey.responses.import_direct`); the store ends up the same.

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

from prisonsurvey.errors import Severity
from prisonsurvey.project import Project
from prisonsurvey.responses import import_direct as direct
from prisonsurvey.responses.harmonise import repeat_parents
from prisonsurvey.responses.import_batch import assemble_batch
from prisonsurvey.responses.import_read import read_exports
from prisonsurvey.responses.import_result import ImportResult, Progress
from prisonsurvey.responses.import_store import commit_batch
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
    # read through the module so that the threshold can be lowered in one place
    if direct.export_bytes(paths) >= direct.DIRECT_BYTES:
        streamed = direct.import_direct(project, paths, started, progress, before_commit)
        if streamed is not None:
            return streamed
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
