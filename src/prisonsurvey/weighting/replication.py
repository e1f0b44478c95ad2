"""PSU-level replicate factors: JK1, JKn (delete one PSU within strata), bootstrap, BRR/Fay.

PSUs and strata are numbered in order of first appearance in the data, as R ``survey``'s
``as.svrepdesign`` numbers its replicates, so JKn replicate ``r`` deletes the same PSU as R's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from prisonsurvey.design.replicates import ReplicateMethod, ReplicateWeights
from prisonsurvey.weighting import issues
from prisonsurvey.weighting._cells import FloatArray, IntArray


class LonelyPSU(StrEnum):
    """What to do with a stratum holding one PSU (R option ``survey.lonely.psu``)."""

    FAIL = "fail"
    REMOVE = "remove"
    CERTAINTY = "certainty"
    ADJUST = "adjust"
    AVERAGE = "average"


@dataclass(frozen=True)
class PSULayout:
    """PSUs of the rows and the stratum of every PSU.

    Attributes:
        row_psu: PSU code of every row, shape ``(N,)``, in order of first appearance.
        psu_stratum: Stratum code of every PSU, shape ``(P,)``.
        stratum_names: Name of every stratum code.
        psu_fraction: Sampling fraction of the PSU's stratum (0 without fpc), shape ``(P,)``.
    """

    row_psu: IntArray
    psu_stratum: IntArray
    stratum_names: list[str]
    psu_fraction: FloatArray

    @property
    def n_psu(self) -> int:
        """Number of PSUs."""
        return int(self.psu_stratum.size)


def layout(
    data: pd.DataFrame, strata: str | None, psu: str | None, fpc: str | None = None
) -> PSULayout:
    """Number PSUs (nested within strata) and strata by first appearance.

    ``fpc`` is the number of PSUs in the stratum's frame (a count, as R's ``fpc=``) or, when
    every value is at most 1, the sampling fraction.
    """
    n = len(data)
    s_codes, s_names = (
        pd.factorize(data[strata], sort=False) if strata else (np.zeros(n, np.intp), ["all"])
    )
    if psu:
        p_codes, p_levels = pd.factorize(data[psu], sort=False)
        key = np.asarray(s_codes, dtype=np.int64) * (len(p_levels) + 1) + p_codes
        row_psu, _ = pd.factorize(key, sort=False)
    else:
        row_psu = np.arange(n)
    row_psu = np.asarray(row_psu, dtype=np.intp)
    n_psu = int(row_psu.max()) + 1 if n else 0
    psu_stratum = np.zeros(n_psu, dtype=np.intp)
    psu_stratum[row_psu] = s_codes
    fraction = np.zeros(n_psu)
    if fpc:
        values = pd.to_numeric(data[fpc], errors="coerce").to_numpy(dtype=np.float64)
        per_psu = np.zeros(n_psu)
        per_psu[row_psu] = values
        n_h = np.bincount(psu_stratum)[psu_stratum].astype(np.float64)
        fraction = per_psu if np.nanmax(per_psu) <= 1 else n_h / per_psu
    return PSULayout(row_psu, psu_stratum, [str(s) for s in s_names], fraction)


@dataclass(frozen=True)
class PSUFactors:
    """Replicate factors of the PSUs with the variance constants of the method."""

    method: ReplicateMethod
    factors: FloatArray
    scale: float
    rscales: FloatArray


def _stratum_sizes(lay: PSULayout, lonely: LonelyPSU) -> IntArray:
    sizes = np.bincount(lay.psu_stratum, minlength=len(lay.stratum_names))
    single = np.flatnonzero(sizes == 1)
    if single.size and lonely is LonelyPSU.FAIL:
        names = ", ".join(f"'{lay.stratum_names[i]}'" for i in single)
        issues.fail(
            issues.LONELY_PSU,
            f"stratum {names} has a single PSU (lonely-PSU policy 'fail'); collapse it with a "
            f"similar stratum or set design.lonely_psu to remove, certainty, adjust or average",
        )
    return sizes


def jkn(lay: PSULayout, lonely: LonelyPSU = LonelyPSU.FAIL) -> PSUFactors:
    """Delete-one-PSU jackknife within strata (R ``type="JKn"``, ``jknweights``).

    A stratum with one PSU gets no replicate (``remove``, ``certainty``; ``average`` also
    scales the variance by PSUs / replicates) or, with ``adjust``, one replicate that deletes
    it and multiplies every other PSU by ``H / (H - 1)`` (``H`` strata), as R does.
    """
    sizes = _stratum_sizes(lay, lonely)
    n_strata = len(sizes)
    columns: list[FloatArray] = []
    rscales: list[float] = []
    for h in range(n_strata):
        members = np.flatnonzero(lay.psu_stratum == h)
        n_h = int(sizes[h])
        if n_h == 1:
            if lonely is LonelyPSU.ADJUST and n_strata > 1:
                col = np.full(lay.n_psu, n_strata / (n_strata - 1.0))
                col[members] = 0.0
                columns.append(col)
                rscales.append((n_strata - 1.0) / n_strata)
            continue
        for p in members:
            col = np.ones(lay.n_psu)
            col[members] = n_h / (n_h - 1.0)
            col[p] = 0.0
            columns.append(col)
            rscales.append((1.0 - lay.psu_fraction[p]) * (n_h - 1.0) / n_h)
    factors = np.column_stack(columns) if columns else np.ones((lay.n_psu, 0))
    scale = 1.0
    if lonely is LonelyPSU.AVERAGE and 0 < len(columns) < lay.n_psu:
        scale = lay.n_psu / len(columns)
    return PSUFactors(ReplicateMethod.JKN, factors, scale, np.array(rscales))


def jk1(lay: PSULayout) -> PSUFactors:
    """Delete-one-PSU jackknife ignoring strata (R ``type="JK1"``)."""
    n_psu = lay.n_psu
    if n_psu < 2:
        issues.fail(issues.LONELY_PSU, "JK1 needs at least two PSUs")
    factors = np.full((n_psu, n_psu), n_psu / (n_psu - 1.0))
    np.fill_diagonal(factors, 0.0)
    f = float(lay.psu_fraction.mean()) if n_psu else 0.0
    return PSUFactors(
        ReplicateMethod.JK1, factors, (1.0 - f) * (n_psu - 1.0) / n_psu, np.ones(n_psu)
    )


def _draws(
    lay: PSULayout, sizes: IntArray, replicates: int, seed: int, fewer: int
) -> list[tuple[IntArray, int, IntArray]]:
    """Bootstrap draws of every stratum with two or more PSUs, in stratum order.

    Each entry holds the stratum's PSUs, their number ``n_h`` and how often each PSU is drawn
    in every replicate (PSU by replicate) with ``n_h - fewer`` draws with replacement.
    """
    rng = np.random.default_rng(seed)
    out = []
    for h, n_h in enumerate(sizes):
        if n_h < 2:
            continue
        members = np.flatnonzero(lay.psu_stratum == h)
        counts = rng.multinomial(n_h - fewer, np.full(n_h, 1.0 / n_h), size=replicates).T
        out.append((members, int(n_h), counts))
    return out


def bootstrap(
    lay: PSULayout,
    replicates: int = 200,
    seed: int = 20240601,
    lonely: LonelyPSU = LonelyPSU.FAIL,
) -> PSUFactors:
    """Rao-Wu rescaled bootstrap: ``n_h - 1`` PSUs drawn with replacement in every stratum.

    A stratum with one PSU (unless the policy is ``fail``) keeps factor 1: no variance.

    The factor of a PSU drawn ``k`` times is ``1 - l + l * k * n_h / (n_h - 1)`` with
    ``l = sqrt(1 - f_h)`` (``k * n_h / (n_h - 1)`` without fpc, as R's ``bootweights``).
    """
    sizes = _stratum_sizes(lay, lonely)
    factors = np.ones((lay.n_psu, replicates))
    for members, n_h, counts in _draws(lay, sizes, replicates, seed, fewer=1):
        lam = np.sqrt(1.0 - lay.psu_fraction[members])[:, None]
        factors[members] = 1.0 - lam + lam * counts * (n_h / (n_h - 1.0))
    return PSUFactors(
        ReplicateMethod.BOOTSTRAP, factors, 1.0 / (replicates - 1.0), np.ones(replicates)
    )


def _hadamard(order: int) -> FloatArray:
    h = np.ones((1, 1))
    while h.shape[0] < order:
        h = np.block([[h, h], [h, -h]])
    return h


def brr(lay: PSULayout, fay_rho: float = 0.0) -> PSUFactors:
    """Balanced repeated replication (Fay's variant when ``fay_rho > 0``); two PSUs per stratum.

    Uses a Sylvester Hadamard matrix of the smallest power-of-two order above the number of
    strata, skipping its constant column.
    """
    sizes = np.bincount(lay.psu_stratum, minlength=len(lay.stratum_names))
    wrong = np.flatnonzero(sizes != 2)
    if wrong.size:
        names = ", ".join(f"'{lay.stratum_names[i]}' ({sizes[i]} PSUs)" for i in wrong[:5])
        issues.fail(
            issues.BRR_NOT_TWO,
            f"BRR/Fay needs exactly two PSUs in every stratum; not so in {names}; "
            f"pair PSUs into variance strata or use JKn or the bootstrap",
        )
    n_strata = len(sizes)
    had = _hadamard(n_strata + 1)[:, 1 : n_strata + 1]
    n_rep = had.shape[0]
    factors = np.empty((lay.n_psu, n_rep))
    for h in range(n_strata):
        first, second = np.flatnonzero(lay.psu_stratum == h)
        plus = had[:, h] > 0
        factors[first] = np.where(plus, 2.0 - fay_rho, fay_rho)
        factors[second] = np.where(plus, fay_rho, 2.0 - fay_rho)
    method = ReplicateMethod.FAY if fay_rho > 0 else ReplicateMethod.BRR
    return PSUFactors(method, factors, 1.0 / (n_rep * (1.0 - fay_rho) ** 2), np.ones(n_rep))


def canty_davison(
    lay: PSULayout,
    replicates: int = 200,
    seed: int = 20240601,
    lonely: LonelyPSU = LonelyPSU.FAIL,
) -> PSUFactors:
    """Bootstrap of R ``as.svrepdesign(type="bootstrap")``: ``n_h`` PSUs drawn with replacement.

    The factor is the number of draws; the variance scale is ``a / ((a - 1) (R - 1))`` with ``a``
    the harmonic mean number of PSUs per stratum (Canty and Davison). Without fpc only.
    """
    if lay.psu_fraction.any():
        raise ValueError("the Canty-Davison bootstrap is implemented without fpc; use Rao-Wu")
    sizes = _stratum_sizes(lay, lonely)
    factors = np.ones((lay.n_psu, replicates))
    for members, _, counts in _draws(lay, sizes, replicates, seed, fewer=0):
        factors[members] = counts
    kept = sizes[sizes > 0]
    a = 1.0 / float(np.mean(1.0 / kept))
    return PSUFactors(
        ReplicateMethod.BOOTSTRAP,
        factors,
        a / ((a - 1.0) * (replicates - 1.0)),
        np.ones(replicates),
    )


def replicate_weights(
    data: pd.DataFrame,
    strata: str | None,
    psu: str | None,
    method: str = "jkn",
    fpc: str | None = None,
    lonely_psu: LonelyPSU | str = LonelyPSU.FAIL,
    replicates: int = 200,
    seed: int = 20240601,
    fay_rho: float = 0.5,
    mse: bool = False,
) -> ReplicateWeights:
    """Replicate weights of a design without re-weighting (R ``as.svrepdesign``).

    Args:
        data: Any DataFrame holding the design columns.
        strata: Stratum column (``None``: one stratum).
        psu: PSU column (``None``: every row is a PSU).
        method: ``jkn``, ``jk1``, ``boot`` (Rao-Wu), ``boot-cd`` (R's ``bootstrap``), ``brr``
            or ``fay``.
        fpc: PSUs in the stratum frame, or the sampling fraction.
        lonely_psu: Policy for strata with one PSU (R ``survey.lonely.psu``).
        replicates: Bootstrap replicates.
        seed: Bootstrap seed.
        fay_rho: Fay's coefficient (``fay`` only).
        mse: Centre variances on the full-sample estimate.

    Returns:
        Replicate weights in factored form (PSU factors only); multiply by the full-sample
        weights with ``.matrix(weights)``.
    """
    lay = layout(data, strata, psu, fpc)
    f = psu_factors(lay, method, LonelyPSU(lonely_psu), replicates, seed, fay_rho)
    return ReplicateWeights(f.method, f.scale, f.rscales, lay.row_psu, f.factors, mse=mse)


def psu_factors(
    lay: PSULayout,
    method: str,
    lonely_psu: LonelyPSU = LonelyPSU.FAIL,
    replicates: int = 200,
    seed: int = 20240601,
    fay_rho: float = 0.5,
) -> PSUFactors:
    """Dispatch to the builder of ``method`` (see :func:`replicate_weights`)."""
    builders = {
        "jkn": lambda: jkn(lay, lonely_psu),
        "jk1": lambda: jk1(lay),
        "boot": lambda: bootstrap(lay, replicates, seed, lonely_psu),
        "boot-cd": lambda: canty_davison(lay, replicates, seed, lonely_psu),
        "brr": lambda: brr(lay, 0.0),
        "fay": lambda: brr(lay, fay_rho),
    }
    if method not in builders:
        raise ValueError(f"unknown replicate method {method!r}; use one of {sorted(builders)}")
    return builders[method]()
