"""Domain crossings factorized once into integer cell codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Domains:
    """Cells of a domain crossing.

    Attributes:
        codes: Cell of every row, ``0..C-1``; ``-1`` for rows with a missing domain value.
        table: One row per cell with the value of every ``by`` column, in sorted order.
    """

    codes: IntArray
    table: pd.DataFrame

    @property
    def n_cells(self) -> int:
        """Number of cells ``C``."""
        return len(self.table)

    @property
    def by(self) -> tuple[str, ...]:
        """Names of the crossed columns."""
        return tuple(str(c) for c in self.table.columns)


def make_domains(data: pd.DataFrame, by: Sequence[str] = ()) -> Domains:
    """Factorize the crossing of ``by`` columns (sorted levels; rows with a missing value get -1).

    Args:
        data: The analysis rows.
        by: Columns to cross; empty means one domain holding every row.
    """
    n = len(data)
    if not by:
        return Domains(np.zeros(n, dtype=np.intp), pd.DataFrame(index=pd.RangeIndex(1)))
    codes = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    level_lists: list[list[object]] = []
    for col in by:
        c, labels = pd.factorize(data[col], sort=True)
        missing |= c < 0
        codes = codes * (len(labels) + 1) + np.where(c < 0, 0, c)
        level_lists.append(list(labels))
    space = int(np.prod([len(levels) + 1 for levels in level_lists]))
    if space <= 4 * n + 1_000_000:
        # the crossing space is small: find the present cells with one counting pass
        used = np.bincount(codes, minlength=space) if n else np.zeros(space, np.int64)
        if np.any(missing):
            used = used - np.bincount(codes[missing], minlength=space)
        present = np.flatnonzero(used)
        lookup = np.full(space, -1, dtype=np.intp)
        lookup[present] = np.arange(present.shape[0])
        out = np.where(missing, -1, lookup[codes]).astype(np.intp)
    else:
        present, cells = np.unique(codes[~missing], return_inverse=True)
        out = np.full(n, -1, dtype=np.intp)
        out[~missing] = cells.reshape(-1)
    rows: dict[str, list[object]] = {col: [] for col in by}
    for value in present.tolist():
        parts: list[int] = []
        for levels in reversed(level_lists):
            parts.append(value % (len(levels) + 1))
            value //= len(levels) + 1
        for col, levels, part in zip(by, level_lists, reversed(parts), strict=True):
            rows[col].append(levels[part])
    return Domains(out, pd.DataFrame(rows))
