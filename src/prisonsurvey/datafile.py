"""Read an analysis data file (CSV, Parquet, Stata, SPSS) with a located error when it fails."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location

UNREADABLE = "DAT001"
"""A data file is missing, of an unknown type or cannot be read."""
SUFFIXES = (".csv", ".parquet", ".pq", ".dta", ".sav")


def read_data_file(path: Path, code: str = UNREADABLE) -> pd.DataFrame:
    """Read a CSV, Parquet, Stata (``.dta``) or SPSS (``.sav``) file into a DataFrame.

    Args:
        path: The data file.
        code: Issue code reported when the file cannot be read (each area keeps its own).

    Raises:
        InputError: The file is missing, of an unknown type or unreadable (``code``,
            ``DAT001`` by default).
    """
    where = Location(str(path))
    if not path.is_file():
        raise InputError(Issue(code, "the data file does not exist; check the path", where))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            Issue(code, "unknown data file type; use .csv, .parquet, .dta or .sav", where)
        )
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix == ".dta":
            return pd.read_stata(path)
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path))
        return pd.DataFrame(frame)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise InputError(
            Issue(code, f"cannot read the file ({err}); check its format and encoding", where)
        ) from err
