"""Weight trimming with redistribution (R ``survey::trimWeights``)."""

from __future__ import annotations

import numpy as np

from prisonsurvey.weighting._cells import FloatArray


def trim_weights(
    w: FloatArray,
    upper: float = np.inf,
    lower: float = -np.inf,
    strict: bool = True,
    max_rounds: int = 1000,
) -> FloatArray:
    """Cap weights at ``upper``, floor them at ``lower`` and share the difference equally.

    Follows R ``trimWeights``: the trimmed amount is added in equal parts to every unit that
    was inside the limits, so the weight total is kept. With ``strict`` the step is repeated
    until no weight is outside the limits (the shares may push a unit over a limit).

    Args:
        w: Weights.
        upper: Largest weight allowed.
        lower: Smallest weight allowed.
        strict: Repeat until every weight is within the limits.
        max_rounds: Safety limit on the repetitions.
    """
    out = np.asarray(w, dtype=np.float64).copy()
    for _ in range(max_rounds):
        outside = (out < lower) | (out > upper)
        if not outside.any():
            break
        clipped = np.clip(out, lower, upper)
        excess = float((out - clipped).sum())
        n_inside = int((~outside).sum())
        if n_inside == 0:
            out = clipped
            break
        clipped[~outside] += excess / n_inside
        out = clipped
        if not strict:
            break
    return out
