"""Large Central exports read in bounded memory: staged on disk, then handed out by submission.

:func:`stage_exports` parses every CSV of the import (a Central ``.csv.zip`` or its unzipped
CSVs) block by block with the same CSV reader as :mod:`~prisonsurvey.responses.sources` and
writes the text into a staging DuckDB file in a temporary folder, with each row's record
number and submission key. Submissions are then numbered in reading order and cut into chunks
of :data:`CHUNK_SUBMISSIONS`; :meth:`Staging.chunk` gives one chunk back as the tables stage 1
would have read, every repeat row with its submission, so that typing, quarantine, hashing and
storing run unchanged on each chunk.

Anything this reader does not handle (KoBo or plain files, unreadable text, ragged records,
files without ``KEY``) makes :func:`stage_exports` return ``None``: the import then reads the
files whole, which reports the problem exactly.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd

from prisonsurvey.errors import Issue
from prisonsurvey.responses.import_read import ReadExports
from prisonsurvey.responses.sources import (
    CENTRAL,
    RawTable,
    _central_name,
    detect_format,
    sniff_delimiter,
    strip_bom,
)

CHUNK_SUBMISSIONS = 25_000
"""Submissions typed and stored together (with their repeat rows)."""

STREAM_BYTES = 64 * 2**20
"""Imports whose CSV text is at least this large are staged; smaller ones are read whole."""

MEMORY_LIMIT = "256MB"
"""DuckDB's working memory for the staging database (it spills to disk)."""

STORE_MEMORY_LIMIT = "512MB"
"""DuckDB's working memory for the store while a staged import writes (committing needs room)."""

_BLOCK = 1 << 24


class _NotStreamableError(Exception):
    """The file needs the whole-file reader (which reports its problem)."""


@dataclass
class _Staged:
    name: str
    header: list[str]
    repeat: str | None
    form_id: str
    where: str
    origin: str
    notes: list[Issue]


@dataclass
class Staging:
    """The staged tables of one import.

    Attributes:
        con: The staging database.
        path: Its file.
        tables: What each staged table is (header, repeat, file, origin).
        chunks: Number of chunks of submissions.
        ranges: For (table, chunk), the first and last row number of the chunk's rows and
            how many rows it has (the rows in between are all its own when the count fits).
    """

    con: duckdb.DuckDBPyConnection
    path: Path
    tables: list[_Staged]
    chunks: int
    ranges: dict[tuple[int, int], tuple[int, int, int]]

    def chunk(self, k: int) -> ReadExports:
        """The tables of chunk ``k``: its submissions and their repeat rows, in file order."""
        out = ReadExports()
        for i, t in enumerate(self.tables):
            cols = ", ".join(f"c{i}" for i in range(len(t.header)))
            lo, hi, count = self.ranges.get((i, k), (0, -1, 0))
            where = f"_row BETWEEN {lo} AND {hi}"
            if count != hi - lo + 1:
                # rows of this chunk lie among rows of others: pick them by number
                where += f" AND _row IN (SELECT _row FROM {t.name}_c WHERE _chunk = {int(k)})"
            arrow = self.con.sql(
                f"SELECT {cols}, _row FROM {t.name} WHERE {where} ORDER BY _row"
            ).to_arrow_table()
            assert arrow is not None
            rows = arrow.column("_row").to_numpy().astype(np.int64)
            data = arrow.drop_columns(["_row"]).to_pandas()
            data.columns = pd.RangeIndex(len(t.header))
            files = pd.Series([t.where] * len(data), dtype="category")
            out.tables.append(
                RawTable(
                    t.repeat,
                    CENTRAL,
                    list(t.header),
                    data,
                    files,
                    rows,
                    form_id=t.form_id,
                    notes=list(t.notes) if k == 0 else [],
                )
            )
            out.origins.append(t.origin)
        return out


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


@contextmanager
def stage_exports(
    paths: Sequence[Path], repeats: Sequence[str], chunk_size: int | None = None
) -> Iterator[Staging | None]:
    """Stage the CSVs of ``paths`` on disk and number their submissions in chunks.

    Args:
        paths: The files of the import (Central ``.csv.zip`` or ``.csv``).
        repeats: The questionnaire's repeat names (to name the repeat CSVs).
        chunk_size: Submissions per chunk (default :data:`CHUNK_SUBMISSIONS`).

    Yields:
        The staging, or ``None`` when the files must be read whole.
    """
    folder = Path(tempfile.mkdtemp(prefix="prisonsurvey-import-"))
    db_path = folder / "staging.duckdb"
    con = duckdb.connect(str(db_path))
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        staged: list[_Staged] = []
        try:
            for n, path in enumerate(paths):
                staged.extend(_stage_path(con, Path(path), n, repeats, len(staged)))
        except _NotStreamableError:
            staged = []
        if not any(t.repeat is None for t in staged):
            yield None
            return
        chunks, ranges = _number_chunks(con, staged, chunk_size or CHUNK_SUBMISSIONS)
        yield Staging(con, db_path, staged, chunks, ranges)
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


