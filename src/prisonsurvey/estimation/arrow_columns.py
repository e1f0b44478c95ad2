"""Read the columns a request names from a CSV or Parquet file with Arrow, and factorize them.

This is the pandas-free reading of ``tabulate DATA``: only the named columns are converted
(CSV through ``pyarrow.csv`` with ``include_columns``, Parquet by projection), string columns
are dictionary-encoded in Arrow and numeric ones turned into integer codes with numpy. A CSV
file's columns are converted to the types its first rows give, text straight into
dictionaries, and inferred over the whole file only when a later row does not fit. The
values are the ones :func:`prisonsurvey.datafile.read_data_file` gives through pandas: the
same missing-value spellings, an integer column with a missing value read as floats, and the
same sorted levels as ``pandas.factorize(sort=True)``.

Only files whose columns are plain numbers or text are read here: :func:`read_columns`
returns ``None`` for anything else (booleans, dates, categories, a header pandas would rename,
a file Arrow cannot parse), and the caller reads the file through pandas instead, so what is
accepted and every error message stay pandas'.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

PANDAS_NA_VALUES = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)
"""The text ``pandas.read_csv`` reads as a missing value by default."""
_PARQUET = (".parquet", ".pq")
_NUMPY_TYPES = {f"int{b}" for b in (8, 16, 32, 64)} | {f"uint{b}" for b in (8, 16, 32, 64)}
_NUMPY_TYPES |= {"float16", "float32", "float64", "str", "object"}
_NUMPY_NAMES = {"halffloat": "float16", "float": "float32", "double": "float64"}
_SAMPLE_BYTES = 1 << 20
"""Bytes of a CSV file whose rows give the types of the columns read (Arrow's block size)."""


@dataclass(frozen=True, eq=False)
class Column:
    """One column as pandas would hold it, kept in Arrow until it is used.

    Attributes:
        name: Column name.
        data: The Arrow column (a ``ChunkedArray``).
        kind: ``int`` (no missing value), ``float`` (floats, or integers with a missing value,
            as pandas reads them) or ``str``.
    """

    name: str
    data: Any
    kind: str

    def has_missing(self) -> bool:
        """Whether any value is missing (null, or NaN in a float column)."""
        if self.data.null_count:
            return True
        return self.kind == "float" and bool(np.isnan(self.floats()).any())

    def floats(self) -> FloatArray:
        """The values as float64, ``NaN`` where missing (a numeric column only)."""
        return np.asarray(_to_numpy(self.data, float("nan"), np.float64), dtype=np.float64)

    def factorize(self) -> tuple[IntArray, list[object]]:
        """Codes (``-1`` where missing) and sorted levels, as ``pandas.factorize(sort=True)``."""
        if self.kind == "str":
            return _factorize_strings(self.data)
        if self.kind == "int":
            values = np.asarray(_to_numpy(self.data, 0, np.int64), dtype=np.int64)
            codes, levels = _factorize_integers(values, None)
            return codes, levels.tolist()
        return _factorize_floats(self.floats())


def read_columns(path: Path, columns: Sequence[str]) -> dict[str, Column] | None:
    """Read ``columns`` of a CSV or Parquet file, or ``None`` when pandas must read it.

    Args:
        path: The data file (its existence and type already checked).
        columns: The columns to read, all in the file's header.

    Returns:
        The columns by name, or ``None`` for a file or column this reader leaves to pandas.
    """
    import pyarrow as pa  # type: ignore[import-untyped]

    wanted = list(dict.fromkeys(columns))
    try:
        if path.suffix.lower() in _PARQUET:
            table = _read_parquet(path, wanted)
        elif path.suffix.lower() == ".csv":
            table = _read_csv(path, wanted)
        else:
            return None
    except (pa.ArrowException, OSError, ValueError, KeyError, UnicodeDecodeError):
        return None
    if table is None:
        return None
    out: dict[str, Column] = {}
    for name in wanted:
        kind = _kind(table.schema.field(name).type)
        if kind is None:
            return None
        data = table[name]
        if kind == "null":
            data, kind = pa.chunked_array([pa.nulls(len(data), pa.float64())]), "float"
        elif kind == "int" and data.null_count:
            kind = "float"
        out[name] = Column(name, data, kind)
    return out


def _kind(arrow_type: Any) -> str | None:
    import pyarrow.types as pat  # type: ignore[import-untyped]

    if pat.is_integer(arrow_type):
        return "int"
    if pat.is_floating(arrow_type):
        return "float"
    if pat.is_string(arrow_type) or pat.is_large_string(arrow_type):
        return "str"
    if pat.is_dictionary(arrow_type) and _kind(arrow_type.value_type) == "str":
        return "str"  # text read as a dictionary (only when the file stores it as text)
    if pat.is_null(arrow_type):
        return "null"
    return None


def _read_parquet(path: Path, wanted: list[str]) -> Any:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
    import pyarrow.types as pat

    schema = pq.read_schema(path)
    meta = (schema.metadata or {}).get(b"pandas")
    if meta is not None:
        # pandas restores its own dtypes (nullable integers, categories) from this metadata
        types = {c.get("name"): c.get("numpy_type") for c in json.loads(meta).get("columns", [])}
        if any(types.get(name, "float64") not in _NUMPY_TYPES for name in wanted):
            return None
    if len(set(schema.names)) != len(schema.names) or not set(wanted) <= set(schema.names):
        return None
    stored = {name: _kind(schema.field(name).type) for name in wanted}
    if any(pat.is_dictionary(schema.field(name).type) for name in wanted):
        return None  # a category column: pandas orders its levels by category
    text = [name for name in wanted if stored[name] == "str"]
    # ParquetFile, not read_table: read_table loads pyarrow.dataset, which imports pandas;
    # text columns come as the dictionaries the file stores, not as strings
    return pq.ParquetFile(path, read_dictionary=text).read(columns=wanted)


def _read_csv(path: Path, wanted: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    # pandas renames empty and repeated names ("Unnamed: 0", "x.1"): leave those to it
    if not header or "" in header or len(set(header)) != len(header):
        return None
    if not set(wanted) <= set(header):
        return None
    options: dict[str, Any] = {
        "include_columns": wanted,
        "null_values": list(PANDAS_NA_VALUES),
        "strings_can_be_null": True,
        "quoted_strings_can_be_null": True,
        "true_values": ["True", "TRUE", "true"],
        "false_values": ["False", "FALSE", "false"],
    }
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES + 1)
    if len(head) <= _SAMPLE_BYTES:  # the whole file: its read is the answer
        return pacsv.read_csv(pa.py_buffer(head), convert_options=pacsv.ConvertOptions(**options))
    types = _sampled_types(head[: head.rfind(b"\n") + 1], wanted, options)
    if types:
        try:
            typed = pacsv.ConvertOptions(column_types=types, **options)
            return pacsv.read_csv(path, convert_options=typed)
        except pa.ArrowInvalid:
            pass  # a later row does not fit its sampled type: infer over the whole file
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(**options))


