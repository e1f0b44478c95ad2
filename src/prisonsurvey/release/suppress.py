"""Local suppression of key values until every record is k-anonymous.

The algorithm follows sdcMicro's ``localSuppression`` (the records at highest risk are handled
first, and in each the least important key is suppressed) with two refinements that never cost
more suppressions:

* before a record is touched its frequency is counted again, so a record that an earlier
  suppression made safe (a missing value matches anything: suppressing one record's value adds
  it to its neighbours' counts) is left alone;
* the key suppressed is the least important one **whose suppression alone makes the record
  safe**; sdcMicro takes the least important key in which the record differs from its nearest
  neighbours, which can leave the record unsafe and need a second suppression. Only when no
  single key suffices is the key giving the largest frequency taken, and the record comes back
  in the next pass.

Records with the same key values are handled together (they are suppressed alike), so the work
grows with the number of distinct unsafe key patterns, not with the number of records.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from prisonsurvey.release.risk import key_codes, key_frequencies


def suppression_order(
    frame: pd.DataFrame, keys: Sequence[str], importance: Sequence[str]
) -> list[str]:
    """Keys in the order they are suppressed: least important first.

    Keys not ranked in ``importance`` come first, those with more categories before those with
    fewer (as sdcMicro's default importance); then the ranked ones from the last to the first.
    """
    ranked = [c for c in importance if c in keys]
    rest = sorted((c for c in keys if c not in ranked), key=lambda c: (-frame[c].nunique(), c))
    return rest + list(reversed(ranked))


def _frequencies(table: np.ndarray, columns: Sequence[int], counts: np.ndarray) -> np.ndarray:
    """How many records match each row of ``table`` on ``columns`` (``-1`` matches anything)."""
    frame = pd.DataFrame(np.where(table[:, list(columns)] >= 0, table[:, list(columns)], np.nan))
    return key_frequencies(frame, list(frame.columns), counts)[1]


def _count(table: np.ndarray, row: np.ndarray, counts: np.ndarray) -> int:
    """Records matching ``row`` now (both sides' missing values match anything)."""
    match = np.ones(len(table), dtype=bool)
    for j in np.flatnonzero(row >= 0):
        match &= (table[:, j] == row[j]) | (table[:, j] < 0)
    return int(counts[match].sum())


def _choose(
    table: np.ndarray,
    g: int,
    order: list[int],
    bounds: dict[int, np.ndarray],
    counts: np.ndarray,
    k: int,
) -> int:
    """The key to suppress in pattern ``g``: the first in ``order`` that makes it safe."""
    candidates = [j for j in order if table[g, j] >= 0]
    for j in candidates:
        # computed at the start of the pass: suppressions since then only add matches
        if bounds[j][g] >= k:
            return j
    best, best_count = candidates[0], -1
    for j in candidates:
        row = table[g].copy()
        row[j] = -1
        found = _count(table, row, counts)
        if found >= k:
            return j
        if found > best_count:
            best, best_count = j, found
    return best


def local_suppression(
    frame: pd.DataFrame,
    keys: Sequence[str],
    k: int,
    importance: Sequence[str] = (),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Suppress key values until every record shares its key pattern with ``k - 1`` others.

    Args:
        frame: The records.
        keys: Categorical key columns.
        k: The k of k-anonymity to reach (at most the number of records).
        importance: Keys from the most important (suppressed last) to the least.

    Returns:
        The frame with suppressed values set missing, and the suppressions per key.
    """
    keys = list(keys)
    out = frame.copy()
    done = {c: 0 for c in keys}
    if not keys or frame.empty:
        return out, done
    k = min(k, len(frame))
    order = [keys.index(c) for c in suppression_order(frame, keys, importance)]
    codes = key_codes(frame, keys)
    table, inverse, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    every = list(range(len(keys)))
    while True:
        fk = _frequencies(table, every, counts)
        unsafe = np.flatnonzero(fk < k)
        if unsafe.size == 0:
            break
        bounds = {j: _frequencies(table, [c for c in every if c != j], counts) for j in every}
        for g in unsafe[np.argsort(fk[unsafe], kind="stable")]:
            if _count(table, table[g], counts) >= k:
                continue
            j = _choose(table, int(g), order, bounds, counts, k)
            table[g, j] = -1
            done[keys[j]] += int(counts[g])
    released = table[inverse]
    for j, name in enumerate(keys):
        out[name] = out[name].mask((released[:, j] < 0) & (codes[:, j] >= 0))
    return out, done


__all__ = ["local_suppression", "suppression_order"]
