"""Build :class:`ReplicateWeights` for a design: multipliers of each method, explicit weights.

Variance multipliers follow R ``survey``:

* ``JK1``: ``scale = (R-1)/R``;
* ``JKn``: ``rscales[r] = (n_h - 1)/n_h * (1 - f_h)`` for the stratum ``h`` whose PSU replicate
  ``r`` deletes;
* ``bootstrap``: ``scale = 1/(R-1)`` for supplied weights (R ``svrepdesign``), or the value R's
  ``as.svrepdesign`` uses for Rao-Wu multipliers (``n/((n-1)(R-1))`` with ``n`` the harmonic mean
  of PSUs per stratum) when ``rao_wu=True``;
* ``BRR``: ``scale = 1/R``; ``Fay``: ``scale = 1/(R (1-rho)^2)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.replicates import ReplicateMethod, ReplicateWeights
from prisonsurvey.design.survey_design import SurveyDesign

FloatArray = npt.NDArray[np.float64]


def jackknife_factors(design: SurveyDesign) -> FloatArray:
    """Delete-one-PSU (JKn) multipliers, shape ``(P, R)``; strata with one PSU get no replicate.

    Args:
        design: The design whose PSUs are deleted one at a time.
    """
    n_h = design.psus_per_stratum
    keep = np.flatnonzero(n_h[design.psu_stratum] > 1)
    factors = np.ones((design.n_psu, keep.shape[0]))
    same = design.psu_stratum[:, None] == design.psu_stratum[keep][None, :]
    ratio = n_h / np.maximum(n_h - 1, 1)
    factors = np.where(same, ratio[design.psu_stratum][:, None], factors)
    factors[keep, np.arange(keep.shape[0])] = 0.0
    return np.asarray(factors, dtype=np.float64)


def replicates_from_factors(
    design: SurveyDesign,
    factors: npt.ArrayLike,
    method: ReplicateMethod | str,
    *,
    fay_rho: float = 0.0,
    rao_wu: bool = False,
    mse: bool = False,
) -> ReplicateWeights:
    """Wrap PSU-level multipliers ``(P, R)`` (rows in the design's PSU order) with their scales.

    Args:
        design: The design the PSUs belong to.
        factors: Multiplier of every PSU in every replicate.
        method: Replication method.
        fay_rho: Fay's perturbation factor (``Fay`` only).
        rao_wu: The multipliers are R ``as.svrepdesign`` Rao-Wu bootstrap ones.
        mse: Centre on the full-sample estimate instead of the replicate mean.

    Raises:
        ValueError: Wrong shape, or a JKn replicate that deletes no PSU.
    """
    f = np.ascontiguousarray(factors, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] != design.n_psu:
        raise ValueError(f"expected replicate factors of shape ({design.n_psu}, R)")
    method = ReplicateMethod(method)
    scale, rscales = _multipliers(design, f, method, fay_rho, rao_wu)
    return ReplicateWeights(
        method=method,
        scale=scale,
        rscales=rscales,
        psu_codes=design.psu,
        psu_factors=f,
        mse=mse,
    )


def replicates_from_weights(
    design: SurveyDesign,
    weights: npt.ArrayLike,
    method: ReplicateMethod | str,
    *,
    fay_rho: float = 0.0,
    mse: bool = False,
    scale: float | None = None,
    rscales: npt.ArrayLike | None = None,
) -> ReplicateWeights:
    """Wrap explicit replicate weight columns ``(N, R)``.

    When every replicate's multiplier ``weights / design.weights`` is constant within PSUs the
    weights are kept in factored form ``(P, R)``; otherwise each row is its own unit.

    The variance multipliers default to the method's (module docstring); a file made from a
    design with a finite population correction carries its own, given as ``scale`` and
    ``rscales`` (R ``svrepdesign(scale=, rscales=)``). With ``rscales`` and no ``scale`` a JKn
    design takes ``scale = 1`` as R does, the other methods their default ``scale``.

    Args:
        design: The design (its weights are the full-sample weights).
        weights: Replicate weights, one column per replicate.
        method: Replication method.
        fay_rho: Fay's perturbation factor (``Fay`` only).
        mse: Centre on the full-sample estimate instead of the replicate mean.
        scale: Overall variance multiplier instead of the method's.
        rscales: Per-replicate variance multipliers instead of the method's, shape ``(R,)``.

    Raises:
        ValueError: Wrong shape, non-finite weights, or ``rscales`` not one per replicate.
    """
    rw = np.asarray(weights, dtype=np.float64)
    if rw.ndim != 2 or rw.shape[0] != design.n:
        raise ValueError(f"expected replicate weights of shape ({design.n}, R)")
    if not np.all(np.isfinite(rw)):
        raise ValueError("replicate weights must be finite numbers")
    w = design.weights
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w[:, None] != 0, rw / w[:, None], 1.0)
    method = ReplicateMethod(method)
    p, r = design.n_psu, rw.shape[1]
    lo = np.full((p, r), np.inf)
    hi = np.full((p, r), -np.inf)
    np.minimum.at(lo, design.psu, ratio)
    np.maximum.at(hi, design.psu, ratio)
    s, rs = _given_multipliers(design, lo, method, fay_rho, scale, rscales)
    if np.allclose(lo, hi, rtol=1e-12, atol=1e-14):
        return ReplicateWeights(method, s, rs, design.psu, lo, mse=mse)
    return ReplicateWeights(method, s, rs, np.arange(design.n, dtype=np.intp), ratio, mse=mse)


def _given_multipliers(
    design: SurveyDesign,
    factors: FloatArray,
    method: ReplicateMethod,
    fay_rho: float,
    scale: float | None,
    rscales: npt.ArrayLike | None,
) -> tuple[float, FloatArray]:
    """The method's multipliers, with those given in their place."""
    given = None if rscales is None else np.asarray(rscales, dtype=np.float64).reshape(-1)
    if given is not None and given.shape[0] != factors.shape[1]:
        raise ValueError(
            f"{given.shape[0]} rscales for {factors.shape[1]} replicates; give one per replicate"
        )
    if given is not None and method is ReplicateMethod.JKN:
        return (1.0 if scale is None else float(scale)), given
    default_scale, default_rscales = _multipliers(design, factors, method, fay_rho, False)
    return (
        default_scale if scale is None else float(scale),
        default_rscales if given is None else given,
    )


def _multipliers(
    design: SurveyDesign,
    factors: FloatArray,
    method: ReplicateMethod,
    fay_rho: float,
    rao_wu: bool,
) -> tuple[float, FloatArray]:
    r = factors.shape[1]
    ones = np.ones(r)
    if method is ReplicateMethod.JK1:
        return (r - 1) / r, ones
    if method is ReplicateMethod.JKN:
        n_h = design.psus_per_stratum.astype(np.float64)
        pop = design.stratum_pop_psus
        with np.errstate(invalid="ignore"):
            f = np.where(np.isinf(pop), 1.0, (pop - n_h) / pop)
        deleted = factors == 0
        if not np.all(deleted.any(axis=0)):
            raise ValueError("every JKn replicate must delete a PSU (multiplier 0)")
        stratum = design.psu_stratum[np.argmax(deleted, axis=0)]
        return 1.0, (n_h[stratum] - 1) / n_h[stratum] * f[stratum]
    if method is ReplicateMethod.BOOTSTRAP:
        if rao_wu:
            hm = 1 / np.mean(1 / design.psus_per_stratum)
            return float(hm / ((hm - 1) * (r - 1))), ones
        return 1 / (r - 1), ones
    if method is ReplicateMethod.BRR:
        return 1 / r, ones
    return 1 / (r * (1 - fay_rho) ** 2), ones
