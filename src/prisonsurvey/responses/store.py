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

``responses`` leaves out rejected submissions (Central review state ``rejected``, KoBo
"not approved") unless ``include_rejected=True``; their repeat rows too.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location

if TYPE_CHECKING:
    from prisonsurvey.project import Project

HIDDEN_COLUMNS = ("_sub_hash", "_current", "_import_id")

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


def table_name(instrument_id: str, repeat: str | None = None) -> str:
    """Name of the typed table of an instrument (root) or one of its repeats."""
    base = "resp__" + re.sub(r"[^A-Za-z0-9_]", "_", instrument_id)
    return base if repeat is None else f"{base}__{repeat}"


class Store:
    """An open response store (a DuckDB connection).

    Use :meth:`open` and close it (or use ``with``). Only one process may write at a time.
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
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

    @classmethod
    def open(cls, project: Project | Path, read_only: bool = False) -> Store:
        """Open the store of ``project`` (a :class:`~prisonsurvey.project.Project` or a path)."""
        path = project if isinstance(project, Path) else project.store_path
        return cls(path, read_only=read_only)

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

    def responses(
        self, instrument_id: str, repeat: str | None = None, include_rejected: bool = False
    ) -> pd.DataFrame:
        """Typed responses of the current version of each submission.

        Args:
            instrument_id: The questionnaire id.
            repeat: ``None`` for the root table (one row per submission) or a repeat name.
            include_rejected: Keep submissions whose review state is ``rejected``.

        Returns:
            One row per submission (or repeat entry) in import order, with the system columns
            (``_key``, ``_parent_key`` for repeats, ``_root_key``, ``_version``,
            ``_submitted_at``, ``_review_state``, ``_edits``, ``_source_file``,
            ``_source_row``...), metadata (``start``, ``end``...) and one column per question.
            Empty when nothing was imported.
        """
        name = table_name(instrument_id, repeat)
        if not self.has_table(name):
            return pd.DataFrame()
        hidden = ", ".join(HIDDEN_COLUMNS)
        where = "t._current"
        if not include_rejected:
            root = table_name(instrument_id)
            where += (
                f" AND t._root_key NOT IN (SELECT _key FROM {root} "
                "WHERE _current AND _review_state = 'rejected')"
            )
        df = self._frame(
            f"SELECT t.* EXCLUDE ({hidden}) FROM {name} t WHERE {where} "
            "ORDER BY t._import_id, t._source_file, t._source_row, t._key"
        )
        return df.reset_index(drop=True)

    def history(self, instrument_id: str, repeat: str | None = None) -> pd.DataFrame:
        """Every stored version (``_current`` tells the winner), in import order."""
        name = table_name(instrument_id, repeat)
        if not self.has_table(name):
            return pd.DataFrame()
        return self._frame(f"SELECT * FROM {name} ORDER BY _import_id, _source_file, _source_row")

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
