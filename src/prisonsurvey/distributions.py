"""Quantile and tail functions of the normal, t, chi-squared and beta distributions.

They call scipy's special-function ufuncs directly: importing ``scipy.stats`` costs about a
second, and even the ``scipy.special`` package costs a quarter of a second (its array-API
dispatch layer), which every ``tabulate`` would otherwise pay. :func:`_ufuncs` loads the compiled
ufunc module alone (a few milliseconds); a later ``import scipy.special`` still gets the whole
package. Invalid parameters (non-positive degrees of freedom or shapes) give NaN, as
``scipy.stats`` does.
"""

from __future__ import annotations

import importlib
import sys
import types
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_PACKAGE = "scipy.special"


@cache
def _ufuncs() -> Any:
    """The module ``scipy.special._ufuncs``, without running ``scipy.special/__init__``.

    When the package is already imported it is used as is. Otherwise a bare stand-in for the
    package holds the import of the compiled module and is removed right after, so that a later
    ``import scipy.special`` runs the real package (which reuses the loaded ufuncs).
    """
    if _PACKAGE in sys.modules:
        return importlib.import_module(f"{_PACKAGE}._ufuncs")
    import scipy

    stand_in = types.ModuleType(_PACKAGE)
    stand_in.__path__ = [str(Path(scipy.__file__).parent / "special")]
    sys.modules[_PACKAGE] = stand_in
    try:
        return importlib.import_module(f"{_PACKAGE}._ufuncs")
    except ImportError:  # a scipy laid out otherwise: the whole package
        del sys.modules[_PACKAGE]
        return importlib.import_module(_PACKAGE)
    finally:
        if sys.modules.get(_PACKAGE) is stand_in:
            del sys.modules[_PACKAGE]
            # vars(), not getattr(): scipy's module __getattr__ would import the package
            if vars(scipy).get("special") is stand_in:
                delattr(scipy, "special")


def norm_ppf(p: npt.ArrayLike) -> FloatArray:
    """Quantile of the standard normal distribution (``scipy.stats.norm.ppf``)."""
    return np.asarray(_ufuncs().ndtri(np.asarray(p, dtype=np.float64)), dtype=np.float64)


def norm_sf(z: npt.ArrayLike) -> FloatArray:
    """Upper tail of the standard normal distribution (``scipy.stats.norm.sf``)."""
    return np.asarray(_ufuncs().ndtr(-np.asarray(z, dtype=np.float64)), dtype=np.float64)


def t_ppf(p: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Quantile of Student's t with ``df`` degrees of freedom (``inf``: the normal)."""
    q = np.asarray(p, dtype=np.float64)
    d = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = np.where(np.isposinf(d), _ufuncs().ndtri(q), _ufuncs().stdtrit(d, q))
    return np.asarray(np.where(d > 0, out, np.nan), dtype=np.float64)


def chi2_sf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Upper tail of the chi-squared distribution (``scipy.stats.chi2.sf``)."""
    d = np.asarray(df, dtype=np.float64)
    out = _ufuncs().chdtrc(d, np.asarray(x, dtype=np.float64))
    return np.asarray(np.where(d > 0, out, np.nan), dtype=np.float64)


def beta_ppf(p: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Quantile of the beta distribution with shapes ``a`` and ``b`` (``scipy.stats.beta.ppf``)."""
    aa = np.asarray(a, dtype=np.float64)
    bb = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = _ufuncs().betaincinv(aa, bb, np.asarray(p, dtype=np.float64))
    return np.asarray(np.where((aa > 0) & (bb > 0), out, np.nan), dtype=np.float64)