def _stage_path(
    con: duckdb.DuckDBPyConnection, path: Path, n: int, repeats: Sequence[str], first: int
) -> list[_Staged]:
    out: list[_Staged] = []
    if path.name.lower().endswith(".zip"):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise _NotStreamableError from exc
        with zf:
            names = sorted(m for m in zf.namelist() if m.lower().endswith(".csv"))
            for name in names:
                if name.endswith(" - audit.csv"):
                    continue
                with zf.open(name) as stream:
                    t = _stage_csv(
                        con, stream, f"{path}!{name}", Path(name).name, repeats, first + len(out)
                    )
                t.origin = f"{n}:{path}"
                out.append(t)
        return out
    with path.open("rb") as stream:
        t = _stage_csv(con, stream, str(path), path.name, repeats, first)
    # Central's root and repeat CSVs, unzipped side by side, are one export
    t.origin = str(path.parent)
    return [t]


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    stream: IO[bytes],
    where: str,
    filename: str,
    repeats: Sequence[str],
    index: int,
) -> _Staged:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    head = stream.read(1 << 16)
    while b"\n" not in head:
        more = stream.read(1 << 16)
        if not more:
            break
        head += more
    head, notes = strip_bom(head, where)
    try:
        text = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        text = head[: head.rfind(b"\n") + 1].decode("utf-8", errors="replace")
    sep = sniff_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=sep))
    except (StopIteration, csv.Error) as exc:
        raise _NotStreamableError from exc
    if detect_format(header) != CENTRAL or "KEY" not in header:
        raise _NotStreamableError
    form_id, repeat = _central_name(filename, header, repeats)
    n = len(header)
    name = f"t{index}"
    # the submission's key, to cut the staged rows into chunks of submissions
    k = header.index("KEY")
    key = f"trim(c{k})" if repeat is None else f"regexp_replace(trim(c{k}), '/.*$', '')"
    con.execute(
        f"CREATE TABLE {name} ({', '.join(f'c{i} VARCHAR' for i in range(n))}, _row BIGINT, "
        "_rk VARCHAR)"
    )
    reader_input = io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 20)
    try:
        reader = pacsv.open_csv(
            reader_input,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                column_types={f"f{i}": pa.string() for i in range(n)},
                auto_dict_encode=False,
            ),
        )
        row = 1
        skip = 1
        for batch in reader:
            if batch.num_columns != n:
                raise _NotStreamableError
            block = pa.Table.from_batches([batch]).slice(skip)
            skip = 0
            rows = pa.array(np.arange(row + 1, row + 1 + block.num_rows, dtype=np.int64))
            row += block.num_rows
            block = block.rename_columns([f"c{i}" for i in range(n)]).append_column("_row", rows)
            con.register("block_in", block)
            con.execute(f"INSERT INTO {name} SELECT *, {key} FROM block_in")
            con.unregister("block_in")
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _NotStreamableError from exc
    if header[0] == "" and n == 1:
        raise _NotStreamableError
    return _Staged(name, header, repeat, form_id, where, "", notes)


class _Prefixed(io.RawIOBase):
    """``prefix`` followed by the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            k = min(len(view), len(self._prefix))
            view[:k] = self._prefix[:k]
            self._prefix = self._prefix[k:]
            return k
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


def _number_chunks(
    con: duckdb.DuckDBPyConnection, staged: list[_Staged], size: int
) -> tuple[int, dict[tuple[int, int], tuple[int, int, int]]]:
    """Give every staged row the chunk of its submission (repeat rows follow their root).

    The wide staged tables stay as they are (in row order); a narrow table per staged table
    (``{name}_c``: row number, chunk) says where each row goes, and the row-number range of
    each chunk lets :meth:`Staging.chunk` read only its part of the wide table.
    """
    roots: list[str] = []
    for i, t in enumerate(staged):
        if t.repeat is None:
            roots.append(f"SELECT _rk, {i} AS _t, _row FROM {t.name}")
    # submissions in reading order: the first file, then the first row, that holds them
    con.execute(
        "CREATE TABLE chunk_of AS SELECT _rk, (row_number() OVER (ORDER BY _first) - 1) "
        f"// {int(size)} AS _chunk FROM (SELECT _rk, min(_t * 10000000000 + _row) AS _first "
        f"FROM ({' UNION ALL '.join(roots)}) GROUP BY _rk)"
    )
    row = con.execute("SELECT coalesce(max(_chunk), 0) FROM chunk_of").fetchone()
    last = int(row[0]) if row else 0
    ranges: dict[tuple[int, int], tuple[int, int, int]] = {}
    for i, t in enumerate(staged):
        con.execute(
            f"CREATE TABLE {t.name}_c AS SELECT s._row, coalesce(c._chunk, {last}) AS _chunk "
            f"FROM (SELECT _row, _rk FROM {t.name}) s LEFT JOIN chunk_of c USING (_rk) "
            "ORDER BY _chunk, _row"
        )
        for k, lo, hi, count in con.execute(
            f"SELECT _chunk, min(_row), max(_row), count(*) FROM {t.name}_c GROUP BY _chunk"
        ).fetchall():
            ranges[(i, int(k))] = (int(lo), int(hi), int(count))
    con.execute("DROP TABLE chunk_of")
    return last + 1, ranges


__all__ = [
    "CHUNK_SUBMISSIONS",
    "MEMORY_LIMIT",
    "STORE_MEMORY_LIMIT",
    "STREAM_BYTES",
    "Staging",
    "export_bytes",
    "stage_exports",
]
