"""Small statistics shared by the checks: multiple-testing control and one-sided rate tests."""

from __future__ import annotations

import numpy as np

from prisonsurvey.distributions import norm_sf


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    values = p[ok]
    order = np.argsort(values, kind="mergesort")
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out[ok] = result
    return out


def higher_rate_p(events: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """One-sided p-value that each group's rate exceeds the rate of all other groups.

    A two-proportion z-test of each group against the rest (pooled variance); NaN where a
    side has no trials.
    """
    events = np.asarray(events, dtype=float)
    trials = np.asarray(trials, dtype=float)
    rest_e = events.sum() - events
    rest_t = trials.sum() - trials
    with np.errstate(all="ignore"):
        p1 = events / trials
        p2 = rest_e / rest_t
        pooled = (events + rest_e) / (trials + rest_t)
        se = np.sqrt(pooled * (1 - pooled) * (1 / trials + 1 / rest_t))
        z = (p1 - p2) / se
    p = norm_sf(z)
    p = np.where((trials > 0) & (rest_t > 0) & (se > 0), p, np.nan)
    return np.asarray(p, dtype=float)


def rest_rate(events: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """The rate of all groups but each one."""
    events = np.asarray(events, dtype=float)
    trials = np.asarray(trials, dtype=float)
    with np.errstate(all="ignore"):
        return np.asarray((events.sum() - events) / (trials.sum() - trials), dtype=float)
