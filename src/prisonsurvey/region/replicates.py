"""Replicate variances of the regional design: every country's replicate set kept whole.

Each round brings its own replicates: the replicate weights it carries (``_rep_1`` ...,
with its method's multipliers, or the ``scale`` and ``rscales`` its release package states), or
replicates made for it from its own design (JKn, JK1 or Rao-Wu bootstrap,
:func:`~prisonsurvey.weighting.replication.replicate_weights`) when the programme asks for
replicate variances. The regional design stacks them block-diagonally: in country A's replicate
columns A's respondents carry A's replicate weights and every other country's respondents their
full-sample weights, and each column keeps A's multiplier (``scale`` x ``rscales``). Deviations
are centred on the full-sample estimate (R ``mse=TRUE``), so a country's figure has exactly its
own design's replicate variance and the variance of a pooled total is the sum of the countries'
variances. R ``survey`` gives the same numbers with ``svrepdesign(type="other", scale=1,
rscales=, mse=TRUE)`` on the stacked file and its combined replicate weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.replicates import ReplicateMethod, ReplicateWeights
from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.region.model import Variance, VarianceMethod
from prisonsurvey.region.rounds import PSU, REPLICATE, STRATUM, WEIGHT, Round
from prisonsurvey.weighting.replication import replicate_weights

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


def uses_replicates(rounds: Sequence[Round], variance: Variance) -> bool:
    """Whether the report's standard errors are replicate ones."""
    if variance.method is VarianceMethod.AUTO:
        return any(r.replicates is not None for r in rounds)
    return variance.method is VarianceMethod.REPLICATE


def round_replicates(rnd: Round, variance: Variance) -> ReplicateWeights:
    """The replicate set of one round, on its rows in order (factored form).

    Args:
        rnd: The loaded round.
        variance: The programme's ``variance:`` section (what to make for a round without
            replicate weights).

    Raises:
        InputError: The round's replicate weights are not usable (bad values, bad type).
    """
    given = rnd.replicates
    if given is None:
        return replicate_weights(
            rnd.data,
            STRATUM,
            PSU,
            variance.make,
            replicates=variance.replicates,
            seed=variance.seed,
        )
    rscales = given.get("rscales")
    spec = DesignSpec(
        weight=WEIGHT,
        strata=STRATUM,
        psu=PSU,
        repweights=f"{REPLICATE}*",
        reptype=str(given.get("type") or ""),
        fay_rho=float(given.get("fay_rho") or 0.0),
        mse=bool(given.get("mse", False)),
        rep_scale=given.get("scale"),
        rep_rscales=None if rscales is None else tuple(float(x) for x in rscales),
    )
    replicates = design_from_frame(rnd.data, spec, rnd.ref.source).replicates
    assert replicates is not None
    return replicates


def _units(rep: ReplicateWeights) -> tuple[IntArray, FloatArray]:
    """Replication unit of every row and the units' factors (cells folded into units)."""
    if rep.cell_codes is None or rep.cell_factors is None:
        return rep.psu_codes, rep.psu_factors
    cells = int(rep.cell_factors.shape[0])
    pair = rep.psu_codes.astype(np.int64) * cells + rep.cell_codes
    uniq, inverse = np.unique(pair, return_inverse=True)
    factors = rep.psu_factors[uniq // cells] * rep.cell_factors[uniq % cells]
    return inverse.reshape(-1).astype(np.intp), factors


def combine_replicates(sets: Sequence[ReplicateWeights]) -> ReplicateWeights:
    """One block-diagonal replicate set over the stacked rows (rounds in stacking order).

    Args:
        sets: Each round's replicate set, on its own rows.
    """
    units: list[IntArray] = []
    blocks: list[FloatArray] = []
    offset = 0
    for rep in sets:
        codes, factors = _units(rep)
        units.append(codes + offset)
        blocks.append(factors)
        offset += int(factors.shape[0])
    total = sum(int(b.shape[1]) for b in blocks)
    factors = np.ones((offset, total))
    row = col = 0
    for block in blocks:
        u, r = block.shape
        factors[row : row + u, col : col + r] = block
        row, col = row + u, col + r
    methods = {rep.method for rep in sets}
    return ReplicateWeights(
        method=methods.pop() if len(methods) == 1 else ReplicateMethod.JKN,
        scale=1.0,
        rscales=np.concatenate([rep.scale * rep.rscales for rep in sets]),
        psu_codes=np.concatenate(units).astype(np.intp),
        psu_factors=factors,
        mse=True,
    )


def replicate_sets(
    rounds: Sequence[Round], sets: Sequence[ReplicateWeights]
) -> tuple[tuple[str, str, int], ...]:
    """Each round's replicate set as ``(country, method, replicates)``, in stacking order."""
    return tuple(
        (r.ref.country, rep.method.value, rep.n_replicates)
        for r, rep in zip(rounds, sets, strict=True)
    )


def describe(named: Sequence[tuple[str, str, int]]) -> str:
    """The replicate sets combined, for the methodology annex (``ARC JKn 24, LUS ...``).

    Args:
        named: The sets as :func:`replicate_sets` gives them.
    """
    return ", ".join(f"{country} {method} {n}" for country, method, n in named)
