"""Confidence intervals for design-based estimates.

``wald`` (estimate +- t se), and for proportions ``logit`` (R ``svyciprop`` logit/xlogit),
``beta`` (Korn-Graubard with the effective sample size rescaled by the design degrees of freedom,
as R ``svyciprop(method="beta")``), ``asin`` and ``wilson`` (Wilson score interval on the
effective sample size ``p(1-p)/var``). Quantiles use the t distribution with the given degrees of
freedom (``inf`` means the normal distribution).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from prisonsurvey.distributions import beta_ppf, norm_ppf, t_ppf

FloatArray = npt.NDArray[np.float64]


class CiMethod(StrEnum):
    """Confidence interval methods."""

    WALD = "wald"
    LOGIT = "logit"
    BETA = "beta"
    WILSON = "wilson"
    ASIN = "asin"


PROPORTION_ONLY = frozenset({CiMethod.LOGIT, CiMethod.BETA, CiMethod.WILSON, CiMethod.ASIN})


def t_quantile(level: float, df: npt.ArrayLike) -> FloatArray:
    """Two-sided critical value for ``level`` with ``df`` degrees of freedom (``inf``: normal)."""
    d = np.asarray(df, dtype=np.float64)
    upper = 1 - (1 - level) / 2
    # tables repeat a few degrees of freedom many times: one quantile per distinct value
    values, inverse = np.unique(np.where(d > 0, d, 1), return_inverse=True)
    t = np.asarray(t_ppf(upper, values), dtype=np.float64)[inverse.reshape(d.shape)]
    q = np.where(np.isinf(d), norm_ppf(upper), t)
    return np.asarray(np.where(d > 0, q, np.nan), dtype=np.float64)


def confidence_interval(
    method: CiMethod | str,
    estimate: npt.ArrayLike,
    se: npt.ArrayLike,
    df: npt.ArrayLike,
    level: float = 0.95,
    n: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Return lower and upper limits, elementwise.

    Args:
        method: Interval method.
        estimate: Point estimates (proportions in ``[0, 1]`` for the proportion methods).
        se: Standard errors.
        df: Degrees of freedom (``inf`` for the normal distribution).
        level: Confidence level.
        n: Unweighted sample sizes (needed by ``beta``: R rescales the effective sample size by
            ``(t_{n-1} / t_df)^2``).
    """
    method = CiMethod(method)
    p = np.asarray(estimate, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    q = t_quantile(level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method is CiMethod.WALD:
            return p - q * s, p + q * s
        if method is CiMethod.LOGIT:
            centre = np.log(p / (1 - p))
            half = q * s / (p * (1 - p))
            return _expit(centre - half), _expit(centre + half)
        if method is CiMethod.ASIN:
            centre = np.arcsin(np.sqrt(p))
            half = q * s / (2 * np.sqrt(p * (1 - p)))
            return np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
        n_eff = p * (1 - p) / (s * s)
        if method is CiMethod.BETA:
            if n is None:
                raise ValueError("the beta interval needs the sample sizes")
            alpha = 1 - level
            nn = np.asarray(n, dtype=np.float64)
            ratio = t_ppf(alpha / 2, nn - 1) / t_ppf(alpha / 2, np.asarray(df))
            n_eff = n_eff * ratio * ratio
            lower = beta_ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            upper = beta_ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
            # qbeta with a zero shape parameter is the point mass R returns
            lower = np.where(p == 0, 0.0, lower)
            upper = np.where(p == 1, 1.0, upper)
            return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
        # Wilson score interval on the effective sample size
        q2 = q * q
        denom = 1 + q2 / n_eff
        centre = (p + q2 / (2 * n_eff)) / denom
        half = q / denom * np.sqrt(p * (1 - p) / n_eff + q2 / (4 * n_eff * n_eff))
        return centre - half, centre + half


def _expit(x: FloatArray) -> FloatArray:
    return np.asarray(1 / (1 + np.exp(-x)), dtype=np.float64)
