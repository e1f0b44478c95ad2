"""Read the per-replicate variance multipliers (R ``rscales``) given with replicate weights.

They come as a comma-separated list of numbers or as a file: one number a line, or a CSV whose
``rscales`` column (or only column) holds them, in the order of the replicate weight columns.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from prisonsurvey.design.spec import BAD_OPTION
from prisonsurvey.errors import InputError, Issue, Location

COLUMN = "rscales"


def read_rscales(value: str) -> tuple[float, ...]:
    """The multipliers ``value`` names: a file of them, or a comma-separated list.

    Args:
        value: A path to an existing file, or numbers such as ``0.5,0.5,0.9``.

    Raises:
        InputError: Unreadable file, a missing column or a value that is not a number >= 0
            (``DES005``, located at the file's line and column).
    """
    path = Path(value)
    try:
        is_file = path.is_file()
    except OSError:  # a long list of numbers is no file name
        is_file = False
    if is_file:
        return _from_file(path)
    items = [v.strip() for v in value.split(",")]
    out = [_number(v) for v in items]
    if not items or any(v is None for v in out):
        raise InputError(
            Issue(
                BAD_OPTION,
                f"--rep-rscales '{value}' is neither a file nor numbers such as 0.5,0.5,0.9",
                Location(),
            )
        )
    return tuple(v for v in out if v is not None)


def _from_file(path: Path) -> tuple[float, ...]:
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            Issue(BAD_OPTION, f"cannot read the rscales file ({err})", Location(str(path)))
        ) from err
    rows = [r for r in rows if any(c.strip() for c in r)]
    column, first = 0, 0
    if rows and _number(rows[0][0]) is None:
        header = [c.strip() for c in rows[0]]
        if COLUMN in header:
            column = header.index(COLUMN)
        elif len(header) != 1:
            raise InputError(
                Issue(
                    BAD_OPTION,
                    f"the rscales file needs a column named '{COLUMN}' (or only one column)",
                    Location(str(path), row=1),
                )
            )
        first = 1
    out: list[float] = []
    for line, row in enumerate(rows[first:], start=first + 1):
        number = _number(row[column]) if column < len(row) else None
        if number is None:
            raise InputError(
                Issue(
                    BAD_OPTION,
                    "an rscale must be a number >= 0; fix the value",
                    Location(str(path), row=line, column=COLUMN),
                )
            )
        out.append(number)
    if not out:
        raise InputError(
            Issue(BAD_OPTION, "the rscales file holds no numbers", Location(str(path)))
        )
    return tuple(out)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None
