"""Large Central exports imported block by block, straight into the store's one transaction.

:func:`import_direct` reads the CSVs of one Central export (a ``.csv.zip`` or its unzipped
CSVs) in blocks with pyarrow, the root table first. Each block is typed as the whole import
types a table, and its typed rows and raw text go into the store inside the import's single
transaction; memory holds one block. What needs every table at once (repeat rows without their
submission, submissions held back, submission hashes, what is new, which version wins) is then
decided in SQL by :func:`~prisonsurvey.responses.import_resolve.resolve_import`, and the
import commits: all of it or none of it.

While one block is written the next is typed: DuckDB reads the typed rows as Arrow, without
Python's lock, so the two cores share the work. Answers are typed once per import: a column's
distinct answers are kept from block to block (see
:func:`~prisonsurvey.responses.harmonise.type_question`). Row groups of
:data:`ROW_GROUP_ROWS` rows let most of each block go to the file itself rather than through
the write-ahead log, which would write it twice.

Each block is committed as it is written, as rows of no current version under the number of
the coming import; only the last transaction makes them current and logs the import. Until
then the store reads as before, and an import that fails or is killed leaves rows that
:class:`~prisonsurvey.responses.store.Store` removes (they carry a number the log lacks).

Anything this reader does not handle (KoBo or plain files, several exports at once, text
that is not UTF-8, ragged records, files without ``KEY``) makes :func:`import_direct` return
``None`` with the store untouched: the import then reads the files whole, which reports the
problem exactly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Severity
from prisonsurvey.project import Project
from prisonsurvey.responses.harmonise import TypingCache
from prisonsurvey.responses.import_batch import add_root_key, quarantine_frame, row_hash
from prisonsurvey.responses.import_read import (
    ReadExports,
    check_tables,
    original_repeat_names,
    repeat_names,
)
from prisonsurvey.responses.import_resolve import resolve_import
from prisonsurvey.responses.import_result import ImportResult, Progress
from prisonsurvey.responses.import_store import NEXT_IMPORT, finish_import, insert_typed
from prisonsurvey.responses.import_type import type_planned
from prisonsurvey.responses.rawstore import store_raw
from prisonsurvey.responses.sources import (
    CENTRAL,
    RawTable,
    _central_name,
    detect_format,
    sniff_delimiter,
    strip_bom,
)
from prisonsurvey.responses.store import Store
from prisonsurvey.responses.versions import assign_versions, child_versions, root_versions

DIRECT_BYTES = 64 * 2**20
"""Imports whose CSV text is at least this large are read block by block."""

BLOCK_BYTES = 12 << 20
"""CSV text parsed, typed and stored at a time."""

ROW_GROUP_ROWS = 8192
"""Rows per row group the import writes: full groups go to the file before ``COMMIT``.

A block holds about 15,000 root rows; with groups larger than a block, every block went
through the write-ahead log and was written again at the end (about a third of the time)."""

STORE_MEMORY_LIMIT = "256MB"
"""DuckDB's working memory for the store while a large import writes (it spills to disk)."""


class _NotDirectError(Exception):
    """The files need the whole-file reader (which reports their problem)."""


@dataclass
class _Source:
    """One CSV of the export and what its first line says."""

    where: str
    opener: Callable[[], IO[bytes]]
    size: int
    """Bytes of CSV text (uncompressed)."""
    header: list[str] = field(default_factory=list)
    sep: str = ","
    repeat: str | None = None
    form_id: str = ""
    notes: list[Issue] = field(default_factory=list)


def export_bytes(paths: Sequence[Path]) -> int:
    """Size of the CSV text of ``paths`` (uncompressed); ``-1`` when one is not a CSV export."""
    total = 0
    for path in paths:
        p = Path(path)
        name = p.name.lower()
        try:
            if name.endswith(".zip"):
                with zipfile.ZipFile(p) as zf:
                    total += sum(i.file_size for i in zf.infolist())
            elif name.endswith(".csv") and p.is_file():
                total += p.stat().st_size
            else:
                return -1
        except (OSError, zipfile.BadZipFile):
            return -1
    return total


