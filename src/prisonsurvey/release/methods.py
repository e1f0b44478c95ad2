"""Protection methods for microdata: recoding, top/bottom coding, PRAM, noise.

Local suppression has its own module (:mod:`prisonsurvey.release.suppress`); it is imported
here so that every method can be found in one place.

Every method takes a column (or a frame) and returns a new one; none changes its input. The
random methods take a :class:`numpy.random.Generator` so a release is reproducible from its seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from prisonsurvey.release.suppress import local_suppression

POOLED_CODE = 997
"""Code given to rare categories pooled together."""


def band_codes(values: pd.Series, bands: Sequence[float]) -> tuple[pd.Series, dict[int, str]]:
    """Recode a number into bands starting at each of ``bands`` (global recoding).

    Args:
        values: Numbers (age in years...).
        bands: Lower bounds in increasing order; the first band also takes smaller values.

    Returns:
        The band codes (1 for the first band) and their labels (``"25-34"``, ``"60+"``).
    """
    x = pd.to_numeric(values, errors="coerce")
    edges = np.asarray(bands, dtype=float)
    codes = np.searchsorted(edges, x.to_numpy(), side="right")
    codes = np.maximum(codes, 1).astype(float)
    codes[x.isna().to_numpy()] = np.nan
    labels: dict[int, str] = {}
    for i, low in enumerate(edges):
        text = f"{low:g}"
        labels[i + 1] = f"{text}+" if i == len(edges) - 1 else f"{text}-{edges[i + 1] - 1:g}"
    return pd.Series(codes, index=values.index).astype("Float64"), labels


def pool_rare(values: pd.Series, min_count: int) -> tuple[pd.Series, list[object]]:
    """Pool categories with fewer than ``min_count`` records into :data:`POOLED_CODE`.

    Returns:
        The recoded column and the categories pooled.
    """
    counts = values.value_counts(dropna=True)
    rare = sorted(counts.index[counts < min_count].tolist(), key=str)
    if not rare:
        return values.copy(), []
    out = values.copy().astype(object)
    out[values.isin(rare)] = POOLED_CODE
    return out, rare


def top_bottom_code(
    values: pd.Series, top: float | None = None, bottom: float | None = None
) -> tuple[pd.Series, int]:
    """Replace values above ``top`` by ``top`` and below ``bottom`` by ``bottom``.

    Returns:
        The coded column and how many values changed.
    """
    x = pd.to_numeric(values, errors="coerce")
    out = x.clip(lower=bottom, upper=top)
    changed = int(((out != x) & x.notna()).sum())
    return out, changed


def invariant_matrix(marginal: np.ndarray, keep: float) -> np.ndarray:
    """An invariant PRAM transition matrix for categories with frequencies ``marginal``.

    The base matrix keeps a category with probability ``keep`` and moves it to each other
    category alike; combined with its reverse (Bayes) matrix it leaves the expected marginal
    distribution unchanged: ``marginal @ R == marginal``.
    """
    p = np.asarray(marginal, dtype=float)
    p = p / p.sum()
    m = len(p)
    if m < 2:
        return np.ones((1, 1))
    base = np.full((m, m), (1.0 - keep) / (m - 1))
    np.fill_diagonal(base, keep)
    arrive = p @ base
    reverse = (base * p[:, None]).T / arrive[:, None]
    return np.asarray(base @ reverse, dtype=float)


def pram(values: pd.Series, keep: float, rng: np.random.Generator) -> tuple[pd.Series, int]:
    """Post-randomise a categorical column with an invariant transition matrix.

    Missing values stay missing. Returns the new column and how many values changed.
    """
    present = values.notna().to_numpy()
    cats, counts = np.unique(values[present].to_numpy(), return_counts=True)
    if len(cats) < 2:
        return values.copy(), 0
    matrix = invariant_matrix(counts, keep)
    codes = np.searchsorted(cats, values[present].to_numpy())
    cumulative = np.cumsum(matrix, axis=1)
    draws = rng.random(len(codes))
    new = (draws[:, None] > cumulative[codes]).sum(axis=1)
    new = np.minimum(new, len(cats) - 1)
    out = values.copy()
    out[present] = cats[new]
    return out, int((new != codes).sum())


def add_noise(
    values: pd.Series, amount: float, rng: np.random.Generator, integer: bool = False
) -> pd.Series:
    """Add normal noise with standard deviation ``amount`` times the column's.

    Integers stay integers (rounded) and non-negative numbers stay non-negative.
    """
    x = pd.to_numeric(values, errors="coerce").astype(float)
    sd = float(x.std()) if x.notna().sum() > 1 else 0.0
    noisy = x + rng.normal(0.0, amount * sd, len(x))
    if float(x.min()) >= 0:
        noisy = noisy.clip(lower=0.0)
    if integer:
        noisy = noisy.round()
    return noisy.where(x.notna())


__all__ = [
    "POOLED_CODE",
    "add_noise",
    "band_codes",
    "invariant_matrix",
    "local_suppression",
    "pool_rare",
    "pram",
    "top_bottom_code",
]
