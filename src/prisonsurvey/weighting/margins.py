"""Calibration margins: control totals for the cross-classification of one or more variables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from prisonsurvey.errors import Location
from prisonsurvey.weighting import issues
from prisonsurvey.weighting._cells import CellIndex, FloatArray, IntArray, group_matrix


def level_key(values: Sequence[object]) -> tuple[str, ...]:
    """Normalise a level so ``3``, ``3.0`` and ``"3"`` match between data and controls."""
    out: list[str] = []
    for v in values:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(str(v))
    return tuple(out)


@dataclass(frozen=True)
class Margin:
    """Population totals of the cross-classification of ``variables``.

    Attributes:
        variables: Column names; a level is one combination of their values.
        totals: Control total of every level, keyed by the level's values.
        name: Name shown in messages and diagnostics (default: variables joined by ``x``).
        where: Where the margin was declared (for messages).
    """

    variables: tuple[str, ...]
    totals: Mapping[tuple[object, ...], float]
    name: str = ""
    where: Location = field(default_factory=Location)

    @property
    def label(self) -> str:
        """Name used in messages."""
        return self.name or " x ".join(self.variables)

    @classmethod
    def from_frame(
        cls,
        table: pd.DataFrame,
        variables: Sequence[str],
        count: str = "count",
        name: str = "",
        where: Location | None = None,
    ) -> Margin:
        """Build a margin by summing ``count`` of ``table`` over ``variables``.

        ``table`` may be finer than the margin (e.g. country x sex x legal status counts give the
        national sex margin).
        """
        missing = [c for c in [*variables, count] if c not in table.columns]
        if missing:
            issues.fail(
                issues.CONTROLS_TABLE,
                f"control table for margin '{name or ' x '.join(variables)}' has no column(s) "
                f"{', '.join(missing)}; it has {', '.join(map(str, table.columns))}",
                where,
            )
        sums = table.groupby(list(variables), sort=True, dropna=False)[count].sum()
        totals: dict[tuple[object, ...], float] = {}
        for key, value in sums.items():
            k = key if isinstance(key, tuple) else (key,)
            totals[k] = float(value)
        return cls(tuple(variables), totals, name, where or Location())

    @property
    def grand_total(self) -> float:
        """Sum of all control totals."""
        return float(sum(self.totals.values()))


@dataclass(frozen=True)
class CellMargin:
    """A margin bound to a cell table: the level of every cell and the target of every level."""

    margin: Margin
    codes: IntArray
    targets: FloatArray
    levels: list[tuple[str, ...]]

    @property
    def n_levels(self) -> int:
        """Number of levels with a control total."""
        return int(self.targets.size)

    @cached_property
    def indicator(self) -> sparse.csr_matrix:
        """Sparse ``(levels, cells)`` indicator: ``indicator @ T`` sums cells by level."""
        return group_matrix(self.codes, self.n_levels)

    def sums(self, t: FloatArray) -> FloatArray:
        """Totals of every level for every column of ``t`` (shape ``(C, K)``)."""
        if t.shape[1] == 1:
            one = np.bincount(self.codes, weights=t[:, 0], minlength=self.n_levels)
            return np.asarray(one[:, None], dtype=np.float64)
        return np.asarray(self.indicator @ t, dtype=np.float64)


def bind(cells: CellIndex, margin: Margin, cell_weight: FloatArray) -> CellMargin:
    """Map each cell to its level of ``margin``; reject levels that cannot be matched.

    Args:
        cells: Cells of the data (their variables include the margin's variables).
        margin: The control totals.
        cell_weight: Full-sample weight total of every cell (to detect unmet levels).
    """
    wanted = {level_key(k): float(v) for k, v in margin.totals.items()}
    labels = [cells.labels(v) for v in margin.variables]
    cell_keys = [level_key(vals) for vals in zip(*labels, strict=True)]
    levels = sorted(set(cell_keys) | {k for k, v in wanted.items() if v != 0})
    index = {k: i for i, k in enumerate(levels)}
    codes = np.array([index[k] for k in cell_keys], dtype=np.intp)
    for k in sorted(set(cell_keys)):
        if k not in wanted:
            issues.fail(
                issues.MARGIN_NO_CONTROL,
                f"margin '{margin.label}': the data have level {'/'.join(k)} but the controls "
                f"give no total for it; add it to the control table or recode the data",
                margin.where,
            )
    achieved = np.bincount(codes, weights=cell_weight, minlength=len(levels))
    targets = np.array([wanted[k] for k in levels], dtype=np.float64)
    for i, k in enumerate(levels):
        if targets[i] > 0 and achieved[i] <= 0:
            issues.fail(
                issues.MARGIN_UNMET,
                f"margin '{margin.label}' cannot be met: level {'/'.join(k)} has a control total "
                f"of {targets[i]:g} but no sampled unit with positive weight; collapse this level "
                f"with a neighbouring one in the controls and the data",
                margin.where,
            )
    return CellMargin(margin, codes, targets, levels)


def check_grand_totals(margins: Sequence[Margin], rel_tol: float = 1e-9) -> None:
    """Reject margins whose totals disagree (no weights can meet all of them)."""
    if len(margins) < 2:
        return
    first = margins[0]
    for m in margins[1:]:
        a, b = first.grand_total, m.grand_total
        if abs(a - b) > rel_tol * max(abs(a), abs(b), 1.0):
            issues.fail(
                issues.MARGIN_TOTALS_DISAGREE,
                f"margins '{first.label}' and '{m.label}' cannot both be met: their control "
                f"totals add up to {a:.10g} and {b:.10g}; take both from the same census",
                m.where,
            )
