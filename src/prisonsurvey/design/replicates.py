"""Replicate weights kept in factored form, so no N x R weight matrix is needed.

The weight of row ``i`` in replicate ``r`` is::

    w[i, r] = base[i] * psu_factors[psu[i], r] * cell_factors[cell[i], r]   (cells optional)

``psu_factors`` holds the PSU-level multipliers of the replication method (JK1, JKn delete-one-PSU,
bootstrap with Rao-Wu rescaling, BRR/Fay). ``cell_factors`` holds the per-replicate adjustment of
re-run weighting steps (nonresponse adjustment, calibration) when those adjustments are constant
within cells (weighting classes, post-strata, raking cells); replicate estimates then reduce to
grouped sums by (PSU, cell) and one small matrix product.

The variance of an estimator ``theta`` is ``scale * sum_r rscales[r] * (theta_r - centre)**2``
where ``centre`` is the full-sample estimate when ``mse`` is true and the replicate mean otherwise
(R ``survey``'s ``survey.replicates.mse``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class ReplicateMethod(StrEnum):
    """Replication methods, named as in R ``survey``'s ``as.svrepdesign(type=)``."""

    JK1 = "JK1"
    JKN = "JKn"
    BOOTSTRAP = "bootstrap"
    BRR = "BRR"
    FAY = "Fay"


@dataclass(frozen=True, eq=False)
class ReplicateWeights:
    """Replicate weights in factored form (see module docstring).

    Attributes:
        method: The replication method.
        scale: Overall multiplier of the sum of squares.
        rscales: Per-replicate multipliers, shape ``(R,)``.
        psu_codes: Integer PSU code of every row, shape ``(N,)``, values in ``0..P-1``.
        psu_factors: PSU-level multipliers, shape ``(P, R)``.
        cell_codes: Optional integer cell code of every row, shape ``(N,)``.
        cell_factors: Optional cell-level adjustment per replicate, shape ``(C, R)``.
        mse: Centre deviations on the full-sample estimate instead of the replicate mean.
    """

    method: ReplicateMethod
    scale: float
    rscales: npt.NDArray[np.float64]
    psu_codes: npt.NDArray[np.intp]
    psu_factors: npt.NDArray[np.float64]
    cell_codes: npt.NDArray[np.intp] | None = None
    cell_factors: npt.NDArray[np.float64] | None = None
    mse: bool = False

    @property
    def n_replicates(self) -> int:
        """Number of replicates ``R``."""
        return int(self.psu_factors.shape[1])

    def matrix(self, base: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Return the explicit ``N x R`` replicate weight matrix (for export and small data).

        Args:
            base: Full-sample weights of the rows, shape ``(N,)``.
        """
        out = base[:, None] * self.psu_factors[self.psu_codes]
        if self.cell_codes is not None and self.cell_factors is not None:
            out = out * self.cell_factors[self.cell_codes]
        return np.asarray(out, dtype=np.float64)