def _sampled_types(sample: bytes, wanted: list[str], options: dict[str, Any]) -> dict[str, Any]:
    """Arrow types for ``wanted`` columns inferred from the file's first rows.

    Only integer, float and text columns get a type, and inference over the whole file would
    give each the same: the first rows already rule out the types Arrow tries before it
    (text: every other type), and a typed read fails on a later row that does not convert.
    Text is read straight into dictionaries, which factorizing needs anyway; with every
    column typed, Arrow also frees each parsed block at once instead of keeping them all in
    case a later block changes an inferred type.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.types as pat

    try:
        first = pacsv.read_csv(
            pa.py_buffer(sample),
            read_options=pacsv.ReadOptions(use_threads=False),
            convert_options=pacsv.ConvertOptions(**options),
        )
    except pa.ArrowException:
        return {}
    types: dict[str, Any] = {}
    for name in wanted:
        arrow_type = first.schema.field(name).type
        if pat.is_int64(arrow_type) or pat.is_float64(arrow_type):
            types[name] = arrow_type
        elif pat.is_string(arrow_type):
            types[name] = pa.dictionary(pa.int32(), pa.string())
    return types


def _to_numpy(data: Any, fill: float, dtype: Any = None) -> npt.NDArray[Any]:
    """A numeric Arrow array or column as a new numpy array of ``dtype``, ``fill`` where null.

    Read from the Arrow buffers: ``to_numpy``, ``fill_null`` and ``pa.scalar`` import pandas.
    """
    if hasattr(data, "combine_chunks"):
        data = data.combine_chunks()
    n, offset = len(data), data.offset
    validity, buffer = data.buffers()[:2]
    stored = np.dtype(_NUMPY_NAMES.get(str(data.type), str(data.type)))
    dtype = stored if dtype is None else np.dtype(dtype)
    if buffer is None or (validity is None and data.null_count):  # every value null
        return np.full(n, fill, dtype=dtype)
    values = np.frombuffer(buffer, dtype=stored, count=n + offset)[offset:].astype(dtype)
    if data.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        values[~bits[offset : offset + n].astype(bool)] = fill
    return values


def _factorize_strings(data: Any) -> tuple[IntArray, list[object]]:
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.types as pat

    if pat.is_dictionary(data.type):
        encoded = data.unify_dictionaries().combine_chunks()
    else:
        encoded = pc.dictionary_encode(data.combine_chunks())
    dictionary = encoded.dictionary
    indices = np.asarray(_to_numpy(encoded.indices, -1, np.intp), dtype=np.intp)
    sort = pc.array_sort_indices(dictionary)
    order = np.asarray(_to_numpy(sort, 0, np.intp), dtype=np.intp)
    labels = dictionary.take(sort).to_pylist()
    if pat.is_dictionary(data.type):
        # a stored dictionary may hold values no row has (or a null): keep the used ones
        used = np.bincount(indices[indices >= 0], minlength=len(dictionary)) > 0
        keep = used[order] & np.array([v is not None for v in labels], dtype=bool)
        order, labels = order[keep], [v for v, k in zip(labels, keep.tolist(), strict=True) if k]
    rank = np.full(len(dictionary) + 1, -1, dtype=np.intp)
    rank[order] = np.arange(order.shape[0])
    return rank[indices], labels


def _factorize_integers(
    values: npt.NDArray[np.int64], keep: npt.NDArray[np.bool_] | None
) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """Codes (``-1`` where not ``keep``; ``None`` keeps all) and the sorted distinct kept values."""
    n = values.shape[0]
    kept = values if keep is None else values[keep]
    if kept.shape[0] == 0:
        return np.full(n, -1, dtype=np.intp), np.zeros(0, dtype=np.int64)
    low, high = int(kept.min()), int(kept.max())
    if high - low > 4 * n + 1_000_000:
        levels, inverse = np.unique(kept, return_inverse=True)
        codes = np.full(n, -1, dtype=np.intp)
        codes[slice(None) if keep is None else keep] = inverse.reshape(-1)
        return codes, levels
    shifted = values - low
    used = np.bincount(shifted if keep is None else shifted[keep], minlength=high - low + 1)
    present = np.flatnonzero(used)
    lookup = np.full(high - low + 1, -1, dtype=np.intp)
    lookup[present] = np.arange(present.shape[0])
    if keep is None:
        return lookup[shifted], present.astype(np.int64) + low
    codes = np.where(keep, lookup[np.where(keep, shifted, 0)], -1).astype(np.intp)
    return codes, present.astype(np.int64) + low


def _factorize_floats(values: FloatArray) -> tuple[IntArray, list[object]]:
    keep = ~np.isnan(values)
    whole = values[keep]
    if whole.size and np.all(np.abs(whole) < 2.0**53) and np.all(whole == np.round(whole)):
        # whole numbers (an integer column with missing values): count instead of sorting
        as_int = np.where(keep, values, 0).astype(np.int64)
        codes, levels = _factorize_integers(as_int, keep)
        return codes, levels.astype(np.float64).tolist()
    levels, inverse = np.unique(whole, return_inverse=True)
    codes = np.full(values.shape[0], -1, dtype=np.intp)
    codes[keep] = inverse.reshape(-1)
    return codes, levels.tolist()
