"""Disclosure risk of microdata records, as sdcMicro's ``measure_risk`` computes it.

For the categorical key variables (quasi-identifiers) of each record:

* ``fk``: how many records of the sample share its key pattern, a missing value matching any
  value (sdcMicro's ``freqCalc`` with ``alpha = 1``: two records match when they agree on every
  key both have a value for);
* ``Fk``: the sum of the weights of those records, the estimated population frequency;
* the individual risk ``rk`` of the negative-binomial model of Benedetti and Franconi with
  ``pk = fk / Fk`` and sdcMicro's approximation of the integral (``indivRisk``,
  ``method = "approx"``): ``pk/(1-pk) log(1/pk)`` for ``fk = 1``,
  ``pk/(1-pk) - (pk/(1-pk))^2 log(1/pk)`` for ``fk = 2``, ``pk / (fk - (1 - pk))`` above, and
  ``1/fk`` when ``fk = Fk`` (the whole population is in the sample);
* global risk: the expected number of re-identifications ``sum(rk)`` and its share of records.

A record whose keys are all missing matches every record. Without weights the risk is ``1/fk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

K_LEVELS = (2, 3, 5)
"""The k of k-anonymity reported."""


def key_codes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Integer codes of each key column (``-1`` for missing), one column per key."""
    out = np.empty((len(frame), len(keys)), dtype=np.int64)
    for j, name in enumerate(keys):
        codes, _ = pd.factorize(frame[name], sort=True, use_na_sentinel=True)
        out[:, j] = codes
    return out


