"""Domain crossings factorized once into integer cell codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
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
    import pandas as pd

    if not by:
        return Domains(np.zeros(len(data), dtype=np.intp), pd.DataFrame(index=pd.RangeIndex(1)))
    factorized: list[tuple[IntArray, list[object]]] = []
    for col in by:
        c, labels = pd.factorize(data[col], sort=True)
        factorized.append((np.asarray(c, dtype=np.intp), list(labels)))
    cells, rows = cross_codes(factorized, len(data))
    return Domains(cells, pd.DataFrame(dict(zip(by, rows, strict=True))))


def cross_codes(
    factorized: Sequence[tuple[IntArray, Sequence[object]]], n: int
) -> tuple[IntArray, list[list[object]]]:
    """Cross factorized columns into cell codes, without pandas.

    Args:
        factorized: For every crossed column, its codes (``-1`` for a missing value) and its
            sorted levels.
        n: Number of rows.

    Returns:
        The cell of every row (``-1`` when a value is missing) and, for every column, the
        level of each present cell, cells in sorted order.
    """
    codes = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    level_lists: list[Sequence[object]] = []
    for c, labels in factorized:
        missing |= c < 0
        codes = codes * (len(labels) + 1) + np.where(c < 0, 0, c)
        level_lists.append(labels)
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
    rows: list[list[object]] = [[] for _ in level_lists]
    for value in present.tolist():
        parts: list[int] = []
        for levels in reversed(level_lists):
            parts.append(value % (len(levels) + 1))
            value //= len(levels) + 1
        for column, levels, part in zip(rows, level_lists, reversed(parts), strict=True):
            column.append(levels[part])
    return out, rows


@dataclass(frozen=True, eq=False)
class NestedDomains:
    """Several domain crossings as groupings of one finest crossing.

    The finest crossing crosses every column of every set, with a missing value as a level of
    its own, so every row has a finest cell and every set's cell is a function of it.

    Attributes:
        codes: Finest cell of every row, ``0..F-1``.
        n_cells: Number of finest cells ``F``.
        maps: For every set, the set's cell of every finest cell (``-1``: a missing value of
            one of the set's columns).
        sets: For every set, its :class:`Domains` (``codes`` left empty: rows are never coded
            set by set).
    """

    codes: IntArray
    n_cells: int
    maps: tuple[IntArray, ...]
    sets: tuple[Domains, ...]


def nested_domains(data: pd.DataFrame, sets: Sequence[Sequence[str]]) -> NestedDomains:
    """Factorize every column of ``sets`` once; each set is a grouping of the finest cells.

    Each set's cells and table are those :func:`make_domains` gives for it.

    Args:
        data: The analysis rows.
        sets: Domain crossings (column names; empty for the whole population).
    """
    import pandas as pd

    n = len(data)
    columns = list(dict.fromkeys(col for by in sets for col in by))
    levels: dict[str, list[object]] = {}
    codes = np.zeros(n, dtype=np.int64)
    for col in columns:
        c, labels = pd.factorize(data[col], sort=True)
        size = len(labels)
        # the missing value is the last level, size
        codes = codes * (size + 1) + np.where(c < 0, size, c)
        levels[col] = list(labels)
    space = int(np.prod([len(levels[col]) + 1 for col in columns]))
    if space <= 4 * n + 1_000_000:
        used = np.bincount(codes, minlength=space) if n else np.zeros(space, np.int64)
        present = np.flatnonzero(used)
        lookup = np.zeros(space, dtype=np.intp)
        lookup[present] = np.arange(present.shape[0])
        finest = lookup[codes].astype(np.intp)
    else:
        present, inverse = np.unique(codes, return_inverse=True)
        finest = inverse.reshape(-1).astype(np.intp)
    # the level of every column in every finest cell
    parts: dict[str, npt.NDArray[np.int64]] = {}
    rest = present.astype(np.int64)
    for col in reversed(columns):
        radix = len(levels[col]) + 1
        parts[col] = rest % radix
        rest = rest // radix
    maps: list[IntArray] = []
    domains: list[Domains] = []
    empty = np.zeros(0, dtype=np.intp)
    for by in sets:
        if not by:
            maps.append(np.zeros(present.shape[0], dtype=np.intp))
            domains.append(Domains(empty, pd.DataFrame(index=pd.RangeIndex(1))))
            continue
        key = np.zeros(present.shape[0], dtype=np.int64)
        missing = np.zeros(present.shape[0], dtype=bool)
        for col in by:
            size = len(levels[col])
            missing |= parts[col] == size
            key = key * size + np.where(parts[col] == size, 0, parts[col])
        cells, inverse = np.unique(key[~missing], return_inverse=True)
        cell_map = np.full(present.shape[0], -1, dtype=np.intp)
        cell_map[~missing] = inverse.reshape(-1)
        rows: dict[str, list[object]] = {col: [] for col in by}
        for value in cells.tolist():
            digits: list[int] = []
            for col in reversed(by):
                digits.append(value % len(levels[col]))
                value //= len(levels[col])
            for col, digit in zip(by, reversed(digits), strict=True):
                rows[col].append(levels[col][digit])
        maps.append(cell_map)
        domains.append(Domains(empty, pd.DataFrame(rows)))
    return NestedDomains(finest, int(present.shape[0]), tuple(maps), tuple(domains))
