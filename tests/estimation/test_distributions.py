"""The scipy.special-based distribution functions equal scipy.stats' to 1e-12."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from scipy import stats

from prisonsurvey.distributions import beta_ppf, chi2_sf, norm_ppf, norm_sf, t_ppf

P = np.array([1e-10, 0.001, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.999])
DF = np.array([1.0, 2.0, 3.5, 7.0, 30.0, 250.0, 1e6, np.inf])


def _close(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_normal_quantile_and_tail() -> None:
    _close(norm_ppf(P), stats.norm.ppf(P))
    z = np.linspace(-8, 8, 33)
    _close(norm_sf(z), stats.norm.sf(z))


def test_t_quantile_over_degrees_of_freedom() -> None:
    p, d = np.meshgrid(P, DF)
    _close(t_ppf(p, d), stats.t.ppf(p, d))
    assert np.isnan(t_ppf(0.975, 0.0)) and np.isnan(stats.t.ppf(0.975, 0.0))


def test_chi_squared_tail() -> None:
    x, d = np.meshgrid(np.array([0.0, 0.5, 3.0, 7.8, 20.0, 80.0]), DF[:-1])
    _close(chi2_sf(x, d), stats.chi2.sf(x, d))
    assert np.isnan(chi2_sf(7.8, 0.0)) and np.isnan(stats.chi2.sf(7.8, 0.0))


def test_beta_quantile_over_shapes() -> None:
    shapes = np.array([0.05, 0.5, 1.0, 3.7, 40.0, 2500.0])
    p, a, b = np.meshgrid(P, shapes, shapes)
    _close(beta_ppf(p, a, b), stats.beta.ppf(p, a, b))
    # a zero shape is outside the family: NaN in both
    assert np.isnan(beta_ppf(0.025, 0.0, 3.0)) and np.isnan(stats.beta.ppf(0.025, 0.0, 3.0))


def test_no_module_imports_scipy_stats() -> None:
    # every module of the package, so no command can reach scipy.stats
    code = (
        "import importlib, pkgutil, sys, prisonsurvey\n"
        "for m in pkgutil.walk_packages(prisonsurvey.__path__, 'prisonsurvey.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_quantiles_load_the_ufuncs_alone_and_the_package_still_imports() -> None:
    code = (
        "import sys\n"
        "from prisonsurvey.distributions import t_ppf\n"
        "q = float(t_ppf(0.975, 10.0))\n"
        "alone = 'scipy.special' not in sys.modules\n"
        "import scipy.special\n"
        "from scipy import stats\n"
        "print(alone, q == float(stats.t.ppf(0.975, 10.0)), callable(scipy.special.gamma))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]