def _combine(codes: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """One integer per row identifying its values on ``columns`` (dense, starting at 0)."""
    combined = np.zeros(codes.shape[0], dtype=np.int64)
    for j in columns:
        column = codes[:, j] + 1
        combined = combined * (int(column.max(initial=0)) + 1) + column
        combined = pd.factorize(combined)[0].astype(np.int64)
    return combined


def key_frequencies(
    frame: pd.DataFrame, keys: Sequence[str], weights: pd.Series | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sample and population frequencies of every record's key pattern.

    Args:
        frame: The records.
        keys: Categorical key columns.
        weights: Sampling weights (``None``: every weight 1, ``Fk = fk``).

    Returns:
        ``(fk, Fk)``, one value per record, in the order of ``frame``.
    """
    n = len(frame)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if n == 0 or not keys:
        return np.full(n, float(n)), np.full(n, float(w.sum()))
    codes = key_codes(frame, keys)
    observed = codes >= 0
    pattern = _combine(observed.astype(np.int64), range(len(keys)))
    fk = np.zeros(n)
    big_fk = np.zeros(n)
    groups = {int(p): np.flatnonzero(pattern == p) for p in np.unique(pattern)}
    masks = {p: observed[rows[0]] for p, rows in groups.items()}
    combined_by_keys: dict[tuple[int, ...], np.ndarray] = {}
    for p, rows in groups.items():
        for q, others in groups.items():
            both = tuple(j for j in range(len(keys)) if masks[p][j] and masks[q][j])
            if not both:
                fk[rows] += len(others)
                big_fk[rows] += w[others].sum()
                continue
            if both not in combined_by_keys:
                combined_by_keys[both] = _combine(codes, both)
            combined = combined_by_keys[both]
            size = int(combined.max()) + 1
            count = np.bincount(combined[others], minlength=size)
            total = np.bincount(combined[others], weights=w[others], minlength=size)
            fk[rows] += count[combined[rows]]
            big_fk[rows] += total[combined[rows]]
    return fk, big_fk


def individual_risk(fk: np.ndarray, big_fk: np.ndarray, weighted: bool = True) -> np.ndarray:
    """Individual re-identification risk of each record (sdcMicro ``indivRisk``, approx).

    Args:
        fk: Sample frequencies of the records' key patterns.
        big_fk: Population frequencies (sums of weights).
        weighted: ``False`` for a census or unweighted data: the risk is ``1 / fk``.
    """
    fk = np.asarray(fk, dtype=float)
    if not weighted:
        return 1.0 / fk
    pk = fk / np.asarray(big_fk, dtype=float)
    rk = np.zeros_like(fk)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = pk / (1.0 - pk)
        log_inv = np.log(1.0 / pk)
        rk = np.where(fk == 1, ratio * log_inv, rk)
        rk = np.where(fk == 2, ratio - ratio**2 * log_inv, rk)
        rk = np.where(fk > 2, pk / (fk - (1.0 - pk)), rk)
    whole = fk == np.asarray(big_fk, dtype=float)
    rk[whole] = 1.0 / fk[whole]
    return np.asarray(np.nan_to_num(rk, nan=0.0), dtype=float)


@dataclass(frozen=True)
class Risk:
    """Risk measures of a file on its categorical keys.

    Attributes:
        keys: The key variables.
        n: Number of records.
        fk: Sample frequency of each record's key pattern.
        big_fk: Population frequency (sum of weights) of each record's pattern.
        rk: Individual risk of each record.
        violations: Records with ``fk < k``, for each k of :data:`K_LEVELS`.
        expected_reidentifications: Sum of the individual risks.
        global_risk: ``expected_reidentifications / n``.
        max_risk: Highest individual risk.
        high_risk: Records whose risk is above the threshold asked for.
        threshold: That threshold.
    """

    keys: tuple[str, ...]
    n: int
    fk: np.ndarray
    big_fk: np.ndarray
    rk: np.ndarray
    violations: dict[int, int]
    expected_reidentifications: float
    global_risk: float
    max_risk: float
    high_risk: int
    threshold: float

    def to_dict(self) -> dict[str, object]:
        """The figures (not the per-record vectors), JSON-ready."""
        return {
            "keys": list(self.keys),
            "records": self.n,
            "k_anonymity_violations": {str(k): v for k, v in self.violations.items()},
            "expected_reidentifications": round(self.expected_reidentifications, 6),
            "global_risk": round(self.global_risk, 8),
            "global_risk_pct": round(100 * self.global_risk, 6),
            "max_individual_risk": round(self.max_risk, 8),
            "records_above_threshold": self.high_risk,
            "threshold": self.threshold,
        }


def measure_risk(
    frame: pd.DataFrame,
    keys: Sequence[str],
    weights: pd.Series | np.ndarray | None = None,
    threshold: float = 0.1,
) -> Risk:
    """Measure the disclosure risk of ``frame`` on its categorical ``keys``.

    Args:
        frame: The records.
        keys: Categorical key columns (missing values match anything).
        weights: Sampling weights; ``None`` for a census or unweighted file.
        threshold: Individual risk above which a record counts as high risk.
    """
    fk, big_fk = key_frequencies(frame, keys, weights)
    rk = individual_risk(fk, big_fk, weighted=weights is not None)
    n = len(frame)
    expected = float(rk.sum())
    return Risk(
        keys=tuple(keys),
        n=n,
        fk=fk,
        big_fk=big_fk,
        rk=rk,
        violations={k: int((fk < k).sum()) for k in K_LEVELS},
        expected_reidentifications=expected,
        global_risk=expected / n if n else 0.0,
        max_risk=float(rk.max(initial=0.0)),
        high_risk=int((rk > threshold).sum()),
        threshold=threshold,
    )


def l_diversity(frame: pd.DataFrame, keys: Sequence[str], sensitive: str) -> pd.DataFrame:
    """Distinct and entropy l-diversity of ``sensitive`` within each record's key pattern.

    As sdcMicro's ``ldiversity`` on complete keys: records sharing all their key values form a
    group; ``distinct`` counts the sensitive values present in it (missing values count as one
    more value when another value exists), ``entropy`` is ``exp(-sum p log p)`` over them.

    Returns:
        One row per record with columns ``distinct`` and ``entropy``.
    """
    data = frame[list(keys)].copy()
    data["_s"] = frame[sensitive]
    group = _combine(key_codes(frame, keys), range(len(keys))) if keys else np.zeros(len(frame))
    data["_g"] = group
    counts = data.groupby(["_g", "_s"], dropna=False).size().rename("c").reset_index()
    size = counts.groupby("_g")["c"].transform("sum")
    p = counts["c"] / size
    counts["h"] = -p * np.log(p)
    counts["present"] = 1
    valued = counts.loc[counts["_s"].notna()].groupby("_g")["present"].sum()
    all_present = counts.groupby("_g")["present"].sum()
    distinct = all_present.where(valued.reindex(all_present.index).fillna(0) > 0, 0)
    entropy = np.exp(counts.groupby("_g")["h"].sum())
    return pd.DataFrame(
        {
            "distinct": pd.Series(group).map(distinct).to_numpy(),
            "entropy": pd.Series(group).map(entropy).to_numpy(),
        },
        index=frame.index,
    )


def l_diversity_summary(
    frame: pd.DataFrame, keys: Sequence[str], sensitive: str, levels: Sequence[int] = (2, 3)
) -> dict[str, object]:
    """The figures of :func:`l_diversity` for a release: lowest and mean l, records below l.

    A record whose key pattern holds a single value of ``sensitive`` (distinct l-diversity 1)
    discloses that value to anyone who can place the person in the pattern, however large the
    pattern is. Records with no answer (the sensitive value missing) are not counted.
    """
    answered = frame[sensitive].notna().to_numpy()
    div = l_diversity(frame, keys, sensitive).loc[answered]
    if div.empty:
        return {"records": 0, "min_distinct": None, "mean_distinct": None, "min_entropy": None}
    out: dict[str, object] = {
        "records": len(div),
        "min_distinct": int(div["distinct"].min()),
        "mean_distinct": round(float(div["distinct"].mean()), 6),
        "min_entropy": round(float(div["entropy"].min()), 6),
    }
    for level in levels:
        out[f"records_below_{level}"] = int((div["distinct"] < level).sum())
    return out


def outlier_share(values: pd.Series, factor: float = 1.5) -> float:
    """Share of records whose value lies beyond ``factor`` interquartile ranges of the quartiles.

    Unusual values of a continuous key (a very long sentence, many children) single a person
    out whatever the categorical keys say.
    """
    x = pd.to_numeric(values, errors="coerce").dropna()
    if x.empty:
        return 0.0
    q1, q3 = float(x.quantile(0.25)), float(x.quantile(0.75))
    spread = factor * (q3 - q1)
    return float(((x < q1 - spread) | (x > q3 + spread)).mean())


__all__ = [
    "K_LEVELS",
    "Risk",
    "individual_risk",
    "key_codes",
    "key_frequencies",
    "l_diversity",
    "l_diversity_summary",
    "measure_risk",
    "outlier_share",
]
