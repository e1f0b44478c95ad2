"""Import stage 3b: write one import's batch into the store in a single transaction.

:func:`commit_batch` numbers the import, finds which submissions are new, which changed (a
newer version becomes current, the older one stays as history) and which the store already
holds, then writes the typed rows, the raw rows, the quarantine and the import log, and
commits: all of it or, on any failure (or a killed process), none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.harmonise import TypedTable
from prisonsurvey.responses.import_batch import Batch
from prisonsurvey.responses.import_result import ImportResult, Progress
from prisonsurvey.responses.rawstore import insert_raw
from prisonsurvey.responses.sources import RawTable
from prisonsurvey.responses.store import Store, table_name


def commit_batch(
    store: Store,
    q: Questionnaire,
    tables: list[RawTable],
    typed: dict[int, TypedTable],
    batch: Batch,
    parents: dict[str, str | None],
    result: ImportResult,
    started: datetime,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Store one import's batch, whole or not at all.

    Args:
        store: The open store.
        q: The project's questionnaire.
        tables: The tables read (their raw rows are kept).
        typed: Their typed frames by position (for the raw rows' keys).
        batch: What :func:`~prisonsurvey.responses.import_batch.assemble_batch` kept.
        parents: Each repeat's parent repeat.
        result: Receives the counts and the import number.
        started: When the import started (for the log).
        progress: Optional ``progress(stage, done, total)`` callback.
        before_commit: Called inside the transaction just before ``COMMIT``.
    """
    import_id = begin_import(store)
    try:
        write_batch(store, q, tables, typed, batch, parents, result, import_id, progress)
        finish_import(store, q, result, import_id, started, before_commit)
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    if progress:
        progress("writing", 1, 1)


NEXT_IMPORT = "SELECT coalesce(max(import_id), 0) + 1 FROM import_log"
"""The number of the next import."""


