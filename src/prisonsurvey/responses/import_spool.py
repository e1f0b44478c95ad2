"""A staged import's output, spooled beside the staged text and copied into the store at once.

While the chunks of a staged import are typed (:mod:`~prisonsurvey.responses.import_stream`),
what each adds to the store (new versions of submissions, keys whose current version changes,
problems, the submission key of every raw row) is appended to tables of the staging database,
outside the store. :func:`write_spool` then opens the store's one transaction and copies all of
it with a few bulk ``INSERT ... SELECT``: the raw rows straight from the staged text, hashed and
kept once by DuckDB. Appending chunk after chunk inside one store transaction instead holds
every chunk's pages in memory until ``COMMIT``, and the ``COMMIT`` itself is slow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

import duckdb
import pandas as pd

from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.harmonise import TypedTable
from prisonsurvey.responses.import_result import ImportResult
from prisonsurvey.responses.import_store import (
    QUARANTINE_INSERT,
    Planned,
    append_frame,
    copy_into,
    finish_import,
)
from prisonsurvey.responses.import_stream import Staging
from prisonsurvey.responses.rawstore import layout_name
from prisonsurvey.responses.sources import RawTable
from prisonsurvey.responses.store import Store, table_name

_QUARANTINE_COLUMNS = (
    "import_id INTEGER, source_file VARCHAR, sheet VARCHAR, row_number BIGINT, "
    "table_name VARCHAR, record_key VARCHAR, column_name VARCHAR, value VARCHAR, "
    "code VARCHAR, reason VARCHAR, q_hash UBIGINT"
)
_ATTACHED = "spool"


class Spool:
    """The output tables of a staged import in its staging database."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.tables: list[tuple[str | None, str]] = []
        """Typed tables spooled (repeat, spool table), in the order they were first written."""
        con = staging.con
        con.execute("CREATE TABLE spool_changed (k VARCHAR)")
        con.execute(f"CREATE TABLE spool_quarantine ({_QUARANTINE_COLUMNS})")
        for t in staging.tables:
            con.execute(f"CREATE TABLE {t.name}_keys (_row BIGINT, record_key VARCHAR)")

    def add(
        self,
        planned: Planned,
        read: list[RawTable],
        tables: list[RawTable],
        typed: dict[int, TypedTable],
    ) -> None:
        """Spool one chunk: what :func:`~.import_store.plan_batch` planned and the raw keys.

        Args:
            planned: The chunk's plan.
            read: The chunk's tables as :meth:`Staging.chunk` gave them (staging order).
            tables: The same tables in typing order.
            typed: Their typed frames by typing position.
        """
        con = self.staging.con
        if planned.changed:
            con.register("chg_df", pd.DataFrame({"k": planned.changed}))
            con.execute("INSERT INTO spool_changed SELECT k FROM chg_df")
            con.unregister("chg_df")
        self._typed(None, planned.root)
        for rep, frame in planned.children.items():
            self._typed(rep, frame)
        staged_of = {id(t): n for n, t in enumerate(read)}
        for i, t in enumerate(tables):
            keys = pd.DataFrame(
                {"_row": t.rows, "record_key": typed[i].frame["_key"].astype(object).to_numpy()}
            )
            con.register("keys_df", keys)
            name = self.staging.tables[staged_of[id(t)]].name
            con.execute(f"INSERT INTO {name}_keys SELECT _row, record_key FROM keys_df")
            con.unregister("keys_df")
        if len(planned.quarantine):
            con.register("q_df", planned.quarantine)
            con.execute(
                "INSERT INTO spool_quarantine SELECT import_id, source_file, sheet, row_number, "
                "table_name, record_key, column_name, value, code, reason, q_hash FROM q_df"
            )
            con.unregister("q_df")

    def _typed(self, repeat: str | None, frame: pd.DataFrame) -> None:
        name = "spool_root" if repeat is None else f"spool_rep_{repeat}"
        if append_frame(self.staging.con, name, frame):
            self.tables.append((repeat, name))


