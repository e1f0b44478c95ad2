"""Quantile and tail functions of the normal, t, chi-squared and beta distributions.

They call :mod:`scipy.special` directly: importing ``scipy.stats`` costs about a second, which
every command would otherwise pay at start-up. Invalid parameters (non-positive degrees of
freedom or shapes) give NaN, as ``scipy.stats`` does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]


def norm_ppf(p: npt.ArrayLike) -> FloatArray:
    """Quantile of the standard normal distribution (``scipy.stats.norm.ppf``)."""
    return np.asarray(special.ndtri(np.asarray(p, dtype=np.float64)), dtype=np.float64)


def norm_sf(z: npt.ArrayLike) -> FloatArray:
    """Upper tail of the standard normal distribution (``scipy.stats.norm.sf``)."""
    return np.asarray(special.ndtr(-np.asarray(z, dtype=np.float64)), dtype=np.float64)


def t_ppf(p: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Quantile of Student's t with ``df`` degrees of freedom (``inf``: the normal)."""
    q = np.asarray(p, dtype=np.float64)
    d = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = np.where(np.isposinf(d), special.ndtri(q), special.stdtrit(d, q))
    return np.asarray(np.where(d > 0, out, np.nan), dtype=np.float64)


def chi2_sf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Upper tail of the chi-squared distribution (``scipy.stats.chi2.sf``)."""
    d = np.asarray(df, dtype=np.float64)
    out = special.chdtrc(d, np.asarray(x, dtype=np.float64))
    return np.asarray(np.where(d > 0, out, np.nan), dtype=np.float64)


def beta_ppf(p: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Quantile of the beta distribution with shapes ``a`` and ``b`` (``scipy.stats.beta.ppf``)."""
    aa = np.asarray(a, dtype=np.float64)
    bb = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = special.betaincinv(aa, bb, np.asarray(p, dtype=np.float64))
    return np.asarray(np.where((aa > 0) & (bb > 0), out, np.nan), dtype=np.float64)