def begin_import(store: Store) -> int:
    """Open the import's transaction and return its number."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        row = store.con.execute(NEXT_IMPORT).fetchall()[0]
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    return int(row[0]) if row else 1


@dataclass
class Planned:
    """What one batch adds to the store.

    Attributes:
        changed: Keys of stored submissions whose current version changes.
        root: The new root rows (versions), finished with ``_current`` and ``_import_id``.
        children: The new repeat rows by repeat name, finished the same way.
        quarantine: The problems with ``import_id`` and ``q_hash``.
    """

    changed: list[str]
    root: pd.DataFrame
    children: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame


def plan_batch(
    store: Store, q: Questionnaire, batch: Batch, result: ImportResult, import_id: int
) -> Planned:
    """Decide what a batch adds, against the store as it is; sets the batch's counts.

    A submission's rows are all in one batch, so the batches of one import can be planned
    against the store as it was before the import and written afterwards.
    """
    con = store.con
    root_name = table_name(q.id)
    qframe = batch.quarantine
    good_children = batch.children
    batch_root = batch.root
    existing = pd.DataFrame(
        {
            "_key": pd.Series(dtype=object),
            "_sub_hash": pd.Series(dtype="uint64"),
            "_edits": pd.Series(dtype="int64"),
            "_current": pd.Series(dtype=bool),
        }
    )
    if store.has_table(root_name) and len(batch_root):
        con.register("keys_df", pd.DataFrame({"k": batch_root["_key"].astype(object).unique()}))
        existing = con.execute(
            f"SELECT _key, _sub_hash, _edits, _current FROM {root_name} "
            "WHERE _key IN (SELECT k FROM keys_df)"
        ).df()
        con.unregister("keys_df")
    ex_pairs = set(
        zip(existing["_key"].astype(object), existing["_sub_hash"].astype("uint64"), strict=True)
    )
    is_new = np.array(
        [
            (k, h) not in ex_pairs
            for k, h in zip(batch_root["_key"], batch_root["_sub_hash"], strict=True)
        ],
        dtype=bool,
    )
    versions = batch_root[is_new].copy()
    cur = existing[existing["_current"].astype(bool)]
    cand = pd.concat(
        [
            pd.DataFrame(
                {
                    "_key": cur["_key"].astype(object),
                    "_sub_hash": cur["_sub_hash"].astype("uint64"),
                    "_edits": cur["_edits"].astype("int64"),
                    "_seq": -1,
                }
            ),
            pd.DataFrame(
                {
                    "_key": versions["_key"].astype(object),
                    "_sub_hash": versions["_sub_hash"].astype("uint64"),
                    "_edits": versions["_edits"].astype("int64"),
                    "_seq": versions["_seq"],
                }
            ),
        ],
        ignore_index=True,
    )
    winners = cand.sort_values(["_key", "_edits", "_seq"]).groupby("_key").tail(1)
    win = dict(zip(winners["_key"], winners["_sub_hash"].astype("uint64"), strict=True))
    cur_hash = dict(zip(cur["_key"], cur["_sub_hash"].astype("uint64"), strict=True))
    stored = set(existing["_key"])
    changed = sorted(k for k in win if k in cur_hash and win[k] != cur_hash[k])
    keys = set(batch_root["_key"])
    result.new = len(keys - stored)
    result.updated = len(changed)
    result.unchanged = len(keys) - result.new - result.updated
    pairs = set(zip(versions["_key"], versions["_sub_hash"], strict=True))
    children: dict[str, pd.DataFrame] = {}
    for rep, c in good_children.items():
        keep = np.array(
            [(k, h) in pairs for k, h in zip(c["_root_key"], c["_sub_hash"], strict=True)],
            dtype=bool,
        )
        c = c[keep].drop_duplicates(["_key", "_sub_hash"])
        children[rep] = _finish(c, win, "_root_key", import_id)
    qframe = finish_quarantine(qframe, import_id)
    result.quarantine_rows = len(qframe)
    return Planned(changed, _finish(versions, win, "_key", import_id), children, qframe)


def finish_quarantine(qframe: pd.DataFrame, import_id: int) -> pd.DataFrame:
    """Quarantine rows with their import and the hash that keeps each problem once."""
    if not len(qframe):
        return qframe
    qframe = qframe.astype({"value": str, "column_name": str, "code": str})
    qframe["import_id"] = import_id
    qframe["q_hash"] = pd.util.hash_pandas_object(
        qframe[["source_file", "row_number", "table_name", "column_name", "value", "code"]].astype(
            str
        ),
        index=False,
    ).to_numpy()
    return qframe


QUARANTINE_INSERT = (
    "INSERT INTO quarantine SELECT import_id, source_file, sheet, row_number, "
    "table_name, record_key, column_name, value, code, reason, q_hash FROM "
    "(SELECT DISTINCT ON (q_hash) * FROM {source}) r WHERE NOT EXISTS "
    "(SELECT 1 FROM quarantine x WHERE x.q_hash = r.q_hash)"
)
"""Store new problems once (``{source}``: a relation with the quarantine's columns)."""


def write_batch(
    store: Store,
    q: Questionnaire,
    tables: list[RawTable],
    typed: dict[int, TypedTable],
    batch: Batch,
    parents: dict[str, str | None],
    result: ImportResult,
    import_id: int,
    progress: Progress | None = None,
) -> None:
    """Write a batch inside the open transaction; sets the batch's counts in ``result``."""
    con = store.con
    planned = plan_batch(store, q, batch, result, import_id)
    if planned.changed:
        con.register("chg_df", pd.DataFrame({"k": planned.changed}))
        for table in [None, *parents]:
            name = table_name(q.id, table)
            if store.has_table(name):
                con.execute(
                    f"UPDATE {name} SET _current = false "
                    "WHERE _current AND _root_key IN (SELECT k FROM chg_df)"
                )
        con.unregister("chg_df")
    if progress:
        progress("writing", 0, 1)
    insert_typed(store, q.id, None, planned.root)
    for rep, c in planned.children.items():
        insert_typed(store, q.id, rep, c)
    for t, i in zip(tables, range(len(tables)), strict=True):
        insert_raw(con, t, typed[i].frame["_key"], import_id)
    if len(planned.quarantine):
        con.register("q_df", planned.quarantine)
        con.execute(QUARANTINE_INSERT.format(source="q_df"))
        con.unregister("q_df")


def finish_import(
    store: Store,
    q: Questionnaire,
    result: ImportResult,
    import_id: int,
    started: datetime,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Log the import with the counts of ``result`` and commit (the caller rolls back on error)."""
    store.con.execute(
        "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            started,
            datetime.now(UTC).replace(tzinfo=None),
            "\n".join(result.files),
            ",".join(result.formats),
            q.id,
            q.version,
            result.read,
            result.new,
            result.updated,
            result.unchanged,
            result.quarantined,
        ],
    )
    if before_commit is not None:
        before_commit()
    store.con.execute("COMMIT")
    result.import_id = import_id


def _finish(frame: pd.DataFrame, win: dict[str, Any], key: str, import_id: int) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in ("_seq", "_origin") if c in frame.columns])
    out["_current"] = [win.get(k) == h for k, h in zip(out[key], out["_sub_hash"], strict=True)]
    out["_import_id"] = import_id
    return out


_NULL_TYPES = ("NULL", '"NULL"')


def insert_typed(store: Store, instrument_id: str, repeat: str | None, frame: pd.DataFrame) -> None:
    """Append typed rows to the table of ``repeat`` (``None``: root), listing a new table."""
    name = table_name(instrument_id, repeat)
    if append_frame(store.con, name, frame):
        store.con.execute(
            "INSERT INTO response_tables VALUES (?, ?, ?)", [instrument_id, repeat, name]
        )


def append_frame(con: Any, name: str, frame: pd.DataFrame) -> bool:
    """Append ``frame`` to table ``name`` by column name, creating or widening it.

    Returns:
        Whether the table was created.
    """
    if not len(frame):
        return False
    # A column empty in this batch (a KoBo sheet name in a Central export) would get DuckDB's
    # NULL type and refuse the values a later export brings: store it as text.
    empty_text = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
    if empty_text:
        frame = frame.astype({c: "string" for c in empty_text})
    # DuckDB reads Arrow without Python's lock, so a block can be written while another is typed
    con.register("ins_df", _arrow(frame))
    try:
        return copy_into(con, "ins_df", name)
    finally:
        con.unregister("ins_df")


def _arrow(frame: pd.DataFrame) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(f.type.value_type))
    return table


def copy_into(con: Any, source: str, name: str) -> bool:
    """Append the rows of relation ``source`` to table ``name`` (created or widened as needed).

    Returns:
        Whether the table was created.
    """
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_catalog = current_database()",
        [name],
    ).fetchall()[0]
    if not found or not found[0]:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {source}")
        return True
    have = {r[0]: r[1] for r in con.execute(f"DESCRIBE {name}").fetchall()}
    for col, typ, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall():
        typ = "VARCHAR" if typ in _NULL_TYPES else typ
        if col not in have:
            con.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" {typ}')
        elif have[col] in _NULL_TYPES:
            con.execute(f'ALTER TABLE {name} ALTER "{col}" SET DATA TYPE {typ}')
    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {source}")
    return False
