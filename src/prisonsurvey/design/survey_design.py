"""A survey design as integer codes: strata, PSUs, weights, fpc, calibration and replicates.

Everything is factorized once when the design is declared; estimators then work on grouped sums
over these codes. PSU codes are numbered stratum by stratum (PSUs of stratum 0 first), so
per-stratum sums of PSU tables are contiguous slices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.calibration import Calibration
from prisonsurvey.design.replicates import ReplicateWeights

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class LonelyPsu(StrEnum):
    """What to do with a stratum holding a single PSU (R ``survey.lonely.psu``)."""

    FAIL = "fail"
    REMOVE = "remove"
    CERTAINTY = "certainty"
    ADJUST = "adjust"
    AVERAGE = "average"


class LonelyPsuError(ValueError):
    """A stratum has a single PSU and the lonely-PSU policy is ``fail``."""


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A declared survey design over ``N`` analysis rows.

    Attributes:
        weights: Analysis weight of every row, shape ``(N,)``.
        strata: Stratum code of every row, values ``0..H-1``.
        psu: PSU code of every row, values ``0..P-1``, numbered stratum by stratum.
        psu_stratum: Stratum of every PSU, shape ``(P,)``, non-decreasing.
        stratum_pop_psus: Population number of PSUs per stratum (``inf`` without fpc), ``(H,)``.
        psu_pop_units: Second-stage population size per PSU for a two-stage fpc, ``(P,)``.
        calibration: Calibration model whose residuals the linearised variance uses.
        replicates: Replicate weights; when present, variances are replicate variances.
        lonely_psu: Policy for strata with a single PSU.
        strata_labels: Original stratum values, by code.
        psu_labels: Original PSU values, by code.
        degf_override: Degrees of freedom to use instead of ``#PSU - #strata``.
    """

    weights: FloatArray
    strata: IntArray
    psu: IntArray
    psu_stratum: IntArray
    stratum_pop_psus: FloatArray
    psu_pop_units: FloatArray | None = None
    calibration: Calibration | None = None
    replicates: ReplicateWeights | None = None
    lonely_psu: LonelyPsu = LonelyPsu.FAIL
    strata_labels: tuple[object, ...] = ()
    psu_labels: tuple[object, ...] = ()
    degf_override: int | None = None

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.weights.shape[0])

    @property
    def n_psu(self) -> int:
        """Number of PSUs ``P``."""
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        """Number of strata ``H``."""
        return int(self.stratum_pop_psus.shape[0])

    @property
    def psus_per_stratum(self) -> IntArray:
        """Number of sampled PSUs in each stratum, shape ``(H,)``."""
        return np.bincount(self.psu_stratum, minlength=self.n_strata).astype(np.intp)

    @property
    def units_per_psu(self) -> IntArray:
        """Number of rows in each PSU, shape ``(P,)``."""
        return np.bincount(self.psu, minlength=self.n_psu).astype(np.intp)

    @property
    def degf(self) -> int:
        """Design degrees of freedom: number of PSUs minus number of strata (as R ``degf``)."""
        if self.degf_override is not None:
            return self.degf_override
        return self.n_psu - self.n_strata

    def with_calibration(self, calibration: Calibration | None) -> SurveyDesign:
        """Return a copy whose linearised variance uses the residuals of ``calibration``."""
        return replace(self, calibration=calibration)

    def with_replicates(self, replicates: ReplicateWeights | None) -> SurveyDesign:
        """Return a copy whose variances come from ``replicates``."""
        return replace(self, replicates=replicates)

    def with_weights(self, weights: npt.ArrayLike) -> SurveyDesign:
        """Return a copy with other analysis weights (e.g. calibrated ones)."""
        w = np.ascontiguousarray(weights, dtype=np.float64)
        if w.shape != self.weights.shape:
            raise ValueError(f"expected {self.n} weights, got {w.shape[0]}")
        return replace(self, weights=w)

    def with_lonely_psu(self, policy: LonelyPsu | str) -> SurveyDesign:
        """Return a copy with another lonely-PSU policy."""
        return replace(self, lonely_psu=LonelyPsu(policy))


