"""The calibration model behind adjusted weights, kept for calibration-aware variances.

Calibrated weights (post-stratified, raked, GREG/linear, logit or raking calibration, with or
without bounds or trimming) reduce the variance of estimates correlated with the calibration
margins. The linearised variance of such estimates is computed from residuals of the scores on
the calibration model, as R ``survey`` does:

* ``greg`` (``postStratify``, ``calibrate``): the score ``z`` becomes
  ``z - w_cal * X b`` with ``b`` the ``w0``-weighted least-squares fit of ``z / (w_cal/w0)`` on
  ``X`` (``X`` spans the indicator columns of every margin; ``w0`` are the weights before
  calibration, ``w_cal`` those calibration produced).
* ``rake`` (``rake``): ten sweeps over the margins of ``z -= w * mean_cell(z / w)`` with the
  unweighted cell mean, as R does for designs raked by iterative proportional fitting.

Margins are categorical (post-strata, raking margins, crossed cells); the model is stored as
integer codes of the finest crossing of all margins, so residuals are small-table arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from prisonsurvey.design.survey_design import SurveyDesign

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class CalibrationKind(StrEnum):
    """How the variance residualises scores on the calibration margins."""

    GREG = "greg"
    RAKE = "rake"


@dataclass(frozen=True, eq=False)
class Calibration:
    """A categorical calibration model.

    Attributes:
        kind: Residualisation rule (see module docstring).
        cells: Code of the finest crossing of all margins for every row, ``0..G-1``.
        cell_margins: For every margin, the margin category of every cell, shape ``(M, G)``.
        margin_sizes: Number of categories of every margin, shape ``(M,)``.
        base_weights: Weights before calibration ``w0``, shape ``(N,)``.
        calibrated_weights: Weights the calibration produced, when the analysis weights were
            changed afterwards (e.g. trimmed); ``None`` means the analysis weights.
    """

    kind: CalibrationKind
    cells: IntArray
    cell_margins: IntArray
    margin_sizes: IntArray
    base_weights: FloatArray
    calibrated_weights: FloatArray | None = None

    @property
    def n_cells(self) -> int:
        """Number of cells ``G`` of the finest crossing."""
        return int(self.cell_margins.shape[1])


def make_calibration(
    margins: Sequence[Sequence[npt.ArrayLike]],
    base_weights: npt.ArrayLike,
    kind: CalibrationKind | str = CalibrationKind.GREG,
    calibrated_weights: npt.ArrayLike | None = None,
) -> Calibration:
    """Build a :class:`Calibration` from margin columns.

    Args:
        margins: One entry per margin, each a sequence of row-aligned columns whose crossing is
            the margin (e.g. ``[[country, sex], [country, legal_status]]``); a post-stratified
            design has one margin.
        base_weights: Weights before calibration.
        kind: ``greg`` for post-stratification and ``calibrate``-style weights, ``rake`` for
            weights raked by iterative proportional fitting (R ``rake``).
        calibrated_weights: Weights the calibration produced, if the analysis weights differ
            from them (trimmed after calibration).

    Raises:
        ValueError: No margins, missing values in a margin, or misaligned columns.
    """
    import pandas as pd

    w0 = np.ascontiguousarray(base_weights, dtype=np.float64)
    n = w0.shape[0]
    if not margins:
        raise ValueError("a calibration needs at least one margin")
    codes: list[IntArray] = []
    sizes: list[int] = []
    for cols in margins:
        frame = pd.DataFrame({f"c{i}": pd.Series(np.asarray(c)) for i, c in enumerate(cols)})
        if len(frame) != n:
            raise ValueError("margin columns must have one value per row")
        if frame.isna().to_numpy().any():
            raise ValueError("margin columns must not have missing values")
        grouped = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy()
        codes.append(grouped.astype(np.intp))
        sizes.append(int(grouped.max()) + 1 if n else 0)
    stacked = np.stack(codes)
    uniq, cells = np.unique(stacked, axis=1, return_inverse=True)
    cal_w = None if calibrated_weights is None else np.asarray(calibrated_weights, np.float64)
    return Calibration(
        kind=CalibrationKind(kind),
        cells=cells.reshape(-1).astype(np.intp),
        cell_margins=uniq.astype(np.intp),
        margin_sizes=np.asarray(sizes, dtype=np.intp),
        base_weights=w0,
        calibrated_weights=cal_w,
    )


def calibrated_design(
    design: SurveyDesign,
    data: pd.DataFrame,
    margins: Sequence[Sequence[str]],
    weights: npt.ArrayLike,
    kind: CalibrationKind | str = CalibrationKind.GREG,
    untrimmed_weights: npt.ArrayLike | None = None,
) -> SurveyDesign:
    """Return ``design`` with calibrated ``weights`` and the model its variances residualise on.

    The weights may come from anywhere (this package's weighting, R, another system): the
    variance only needs the calibration margins, the weights before calibration (the design's
    weights) and after.

    Args:
        design: The design before calibration (its weights are ``w0``).
        data: Rows aligned with the design, holding the margin columns.
        margins: Column names of each margin, e.g. ``[["country", "sex"], ["country",
            "legal_status"]]``; one margin for post-stratification.
        weights: The calibrated (and possibly trimmed) analysis weights.
        kind: ``greg`` (post-stratification, linear, raking, logit calibration) or ``rake``
            (iterative proportional fitting as R ``rake``).
        untrimmed_weights: The calibrated weights before trimming, when ``weights`` were
            trimmed afterwards.
    """
    cal = make_calibration(
        [[data[c].to_numpy() for c in cols] for cols in margins],
        design.weights,
        kind,
        calibrated_weights=untrimmed_weights,
    )
    return design.with_weights(weights).with_calibration(cal)
