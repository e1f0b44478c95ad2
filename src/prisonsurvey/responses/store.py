"""The response store of a survey project: one DuckDB file, ``data/store.duckdb``.

Tables:
    ``raw_rows``     every row read, exactly as written: ``import_id``, ``source_file``, ``sheet``,
                     ``row_number``, ``table_name`` (``root`` or the repeat), ``record_key``;
                     the text itself is in one table per header layout (``raw__*``, see
                     :mod:`prisonsurvey.responses.rawstore`); :meth:`Store.raw_rows` joins them.
    ``resp__{instrument}`` and ``resp__{instrument}__{repeat}``
                     typed responses, one table per repeat, linked by ``_key``/``_parent_key``
                     (``_root_key`` is the submission). Every version of a submission is kept;
                     ``_current`` marks the one that wins (most edits, then latest import).
    ``quarantine``   one row per problem: file, sheet, row, column, value, code, reason, key.
    ``import_log``   one row per import with its counts.

Reading::

    with Store.open(project) as store:
        df = store.responses("regional-inmate")                 # root table, current versions
        kids = store.responses("regional-inmate", "children")    # a repeat, linked by _parent_key
        store.quarantine(); store.import_log(); store.raw_rows()

Out of core, for stores larger than memory::

    store.responses("regional-inmate", columns=["_key", "sex", "age"])   # only these columns
    for chunk in store.response_chunks("regional-inmate", rows=100_000):  # same types as whole
        ...
    store.count("regional-inmate"); store.null_counts("regional-inmate")  # counted by DuckDB
    store.value_counts("regional-inmate", "sex")                          # a GROUP BY

``responses`` leaves out rejected submissions (Central review state ``rejected``, KoBo
"not approved") unless ``include_rejected=True``; their repeat rows too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location

if TYPE_CHECKING:
    from prisonsurvey.project import Project

HIDDEN_COLUMNS = ("_sub_hash", "_current", "_import_id")
CHUNK_ROWS = 100_000
"""Rows per chunk of :meth:`Store.response_chunks` unless told otherwise."""
_NULLABLE = {
    "TINYINT": "Int8",
    "SMALLINT": "Int16",
    "INTEGER": "Int32",
    "BIGINT": "Int64",
    "UTINYINT": "UInt8",
    "USMALLINT": "UInt16",
    "UINTEGER": "UInt32",
    "UBIGINT": "UInt64",
    "BOOLEAN": "boolean",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS raw_rows (
    import_id INTEGER, source_file VARCHAR, sheet VARCHAR, row_number BIGINT,
    table_name VARCHAR, record_key VARCHAR, row_hash UBIGINT, layout VARCHAR);
CREATE TABLE IF NOT EXISTS raw_layouts (layout VARCHAR, header VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine (
    import_id INTEGER, source_file VARCHAR, sheet VARCHAR, row_number BIGINT,
    table_name VARCHAR, record_key VARCHAR, column_name VARCHAR, value VARCHAR,
    code VARCHAR, reason VARCHAR, q_hash UBIGINT);
CREATE TABLE IF NOT EXISTS import_log (
    import_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, files VARCHAR,
    formats VARCHAR, instrument_id VARCHAR, instrument_version VARCHAR,
    n_read BIGINT, n_new BIGINT, n_updated BIGINT, n_unchanged BIGINT, n_quarantined BIGINT);
CREATE TABLE IF NOT EXISTS response_tables (
    instrument_id VARCHAR, repeat VARCHAR, table_name VARCHAR);
"""


_LAST_IMPORT = "SELECT coalesce(max(import_id), 0) FROM import_log"


def table_name(instrument_id: str, repeat: str | None = None) -> str:
    """Name of the typed table of an instrument (root) or one of its repeats."""
    base = "resp__" + re.sub(r"[^A-Za-z0-9_]", "_", instrument_id)
    return base if repeat is None else f"{base}__{repeat}"


