"""Encode categorical columns into compact integer cell codes and sum weights by cell.

Every adjustment in this package is constant within cells (weighting classes, post-strata,
raking cells), so the work is done on a small table of cell totals and gathered back to rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def encode(column: pd.Series) -> tuple[IntArray, list[object]]:
    """Return integer codes (``-1`` for missing) and the sorted levels of a column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.cat.remove_unused_categories()
        levels = list(cat.cat.categories)
        order = sorted(range(len(levels)), key=lambda i: _sort_key(levels[i]))
        if order != list(range(len(levels))):
            cat = cat.cat.reorder_categories([levels[i] for i in order])
            levels = [levels[i] for i in order]
        return np.asarray(cat.cat.codes, dtype=np.intp), levels
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), list(uniques)


def _sort_key(value: object) -> tuple[int, str]:
    return (0, f"{value:030.10f}") if isinstance(value, int | float) else (1, str(value))


@dataclass(frozen=True)
class CellIndex:
    """Rows grouped by the cross-classification of some columns.

    Attributes:
        variables: Column names that define the cells.
        levels: Levels of each variable (codes index into these).
        row_cell: Cell code of every row, shape ``(N,)``.
        cell_levels: Level code of each variable for each cell, shape ``(C, len(variables))``.
    """

    variables: tuple[str, ...]
    levels: tuple[list[object], ...]
    row_cell: IntArray
    cell_levels: IntArray

    @property
    def n_cells(self) -> int:
        """Number of non-empty cells ``C``."""
        return int(self.cell_levels.shape[0])

    def labels(self, variable: str) -> list[object]:
        """The value of ``variable`` in every cell."""
        j = self.variables.index(variable)
        lv = self.levels[j]
        return [lv[k] for k in self.cell_levels[:, j]]


def cell_index(data: pd.DataFrame, variables: Sequence[str]) -> CellIndex:
    """Cross-classify rows by ``variables``; a missing value is a level of its own (``None``)."""
    n = len(data)
    codes: list[IntArray] = []
    levels: list[list[object]] = []
    for v in variables:
        c, lv = encode(data[v])
        if (c < 0).any():
            c = np.where(c < 0, len(lv), c)
            lv = [*lv, None]
        codes.append(c)
        levels.append(lv)
    radix = 1
    combined = np.zeros(n, dtype=np.int64)
    for c, lv in zip(codes, levels, strict=True):
        combined = combined * max(len(lv), 1) + c
        radix *= max(len(lv), 1)
    if radix <= max(4 * n, 1 << 16):
        present = np.bincount(combined, minlength=radix) > 0
        ids = np.flatnonzero(present)
        lookup = np.full(radix, -1, dtype=np.intp)
        lookup[ids] = np.arange(ids.size)
        row_cell = lookup[combined]
    else:
        ids, inv = np.unique(combined, return_inverse=True)
        row_cell = inv.astype(np.intp)
    cell_levels = np.zeros((ids.size, len(variables)), dtype=np.intp)
    rest = ids.astype(np.int64)
    for j in range(len(variables) - 1, -1, -1):
        size = max(len(levels[j]), 1)
        cell_levels[:, j] = rest % size
        rest = rest // size
    return CellIndex(tuple(variables), tuple(levels), row_cell.astype(np.intp), cell_levels)


def group_matrix(codes: IntArray, n_groups: int) -> sparse.csr_matrix:
    """Sparse ``(n_groups, len(codes))`` indicator matrix: row ``g`` sums members of group ``g``."""
    m = codes.size
    return sparse.csr_matrix(
        (np.ones(m), (codes, np.arange(m))), shape=(n_groups, m), dtype=np.float64
    )


def group_sum(values: FloatArray, codes: IntArray, n_groups: int) -> FloatArray:
    """Sum the rows of ``values`` (shape ``(M,)`` or ``(M, K)``) by group code."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_groups).astype(np.float64)
    if values.shape[1] == 1:
        out1 = np.bincount(codes, weights=values[:, 0], minlength=n_groups)
        return np.asarray(out1[:, None], dtype=np.float64)
    out = group_matrix(codes, n_groups) @ values
    return np.asarray(out, dtype=np.float64)
