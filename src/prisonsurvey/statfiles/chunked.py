"""Write a project's CSV and Parquet files from the store a chunk of rows at a time.

Memory holds one chunk (:data:`EXPORT_CHUNK_ROWS` rows) of one table, not the whole store. Each
chunk goes through exactly the transformations of :func:`~prisonsurvey.statfiles.export.
export_data` (labels, missing kinds, identifying fields left out); what could differ between a
chunk and the whole table is settled for the whole table first, so the files hold the same
values and types as a whole-table export (CSV: the same bytes):

- a numeric column is written as nullable ``Float64`` when the whole column has a missing
  value, else as ``float64`` (DuckDB counts the missing values);
- a text column that is empty in one chunk stays a text column in the Parquet schema.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.store import Store
from prisonsurvey.statfiles.export import ExportResult, _file_for, build_table

EXPORT_CHUNK_ROWS = 50_000
"""Rows of a table transformed and written at a time."""

MissingKinds = Callable[[Questionnaire, pd.DataFrame], pd.DataFrame]


class _Sink:
    """Appends chunk frames to one CSV or Parquet file."""

    def __init__(self, path: Path, fmt: str, numeric_na: dict[str, bool], filled: set[str]):
        self.path, self.fmt = path, fmt
        self.numeric_na, self.filled = numeric_na, filled
        self.writer: pq.ParquetWriter | None = None
        self.schema: pa.Schema | None = None
        self.rows = 0
        self.columns = 0
        path.parent.mkdir(parents=True, exist_ok=True)

    def _settle(self, frame: pd.DataFrame) -> pd.DataFrame:
        for name, has_na in self.numeric_na.items():
            if name in frame.columns:
                frame[name] = frame[name].astype("Float64" if has_na else "float64")
        return frame

    def _schema(self, frame: pd.DataFrame) -> pa.Schema:
        schema = pa.Schema.from_pandas(frame, preserve_index=False)
        texts = [f.name for f in schema if pa.types.is_null(f.type) and f.name in self.filled]
        if not texts:
            return schema
        prototype = frame.copy(deep=False)
        for name in texts:
            prototype[name] = pd.Series([""] * len(prototype), dtype=object)
        return pa.Schema.from_pandas(prototype, preserve_index=False)

    def write(self, frame: pd.DataFrame) -> None:
        frame = self._settle(frame.reset_index(drop=True))
        if self.fmt == "csv":
            frame.to_csv(
                self.path,
                index=False,
                lineterminator="\n",
                mode="w" if self.rows == 0 else "a",
                header=self.rows == 0,
            )
        else:
            if self.writer is None:
                self.schema = self._schema(frame)
                self.writer = pq.ParquetWriter(self.path, self.schema)
            table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
            self.writer.write_table(table)
        self.rows += len(frame)
        self.columns = frame.shape[1]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _numeric_na(
    store: Store,
    q: Questionnaire,
    repeat: str | None,
    names: list[str],
    first: pd.DataFrame,
    nulls: dict[str, int],
    rows: int,
) -> dict[str, bool]:
    """Whether each numeric output column has a missing value anywhere in the table."""
    out: dict[str, bool] = {}
    textual: list[str] = []
    for name in names:
        if pd.api.types.is_numeric_dtype(first[name]):
            out[name] = nulls.get(name, 0) > 0
        else:
            textual.append(name)
            out[name] = False
    if textual:
        # numbers held as text: missing after the same conversion as the export's
        for chunk in store.response_chunks(q.id, repeat, columns=textual, rows=rows):
            for name in textual:
                if not out[name]:
                    out[name] = bool(pd.to_numeric(chunk[name], errors="coerce").isna().any())
    return out


def export_store_data(
    store: Store,
    questionnaire: Questionnaire,
    repeats: list[str | None],
    path: Path,
    fmt: str,
    lang: str | None,
    include_identifying: bool,
    extra: pd.DataFrame | None,
    missing_kinds: MissingKinds,
    rows: int = EXPORT_CHUNK_ROWS,
) -> ExportResult:
    """Write the root table and each non-empty repeat as CSV or Parquet, chunk by chunk.

    Args:
        store: The open store.
        questionnaire: The questionnaire the data follow.
        repeats: ``None`` (the root table) and the repeat names, in order.
        path: The root file; repeats go beside it as ``<stem>__<repeat>.<ext>``.
        fmt: ``csv`` or ``parquet``.
        lang: Language of the labels.
        include_identifying: Keep variables marked identifying.
        extra: Columns added to the root file, aligned on the root table's row positions.
        missing_kinds: Gives the missing kind of every cell.
        rows: Rows per chunk.

    Returns:
        What was written, as :func:`~prisonsurvey.statfiles.export.export_data` says it.
    """
    lang = lang or questionnaire.default_language
    files: list[Path] = []
    counts: list[int] = []
    left_out: list[str] = []
    truncated: list[str] = []
    notes: list[str] = []
    n_vars = 0
    for repeat in repeats:
        total = store.count(questionnaire.id, repeat)
        if repeat is not None and total == 0:
            continue
        target = _file_for(path, repeat)
        nulls = store.null_counts(questionnaire.id, repeat)
        sink: _Sink | None = None
        try:
            for chunk in store.response_chunks(questionnaire.id, repeat, rows=rows, nulls=nulls):
                table = build_table(
                    questionnaire,
                    chunk,
                    repeat,
                    lang,
                    fmt,
                    include_identifying,
                    extra if repeat is None else None,
                    missing_kinds,
                )
                if sink is None:
                    numeric = _numeric_na(
                        store, questionnaire, repeat, table.numeric, chunk, nulls, rows
                    )
                    filled = {c for c, n in nulls.items() if n < total}
                    if extra is not None and repeat is None:
                        filled |= {c for c in extra.columns if extra[c].notna().any()}
                    sink = _Sink(target, fmt, numeric, filled)
                    left_out += table.left_out
                    truncated += table.labels.truncated
                    notes += table.labels.notes
                sink.write(table.frame())
        finally:
            if sink is not None:
                sink.close()
        if sink is None:
            continue
        files.append(target)
        counts.append(sink.rows)
        if repeat is None:
            n_vars = sink.columns
    return ExportResult(
        files=tuple(files),
        rows=tuple(counts),
        variables=n_vars,
        left_out=tuple(dict.fromkeys(left_out)),
        truncated=tuple(dict.fromkeys(truncated)),
        notes=tuple(notes),
    )
