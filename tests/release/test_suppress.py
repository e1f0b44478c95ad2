"""Local suppression against sdcMicro's documented results on the same examples.

The examples and sdcMicro's results are those of sdcMicro's own test suite (sdcTools/sdcMicro on
GitHub, tests/testthat/test_ls_greedy2.R), where its ``kAnon``/``localSuppression`` heuristic is
the baseline:

* the "3x2 witness" ``a = (1, 1, 2)``, ``b = (1, 2, 2)``, k = 2: sdcMicro's heuristic (which
  suppresses, in each unsafe record, the least important key in which it differs from its
  nearest neighbours) needs **three** suppressions; the optimum is two;
* ten records ``(1, 1)`` and one ``(1, 9)``, k = 3: one suppression (``b`` of the last record);
* a missing value is a free wildcard: five ``(2, 2)`` and one ``(1, NA)``, k = 2: one suppression,
  of ``a`` in the last record;
* importance steers the choice: ``a = (1, 2, 1, 2, 1)``, ``b = (1, 1, 2, 1, 2)``, k = 2 with ``a``
  the most important: ``b`` of the first record is suppressed, ``a`` kept.

Why the result can be smaller than sdcMicro's, never larger on these examples: a record is counted
again before it is touched, so one made safe by an earlier suppression (the witness's second
record, which matches the first once the first's ``b`` is missing) is left alone; and the key
suppressed is the least important one whose suppression alone makes the record safe, where
sdcMicro's choice may leave it unsafe and need a second suppression. sdcMicro's printed count on
its ``testdata2`` (97 suppressions with seven keys, k = 2) is not reproduced here: that data set
ships only as an R binary file, which this project does not read.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from prisonsurvey.release.methods import local_suppression


def _k_anonymous(frame: pd.DataFrame, keys: list[str], k: int) -> bool:
    """Brute force: each record matches at least k records (itself included), NA matching all."""
    values = frame[keys].to_numpy(dtype=object)
    missing = frame[keys].isna().to_numpy()
    for i in range(len(values)):
        same = (values == values[i]) | missing | missing[i]
        if int(same.all(axis=1).sum()) < k:
            return False
    return True


def _suppressions(before: pd.DataFrame, after: pd.DataFrame, keys: list[str]) -> int:
    return int((after[keys].isna() & before[keys].notna()).to_numpy().sum())


def test_witness_needs_fewer_suppressions_than_sdcmicro() -> None:
    x = pd.DataFrame({"a": ["1", "1", "2"], "b": ["1", "2", "2"]})
    out, done = local_suppression(x, ["a", "b"], 2)
    assert _k_anonymous(out, ["a", "b"], 2)
    sdcmicro = 3
    assert sum(done.values()) == _suppressions(x, out, ["a", "b"]) == 2 <= sdcmicro


def test_one_suppression_against_a_large_class() -> None:
    x = pd.DataFrame({"a": ["1"] * 11, "b": ["1"] * 10 + ["9"]})
    out, done = local_suppression(x, ["a", "b"], 3)
    assert done == {"a": 0, "b": 1} and pd.isna(out.loc[10, "b"])


def test_a_missing_value_is_a_free_wildcard() -> None:
    x = pd.DataFrame({"a": ["2"] * 5 + ["1"], "b": ["2"] * 5 + [None]})
    out, done = local_suppression(x, ["a", "b"], 2)
    assert done == {"a": 1, "b": 0} and pd.isna(out.loc[5, "a"])


def test_importance_decides_which_key_is_suppressed() -> None:
    x = pd.DataFrame({"a": ["1", "2", "1", "2", "1"], "b": ["1", "1", "2", "1", "2"]})
    out, _ = local_suppression(x, ["a", "b"], 2, importance=["a", "b"])
    assert pd.isna(out.loc[0, "b"]) and out.loc[0, "a"] == "1"


def test_reaches_k_on_random_data_with_missing_values() -> None:
    rng = np.random.default_rng(2026)
    for n, p, k in itertools.product((30, 80), (2, 4), (2, 3, 5)):
        x = pd.DataFrame(
            {
                f"K{j}": rng.choice([1.0, 2.0, 3.0, np.nan], n, p=[0.4, 0.3, 0.2, 0.1])
                for j in range(p)
            }
        )
        keys = list(x.columns)
        out, done = local_suppression(x, keys, k)
        assert _k_anonymous(out, keys, k), (n, p, k)
        assert sum(done.values()) == _suppressions(x, out, keys)
        # only suppression: every value left is the original one
        kept = out[keys].notna().to_numpy()
        assert (out[keys].to_numpy()[kept] == x[keys].to_numpy()[kept]).all()