def build_design(
    weights: npt.ArrayLike,
    strata: npt.ArrayLike | Factorized | None = None,
    psu: npt.ArrayLike | Factorized | None = None,
    fpc: npt.ArrayLike | None = None,
    ssu_fpc: npt.ArrayLike | None = None,
    lonely_psu: LonelyPsu | str = LonelyPsu.FAIL,
) -> SurveyDesign:
    """Factorize design columns into a :class:`SurveyDesign`.

    PSUs are nested within strata (R ``nest=TRUE``): the same PSU value in two strata is two
    PSUs. Without ``psu`` every row is its own PSU; without ``strata`` there is one stratum.

    Args:
        weights: Sampling (or adjusted) weights, positive.
        strata: Stratum of every row, or its codes already factorized.
        psu: Primary sampling unit of every row, or its codes already factorized.
        fpc: First-stage population: number of PSUs in the stratum (values above 1) or the
            sampling fraction (values at most 1), constant within strata.
        ssu_fpc: Second-stage population: number of units in the PSU, constant within PSUs.
        lonely_psu: Lonely-PSU policy.

    Raises:
        ValueError: The columns are inconsistent (lengths, non-finite weights, fpc varying
            within a stratum or smaller than the sample).
    """
    w = np.ascontiguousarray(weights, dtype=np.float64)
    n = w.shape[0]
    if not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite numbers")
    s_codes, s_labels = _factorize(strata, n)
    if psu is None:
        p_raw: IntArray = np.arange(n, dtype=np.intp)
    else:
        p_raw, p_labels = _factorize(psu, n)
    # nest PSUs in strata and number them stratum by stratum
    pair = s_codes.astype(np.int64) * (int(p_raw.max(initial=0)) + 1) + p_raw
    uniq, psu_codes = _sorted_codes(pair, len(s_labels) * (int(p_raw.max(initial=0)) + 1))
    psu_stratum = (uniq // (int(p_raw.max(initial=0)) + 1)).astype(np.intp)
    psu_labels: tuple[object, ...] = ()
    if psu is not None:
        first = np.zeros(uniq.shape[0], dtype=np.intp)
        first[psu_codes[::-1]] = np.arange(n - 1, -1, -1)
        # only the P labels become Python objects, never the N values
        psu_labels = tuple(p_labels[i] for i in p_raw[first].tolist())
    h = len(s_labels)
    n_h = np.bincount(psu_stratum, minlength=h).astype(np.float64)
    pop = np.full(h, np.inf)
    if fpc is not None:
        f = np.asarray(fpc, dtype=np.float64)
        if f.shape[0] != n:
            raise ValueError("fpc must have one value per row")
        pop = _population(f, s_codes, n_h, "fpc must be constant within each stratum")
        if np.any(pop < n_h - 1e-9):
            raise ValueError("fpc is smaller than the number of sampled PSUs in a stratum")
    psu_pop: FloatArray | None = None
    if ssu_fpc is not None:
        g = np.asarray(ssu_fpc, dtype=np.float64)
        if g.shape[0] != n:
            raise ValueError("second-stage fpc must have one value per row")
        p = uniq.shape[0]
        m_i = np.bincount(psu_codes, minlength=p).astype(np.float64)
        psu_pop = _population(
            g, psu_codes, m_i, "second-stage fpc must be constant within each PSU"
        )
        if np.any(psu_pop < m_i - 1e-9):
            raise ValueError("second-stage fpc is smaller than the number of sampled units")
    return SurveyDesign(
        weights=w,
        strata=s_codes,
        psu=psu_codes,
        psu_stratum=psu_stratum,
        stratum_pop_psus=pop,
        psu_pop_units=psu_pop,
        lonely_psu=LonelyPsu(lonely_psu),
        strata_labels=s_labels,
        psu_labels=psu_labels,
    )


def _sorted_codes(
    values: npt.NDArray[np.int64], space: int
) -> tuple[npt.NDArray[np.int64], IntArray]:
    """``np.unique(values, return_inverse=True)`` of integers in ``[0, space)``.

    When the space is small next to the rows, one counting pass finds the present values, in
    order, without sorting the rows.
    """
    n = values.shape[0]
    if space > 4 * n + 1_000_000:
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1).astype(np.intp)
    present = np.flatnonzero(np.bincount(values, minlength=space))
    lookup = np.zeros(space, dtype=np.intp)
    lookup[present] = np.arange(present.shape[0])
    return present.astype(np.int64), lookup[values]


def _population(fpc: FloatArray, codes: IntArray, sampled: FloatArray, varies: str) -> FloatArray:
    """Population size of every group from an fpc given as a fraction (<= 1) or a size.

    Raises:
        ValueError: The fpc differs within a group (``varies`` says how).
    """
    lo = np.full(sampled.shape[0], np.inf)
    hi = np.full(sampled.shape[0], -np.inf)
    np.minimum.at(lo, codes, fpc)
    np.maximum.at(hi, codes, fpc)
    if np.any(lo != hi):
        raise ValueError(varies)
    return np.asarray(np.where(lo <= 1.0, sampled / np.where(lo > 0, lo, np.nan), lo))


@dataclass(frozen=True, eq=False)
class Factorized:
    """A design column already turned into codes (as ``pandas.factorize(sort=True)`` does).

    Attributes:
        codes: Code of every row, ``0..K-1``, no missing value.
        labels: The sorted distinct values, by code.
    """

    codes: IntArray
    labels: tuple[object, ...]


def _factorize(
    values: npt.ArrayLike | Factorized | None, n: int
) -> tuple[IntArray, tuple[object, ...]]:
    if values is None:
        return np.zeros(n, dtype=np.intp), ("all",)
    if isinstance(values, Factorized):
        if values.codes.shape[0] != n:
            raise ValueError("design columns must all have one value per row")
        return values.codes, values.labels
    import pandas as pd

    codes, labels = pd.factorize(pd.Series(values), sort=True)
    if codes.shape[0] != n:
        raise ValueError("design columns must all have one value per row")
    if np.any(codes < 0):
        raise ValueError("design columns must not have missing values")
    return codes.astype(np.intp), tuple(labels.tolist())