def import_direct(
    project: Project,
    paths: Sequence[Path],
    started: datetime,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ImportResult | None:
    """Import one Central export block by block in one transaction.

    Args:
        project: The survey project.
        paths: One ``.csv.zip``, or the CSVs of one unzipped export.
        started: When the import started (for the log).
        progress: Optional ``progress(stage, done, total)`` callback.
        before_commit: Called inside the transaction just before ``COMMIT``.

    Returns:
        The counts of the import, or ``None`` when the files must be read whole (nothing
        was written then).

    Raises:
        InputError: Wrong form, unknown tables, columns or versions; nothing is written.
    """
    q = project.questionnaire
    names = [*repeat_names(q), *original_repeat_names(q)]
    try:
        sources = _sources(paths, names)
    except _NotDirectError:
        return None
    originals = original_repeat_names(q)
    for s in sources:
        s.repeat = originals.get(s.repeat or "", s.repeat)
    heads = [
        RawTable(
            s.repeat,
            CENTRAL,
            s.header,
            pd.DataFrame(),
            pd.Series([s.where]),
            np.zeros(0, dtype=np.int64),
            form_id=s.form_id,
            notes=s.notes,
        )
        for s in sources
    ]
    errors, notes = check_tables(q, project, heads)
    if errors:
        raise InputError(errors)
    result = ImportResult(
        files=[str(p) for p in paths],
        formats=[CENTRAL],
        notes=[n for n in notes if n.severity is not Severity.ERROR],
    )
    total = sum(s.size for s in sources)
    with Store.open(project, row_group_size=ROW_GROUP_ROWS) as store:
        con = store.con
        con.execute(f"SET memory_limit = '{STORE_MEMORY_LIMIT}'")
        import_id = int(con.execute(NEXT_IMPORT).fetchall()[0][0])
        writer = _Writer(project, store, import_id, result)
        try:
            # each block commits on its own, none of its rows current: DuckDB holds what a
            # transaction read from Python until it ends
            _write_blocks(writer, sources, total, progress)
            con.execute("BEGIN TRANSACTION")
            if int(con.execute(NEXT_IMPORT).fetchall()[0][0]) != import_id:
                raise RuntimeError("the store changed while the import was being written")
            resolve_import(store, q, writer.problems, result, import_id)
            finish_import(store, q, result, import_id, started, before_commit)
        except BaseException as exc:
            # a failed COMMIT has already ended the transaction
            with suppress(duckdb.TransactionException):
                con.execute("ROLLBACK")
            store.discard_pending()
            if isinstance(exc, _NotDirectError):
                return None
            raise
    if progress:
        progress("importing", total, total)
    return result


def _write_blocks(
    writer: _Writer, sources: list[_Source], total: int, progress: Progress | None
) -> None:
    """Type each block while a worker thread writes the one before (one write at a time)."""
    done = 0
    with ThreadPoolExecutor(1) as pool:
        pending: Future[None] | None = None
        try:
            for s in sources:
                for table, size in _blocks(s):
                    prepared = writer.prepare(table)
                    if pending is not None:
                        pending.result()
                    pending = pool.submit(writer.write, prepared)
                    done += size
                    if progress:
                        progress("importing", done, total)
        finally:
            # the connection is the worker's until its write ends, also when typing failed
            if pending is not None:
                wait([pending])
        if pending is not None:
            pending.result()


class _Writer:
    """Types each block and stores its rows (none of them current yet)."""

    def __init__(
        self, project: Project, store: Store, import_id: int, result: ImportResult
    ) -> None:
        self.project = project
        self.store = store
        self.import_id = import_id
        self.result = result
        self.versions = project.questionnaire_versions()
        self.problems: list[pd.DataFrame] = []
        """Every value that could not be typed (quarantine rows)."""
        self.cache: TypingCache = {}
        """Typed answers of earlier blocks, reused when a block's column has the same ones."""
        self.root_version: list[pd.Series] = []
        """Each submission's version (by key), when the project accepts several."""

    def prepare(self, table: RawTable) -> _Prepared:
        """Type one block of a table: its typed rows and raw text, ready to store."""
        if len(self.versions) == 1:
            planned = [(table, 0)]
            errors: list[Issue] = []
        elif table.repeat is None:
            planned, errors = assign_versions([table], ["0"], self.versions)
            self.root_version.append(root_versions(table, self.versions))
        else:
            known = pd.concat(self.root_version) if self.root_version else pd.Series()
            planned = child_versions(table, known, self.versions)
            errors = []
        read = ReadExports(tables=[table], origins=["0"])
        tables, typed = type_planned(
            self.project, self.versions, planned, read, errors, cache=self.cache
        )
        out = _Prepared(table.header, table.repeat or "root")
        keys: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        for i, t in enumerate(tables):
            frame = typed[i].frame
            add_root_key(frame, t.repeat)
            if t.repeat is None:
                self.result.read += len(frame)
            problems = quarantine_frame(typed[i])
            if len(problems):
                self.problems.append(problems)
            rows_out = frame.drop(columns=["_origin"])
            rows_out["_sub_hash"] = row_hash(frame)
            rows_out["_current"] = False
            rows_out["_import_id"] = self.import_id
            out.typed.append((t.repeat, rows_out))
            keys.append(frame["_key"].astype(object).to_numpy())
            rows.append(np.asarray(t.rows, dtype=np.int64))
        out.text, out.meta = _raw_tables(table, np.concatenate(keys), np.concatenate(rows))
        return out

    def write(self, prepared: _Prepared) -> None:
        """Store one prepared block in a transaction of its own."""
        con = self.store.con
        con.execute("BEGIN TRANSACTION")
        for repeat, frame in prepared.typed:
            insert_typed(self.store, self.project.questionnaire.id, repeat, frame)
        con.register("raw_in", prepared.text)
        con.register("raw_meta", prepared.meta)
        try:
            store_raw(con, "raw_in", "raw_meta", prepared.header, prepared.name, self.import_id)
        finally:
            con.unregister("raw_in")
            con.unregister("raw_meta")
        con.execute("COMMIT")


@dataclass
class _Prepared:
    """One typed block: its typed rows by repeat, raw text and where each raw row came from."""

    header: list[str]
    name: str
    typed: list[tuple[str | None, pd.DataFrame]] = field(default_factory=list)
    text: Any = None
    meta: Any = None


def _raw_tables(table: RawTable, keys: np.ndarray, rows: np.ndarray) -> tuple[Any, Any]:
    import pyarrow as pa  # type: ignore[import-untyped]

    text = pa.Table.from_pandas(table.data, preserve_index=False)
    text = text.rename_columns([f"c{i}" for i in range(len(table.header))])
    text = text.append_column("_pos", pa.array(np.asarray(table.rows, dtype=np.int64)))
    meta = pa.table(
        {
            "_pos": pa.array(rows),
            "source_file": pa.array([str(table.files.iloc[0])] * len(rows)),
            "sheet": pa.nulls(len(rows), pa.string()),
            "row_number": pa.array(rows),
            "record_key": pa.array(keys, type=pa.string(), from_pandas=True),
        }
    )
    return text, meta


def _sources(paths: Sequence[Path], repeats: Sequence[str]) -> list[_Source]:
    """The CSVs of one export, root first, with their headers read."""
    sources: list[_Source] = []
    folders = set()
    for path in paths:
        p = Path(path)
        if p.name.lower().endswith(".zip"):
            if len(paths) != 1:
                raise _NotDirectError
            try:
                with zipfile.ZipFile(p) as zf:
                    members = sorted(
                        (i.filename, i.file_size)
                        for i in zf.infolist()
                        if i.filename.lower().endswith(".csv")
                    )
            except (zipfile.BadZipFile, OSError) as exc:
                raise _NotDirectError from exc
            for name, size in members:
                if not name.endswith(" - audit.csv"):
                    sources.append(_Source(f"{p}!{name}", _member(p, name), size))
        else:
            folders.add(p.parent)
            try:
                size = p.stat().st_size
            except OSError as exc:
                raise _NotDirectError from exc
            sources.append(_Source(str(p), _file(p), size))
    if len(folders) > 1:
        raise _NotDirectError
    for s in sources:
        _read_header(s, repeats)
    roots = [s for s in sources if s.repeat is None]
    if len(roots) != 1:
        raise _NotDirectError
    return roots + [s for s in sources if s.repeat is not None]


def _member(path: Path, name: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        zf = zipfile.ZipFile(path)
        stream = zf.open(name)
        stream._zipfile = zf  # type: ignore[attr-defined]  # closed with the stream
        return stream

    return opener


def _file(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _head(stream: IO[bytes]) -> bytes:
    head = stream.read(1 << 16)
    while b"\n" not in head:
        more = stream.read(1 << 16)
        if not more:
            break
        head += more
    return head


def _read_header(s: _Source, repeats: Sequence[str]) -> None:
    with s.opener() as stream:
        head = _head(stream)
    head, s.notes = strip_bom(head, s.where)
    try:
        text = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        text = head[: head.rfind(b"\n") + 1].decode("utf-8", errors="replace")
    s.sep = sniff_delimiter(text)
    try:
        s.header = next(csv.reader(io.StringIO(text), delimiter=s.sep))
    except (StopIteration, csv.Error) as exc:
        raise _NotDirectError from exc
    if detect_format(s.header) != CENTRAL or "KEY" not in s.header:
        raise _NotDirectError
    if s.header == [""] or len(set(s.header)) != len(s.header):
        raise _NotDirectError
    s.form_id, s.repeat = _central_name(Path(s.where.rpartition("!")[2]).name, s.header, repeats)


def _blocks(s: _Source) -> Iterator[tuple[RawTable, int]]:
    """The rows of ``s`` a block at a time, as the whole-file reader gives them, with bytes."""
    import pyarrow as pa
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    n = len(s.header)
    with s.opener() as raw:
        head, _ = strip_bom(_head(raw), s.where)
        counted = _Counted(head, raw)
        try:
            reader = pacsv.open_csv(
                io.BufferedReader(counted, buffer_size=1 << 20),
                read_options=pacsv.ReadOptions(
                    autogenerate_column_names=True,
                    # a block holds at least the header line, which is skipped
                    block_size=max(BLOCK_BYTES, 2 * len(head.split(b"\n", 1)[0])),
                    skip_rows=1,
                ),
                parse_options=pacsv.ParseOptions(delimiter=s.sep, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                    column_types={f"f{i}": pa.string() for i in range(n)},
                    auto_dict_encode=False,
                ),
            )
            row = 1
            seen = 0
            for batch in reader:
                if batch.num_columns != n:
                    raise _NotDirectError
                if not batch.num_rows:
                    continue
                data = pa.Table.from_batches([batch]).to_pandas()
                data.columns = pd.RangeIndex(n)
                rows = np.arange(row + 1, row + 1 + len(data), dtype=np.int64)
                row += len(data)
                files = pd.Series([s.where] * len(data), dtype="category")
                table = RawTable(
                    s.repeat, CENTRAL, list(s.header), data, files, rows, form_id=s.form_id
                )
                yield table, counted.count - seen
                seen = counted.count
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _NotDirectError from exc


class _Counted(io.RawIOBase):
    """``prefix`` followed by the rest of ``stream``, counting the bytes given out."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = prefix
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            k = min(len(view), len(self._prefix))
            view[:k] = self._prefix[:k]
            self._prefix = self._prefix[k:]
        else:
            data = self._stream.read(len(view))
            k = len(data)
            view[:k] = data
        self.count += k
        return k


__all__ = ["BLOCK_BYTES", "DIRECT_BYTES", "STORE_MEMORY_LIMIT", "export_bytes", "import_direct"]