class Store:
    """An open response store (a DuckDB connection).

    Use :meth:`open` and close it (or use ``with``). Only one process may write at a time.
    """

    def __init__(
        self, path: Path, read_only: bool = False, row_group_size: int | None = None
    ) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise InputError(
                Issue(
                    "IMP051",
                    "no responses imported yet; run `prisonsurvey import FILE... --project DIR`",
                    Location(str(self.path)),
                )
            )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if row_group_size and not read_only:
                # rows written in groups this small reach the file as they are appended
                self.con = duckdb.connect()
                quoted = str(self.path).replace("'", "''")
                self.con.execute(
                    f"ATTACH '{quoted}' AS responses_store (ROW_GROUP_SIZE {int(row_group_size)})"
                )
                self.con.execute("USE responses_store")
            else:
                self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise InputError(
                Issue(
                    "IMP050",
                    "the store is in use by another process (or not a store); wait for the "
                    f"other import to finish ({str(exc).splitlines()[0][:120]})",
                    Location(str(self.path)),
                )
            ) from exc
        if not read_only:
            self.con.execute(_SCHEMA)
            self.discard_pending()

    def discard_pending(self) -> None:
        """Remove what an import that never committed left (a large import writes as it goes).

        Such rows carry the number after the last logged import and none of them is current.
        """
        con = self.con
        last = int(con.execute(_LAST_IMPORT).fetchall()[0][0])
        pending = con.execute("SELECT count(*) FROM raw_rows WHERE import_id > ?", [last])
        if not pending.fetchall()[0][0]:
            return
        present = set(self.tables())
        con.execute("BEGIN TRANSACTION")
        for (name,) in con.execute("SELECT table_name FROM response_tables").fetchall():
            if name in present:
                con.execute(f"DELETE FROM {name} WHERE _import_id > ?", [last])
        con.execute("DELETE FROM raw_rows WHERE import_id > ?", [last])
        for (layout,) in con.execute("SELECT layout FROM raw_layouts").fetchall():
            if layout in present:
                con.execute(
                    f"DELETE FROM {layout} WHERE row_hash NOT IN (SELECT row_hash FROM raw_rows)"
                )
        con.execute("DELETE FROM quarantine WHERE import_id > ?", [last])
        con.execute("COMMIT")

    @classmethod
    def open(
        cls, project: Project | Path, read_only: bool = False, row_group_size: int | None = None
    ) -> Store:
        """Open the store of ``project`` (a :class:`~prisonsurvey.project.Project` or a path).

        ``row_group_size`` (rows, a multiple of 2048) makes a large import write its rows to
        the file as it goes rather than hold them until ``COMMIT``.
        """
        path = project if isinstance(project, Path) else project.store_path
        return cls(path, read_only=read_only, row_group_size=row_group_size)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def tables(self) -> list[str]:
        """Names of the tables present in the store."""
        rows = self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        return sorted(str(r[0]) for r in rows)

    def has_table(self, name: str) -> bool:
        """Whether ``name`` exists."""
        return name in self.tables()

    def _frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        df = self.con.execute(sql, params or []).df()
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].astype("str")
        return df

    def _selection(
        self,
        instrument_id: str,
        repeat: str | None,
        include_rejected: bool,
        columns: Sequence[str] | None,
    ) -> tuple[str, list[str]] | None:
        """The query of the current rows of a table and its columns (``None``: no table)."""
        name = table_name(instrument_id, repeat)
        if not self.has_table(name):
            return None
        present = self.columns(instrument_id, repeat)
        chosen = present if columns is None else [c for c in present if c in set(columns)]
        where = "t._current"
        if not include_rejected:
            root = table_name(instrument_id)
            where += (
                f" AND t._root_key NOT IN (SELECT _key FROM {root} "
                "WHERE _current AND _review_state = 'rejected')"
            )
        select = ", ".join(f't."{c}"' for c in chosen) or "NULL AS _none"
        sql = (
            f"SELECT {select} FROM {name} t WHERE {where} "
            "ORDER BY t._import_id, t._source_file, t._source_row, t._key"
        )
        return sql, chosen

    def columns(self, instrument_id: str, repeat: str | None = None) -> list[str]:
        """The columns :meth:`responses` returns for a table, in order (empty: no table)."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table_name(instrument_id, repeat)],
        ).fetchall()
        return [str(r[0]) for r in rows if r[0] not in HIDDEN_COLUMNS]

    def responses(
        self,
        instrument_id: str,
        repeat: str | None = None,
        include_rejected: bool = False,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Typed responses of the current version of each submission.

        Args:
            instrument_id: The questionnaire id.
            repeat: ``None`` for the root table (one row per submission) or a repeat name.
            include_rejected: Keep submissions whose review state is ``rejected``.
            columns: Read only these columns (in the table's order; names the table lacks
                are left out). ``None`` reads every column.

        Returns:
            One row per submission (or repeat entry) in import order, with the system columns
            (``_key``, ``_parent_key`` for repeats, ``_root_key``, ``_version``,
            ``_submitted_at``, ``_review_state``, ``_edits``, ``_source_file``,
            ``_source_row``...), metadata (``start``, ``end``...) and one column per question.
            Empty when nothing was imported. Each column has the same type whichever columns
            are asked for.
        """
        selection = self._selection(instrument_id, repeat, include_rejected, columns)
        if selection is None:
            return pd.DataFrame()
        sql, chosen = selection
        df = self._frame(sql)
        if not chosen:
            df = df.drop(columns=df.columns)
        return df.reset_index(drop=True)

    def count(
        self, instrument_id: str, repeat: str | None = None, include_rejected: bool = False
    ) -> int:
        """Number of rows :meth:`responses` returns, counted by DuckDB."""
        selection = self._selection(instrument_id, repeat, include_rejected, ["_key"])
        if selection is None:
            return 0
        row = self.con.execute(f"SELECT count(*) FROM ({selection[0]})").fetchone()
        return int(row[0]) if row else 0

    def response_chunks(
        self,
        instrument_id: str,
        repeat: str | None = None,
        include_rejected: bool = False,
        columns: Sequence[str] | None = None,
        rows: int = CHUNK_ROWS,
        nulls: Mapping[str, int] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """The rows of :meth:`responses` in order, ``rows`` at a time.

        Every chunk has the column types the whole table would have (a whole-number column
        with a missing value anywhere is a nullable integer in every chunk), so chunks can be
        processed one at a time and their results put together; memory holds one chunk.
        The index runs on across chunks, as in the whole table. ``nulls`` (what
        :meth:`null_counts` gave for the same rows) saves counting the missing values again.
        """
        selection = self._selection(instrument_id, repeat, include_rejected, columns)
        if selection is None:
            return
        sql, chosen = selection
        nullable = self._nullable_integers(sql, chosen, nulls)
        cursor = self.con.cursor()
        try:
            cursor.execute(sql)
            vectors = max(1, rows // 2048)
            start = 0
            while True:
                df = cursor.fetch_df_chunk(vectors)
                if df.empty:
                    break
                for col in df.columns:
                    if df[col].dtype == object:
                        df[col] = df[col].astype("str")
                    elif col in nullable and df[col].dtype.kind in "iub":
                        df[col] = df[col].astype(pd.api.types.pandas_dtype(nullable[col]))
                for first in range(0, len(df), rows):
                    piece = df.iloc[first : first + rows]
                    piece.index = pd.RangeIndex(start, start + len(piece))
                    start += len(piece)
                    yield piece
        finally:
            cursor.close()

    def _nullable_integers(
        self, sql: str, columns: list[str], nulls: Mapping[str, int] | None = None
    ) -> dict[str, str]:
        """Whole-number and logical columns with a missing value, and their nullable type."""
        kinds = dict(
            self.con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {sql})").fetchall()
        )
        names = [c for c in columns if str(kinds.get(c, "")) in _NULLABLE]
        if not names:
            return {}
        if nulls is not None:
            return {c: _NULLABLE[str(kinds[c])] for c in names if nulls.get(c, 0)}
        counts = ", ".join(f'count(*) - count("{c}")' for c in names)
        row = self.con.execute(f"SELECT {counts} FROM ({sql})").fetchone() or ()
        return {c: _NULLABLE[str(kinds[c])] for c, n in zip(names, row, strict=True) if n}

    def null_counts(
        self,
        instrument_id: str,
        repeat: str | None = None,
        include_rejected: bool = False,
        columns: Sequence[str] | None = None,
    ) -> dict[str, int]:
        """Missing values (NULL, or NaN in a decimal column) of each column, counted by DuckDB."""
        selection = self._selection(instrument_id, repeat, include_rejected, columns)
        if selection is None or not selection[1]:
            return {}
        sql, chosen = selection
        kinds = dict(
            self.con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {sql})").fetchall()
        )
        parts = [
            f'count(*) FILTER (WHERE "{c}" IS NULL OR isnan("{c}"))'
            if kinds.get(c) in ("DOUBLE", "FLOAT")
            else f'count(*) - count("{c}")'
            for c in chosen
        ]
        row = self.con.execute(f"SELECT {', '.join(parts)} FROM ({sql})").fetchone() or ()
        return {c: int(n) for c, n in zip(chosen, row, strict=True)}

    def value_counts(
        self,
        instrument_id: str,
        column: str,
        repeat: str | None = None,
        include_rejected: bool = False,
    ) -> dict[Any, int]:
        """How many current rows hold each non-missing value of ``column`` (a GROUP BY)."""
        selection = self._selection(instrument_id, repeat, include_rejected, [column])
        if selection is None or not selection[1]:
            return {}
        rows = self.con.execute(
            f'SELECT "{column}", count(*) FROM ({selection[0]}) '
            f'WHERE "{column}" IS NOT NULL GROUP BY 1'
        ).fetchall()
        return {value: int(n) for value, n in rows}

    def history(self, instrument_id: str, repeat: str | None = None) -> pd.DataFrame:
        """Every stored version (``_current`` tells the winner), in import order."""
        name = table_name(instrument_id, repeat)
        if not self.has_table(name):
            return pd.DataFrame()
        return self._frame(
            f"SELECT * FROM {name} WHERE _import_id <= ({_LAST_IMPORT}) "
            "ORDER BY _import_id, _source_file, _source_row"
        )

    def raw_rows(self, source_file: str | None = None) -> pd.DataFrame:
        """Raw rows as read (``data`` is a JSON object of header -> original text).

        Each distinct row is stored once: re-reading it from another file adds nothing.
        """
        from prisonsurvey.responses.rawstore import read_raw

        df = read_raw(self.con, source_file)
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].astype("str")
        return df

    def quarantine(self) -> pd.DataFrame:
        """Every problem that kept a row out of the typed tables, with its location."""
        return self._frame(
            "SELECT * EXCLUDE (q_hash) FROM quarantine "
            "ORDER BY import_id, source_file, row_number, column_name, code"
        )

    def import_log(self) -> pd.DataFrame:
        """One row per committed import with its counts."""
        return self._frame("SELECT * FROM import_log ORDER BY import_id")