def write_spool(
    store: Store,
    q: Questionnaire,
    spool: Spool,
    parents: dict[str, str | None],
    result: ImportResult,
    import_id: int,
    started: datetime,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Copy the spool into the store in one transaction and commit (all of it or none).

    The staging database is closed for writing and attached to the store's connection.
    """
    staging = spool.staging
    staging.con.close()
    con = store.con
    con.execute(f"ATTACH '{staging.path}' AS {_ATTACHED} (READ_ONLY)")
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            row = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchone()
            if not row or int(row[0]) != import_id:
                raise RuntimeError("the store changed while the import was being prepared")
            _copy(store, q, spool, parents, import_id)
            finish_import(store, q, result, import_id, started, before_commit)
        except BaseException:
            # a failed COMMIT has already ended the transaction
            with suppress(duckdb.TransactionException):
                con.execute("ROLLBACK")
            raise
    finally:
        con.execute(f"DETACH {_ATTACHED}")


def _copy(
    store: Store,
    q: Questionnaire,
    spool: Spool,
    parents: dict[str, str | None],
    import_id: int,
) -> None:
    con = store.con
    changed = f"{_ATTACHED}.spool_changed"
    row = con.execute(f"SELECT count(*) FROM {changed}").fetchone()
    if row and row[0]:
        for table in [None, *parents]:
            name = table_name(q.id, table)
            if store.has_table(name):
                con.execute(
                    f"UPDATE {name} SET _current = false "
                    f"WHERE _current AND _root_key IN (SELECT k FROM {changed})"
                )
    for repeat, spooled in spool.tables:
        name = table_name(q.id, repeat)
        if copy_into(con, f"{_ATTACHED}.{spooled}", name):
            con.execute("INSERT INTO response_tables VALUES (?, ?, ?)", [q.id, repeat, name])
    for t in spool.staging.tables:
        _copy_raw(con, t.name, t.header, t.repeat, t.where, import_id)
    con.execute(QUARANTINE_INSERT.format(source=f"{_ATTACHED}.spool_quarantine"))


def _copy_raw(
    con: duckdb.DuckDBPyConnection,
    staged: str,
    header: list[str],
    repeat: str | None,
    where: str,
    import_id: int,
) -> None:
    """Store the staged rows not stored yet, as :func:`~.rawstore.insert_raw` does."""
    layout = layout_name(header)
    n = len(header)
    name = repeat or "root"
    cols = ", ".join(f"c{i}" for i in range(n))
    source = f"{_ATTACHED}.{staged}"
    # hash every row, keep the first of each new hash; only then touch the wide text
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_keep AS SELECT min(_row) AS _row, row_hash FROM "
        f"(SELECT _row, hash(?, {cols}) AS row_hash FROM {source}) GROUP BY row_hash "
        "HAVING row_hash NOT IN (SELECT row_hash FROM raw_rows)",
        [f"{name}\x1f{layout}"],
    )
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_catalog = current_database()",
        [layout],
    ).fetchone()
    if not exists or not exists[0]:
        typed = ", ".join(f"c{i} VARCHAR" for i in range(n))
        con.execute(f"CREATE TABLE {layout} (row_hash UBIGINT, {typed})")
        con.execute("INSERT INTO raw_layouts VALUES (?, ?)", [layout, json.dumps(header)])
    con.execute(
        f"INSERT INTO {layout} SELECT k.row_hash, {cols} FROM {source} r "
        "JOIN raw_keep k USING (_row)"
    )
    con.execute(
        "INSERT INTO raw_rows SELECT ?, ?, NULL, k._row, ?, r.record_key, k.row_hash, ? "
        f"FROM raw_keep k LEFT JOIN {source}_keys r USING (_row) ORDER BY k._row",
        [import_id, where, name, layout],
    )
    con.execute("DROP TABLE raw_keep")


__all__ = ["Spool", "write_spool"]
