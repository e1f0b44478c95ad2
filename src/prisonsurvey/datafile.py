"""Read an analysis data file (CSV, Parquet, Stata, SPSS) with a located error when it fails.

A caller that knows the columns it needs reads only those: Parquet by column projection, CSV
with ``usecols`` (the other columns are split but never converted). String columns stay in
Arrow-backed storage, so factorizing them later never goes through Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location

UNREADABLE = "DAT001"
"""A data file is missing, of an unknown type or cannot be read."""
SUFFIXES = (".csv", ".parquet", ".pq", ".dta", ".sav")
_PARQUET = (".parquet", ".pq")


def _checked_suffix(path: Path, code: str) -> str:
    where = Location(str(path))
    if not path.is_file():
        raise InputError(Issue(code, "the data file does not exist; check the path", where))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            Issue(code, "unknown data file type; use .csv, .parquet, .dta or .sav", where)
        )
    return suffix


def _unreadable(path: Path, code: str, err: Exception) -> InputError:
    return InputError(
        Issue(
            code,
            f"cannot read the file ({err}); check its format and encoding",
            Location(str(path)),
        )
    )


def data_file_columns(path: Path, code: str = UNREADABLE) -> tuple[str, ...] | None:
    """The column names of a CSV or Parquet file, read from its header alone.

    Args:
        path: The data file.
        code: Issue code reported when the file cannot be read.

    Returns:
        The names in file order, or ``None`` for Stata and SPSS files (read whole).

    Raises:
        InputError: The file is missing, of an unknown type or unreadable (``code``).
    """
    suffix = _checked_suffix(path, code)
    try:
        if suffix == ".csv":
            return tuple(map(str, pd.read_csv(path, nrows=0).columns))
        if suffix in _PARQUET:
            import pyarrow.parquet as pq  # type: ignore[import-untyped]

            return tuple(pq.read_schema(path).names)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise _unreadable(path, code, err) from err
    return None


def read_data_file(
    path: Path, code: str = UNREADABLE, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read a CSV, Parquet, Stata (``.dta``) or SPSS (``.sav``) file into a DataFrame.

    Args:
        path: The data file.
        code: Issue code reported when the file cannot be read (each area keeps its own).
        columns: Read only these columns (all present in the file, see
            :func:`data_file_columns`), in this order; all columns when ``None``.

    Raises:
        InputError: The file is missing, of an unknown type or unreadable (``code``,
            ``DAT001`` by default).
    """
    suffix = _checked_suffix(path, code)
    use = None if columns is None else list(columns)
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, usecols=use)
            return frame if use is None else frame[use]
        if suffix in _PARQUET:
            return pd.read_parquet(path, columns=use)
        if suffix == ".dta":
            return pd.read_stata(path, columns=use)
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path), usecols=use)
        return pd.DataFrame(frame)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise _unreadable(path, code, err) from err
