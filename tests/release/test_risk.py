"""Risk measures equal sdcMicro's on the data of its own tests.

Data and expected values: sdcMicro, tests/testthat/test_indivRisk.R (sdcTools/sdcMicro on GitHub),
``indivRisk(freqCalc(sample_Data, keyVars = 1:3, w = 4), method = "approx")``, without and with
missing values (a missing value matches any value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.release.methods import invariant_matrix, local_suppression, pram
from prisonsurvey.release.risk import key_frequencies, measure_risk

NAN = np.nan
W = np.array([18.0, 45.5, 39.0, 17.0, 92.0, 8.0, 123.5, 51])
B = [3, 3, 3, 3, 3, 3, 4, 3]


def test_individual_risk_equals_sdcmicro_without_missing() -> None:
    frame = pd.DataFrame({"A": [2, 3, 2, 2, 3, 3, 1, 2], "B": B, "C": [1, 3, 1, 2, 1, 1, 1, 1]})
    risk = measure_risk(frame, ["A", "B", "C"], W)
    assert risk.fk.tolist() == [3, 1, 3, 1, 2, 2, 1, 3]
    expected = [0.01369863, 0.08579129, 0.01369863, 0.17707583, 0.01877883, 0.01877883,
                0.03931625, 0.01369863]  # fmt: skip
    assert risk.rk == pytest.approx(expected, abs=1e-8)
    assert risk.expected_reidentifications == pytest.approx(sum(expected), abs=1e-7)
    assert risk.violations == {2: 3, 3: 5, 5: 8}


def test_missing_values_match_anything_as_in_sdcmicro() -> None:
    frame = pd.DataFrame(
        {"A": [2, 3, 2, 2, 3, 3, 1, NAN], "B": B, "C": [1, 3, NAN, 2, 1, 1, NAN, 1]}
    )
    risk = measure_risk(frame, ["A", "B", "C"], W)
    # unweighted risks 1/fk printed by sdcMicro: 0.33333 1 0.25 0.5 0.33333 0.33333 1 0.2
    assert risk.fk.tolist() == [3, 1, 4, 2, 3, 3, 1, 5]
    expected = [0.013698630, 0.085791288, 0.010554090, 0.032466112, 0.009836066, 0.009836066,
                0.039316254, 0.005973716]  # fmt: skip
    assert risk.rk == pytest.approx(expected, abs=1e-8)


def test_hand_computed_population_frequencies() -> None:
    frame = pd.DataFrame({"a": [1, 1, NAN], "b": [1, 2, 2]})
    fk, big = key_frequencies(frame, ["a", "b"], np.array([1.0, 2.0, 4.0]))
    # (1,1) matches itself; (1,2) matches itself and (NA,2); (NA,2) matches (1,2) and itself
    assert fk.tolist() == [1, 2, 2] and big.tolist() == [1.0, 6.0, 6.0]


def test_local_suppression_reaches_k() -> None:
    frame = pd.DataFrame({"A": [2, 3, 2, 2, 3, 3, 1, 2], "B": B, "C": [1, 3, 1, 2, 1, 1, 1, 1]})
    out, done = local_suppression(frame, ["A", "B", "C"], 3, importance=["A", "B", "C"])
    fk, _ = key_frequencies(out, ["A", "B", "C"])
    assert (fk >= 3).all()
    assert 0 < sum(done.values()) <= 2 * 5  # at most two values of each of the 5 unsafe


def test_pram_keeps_the_marginal_distribution() -> None:
    rng = np.random.default_rng(7)
    p = np.array([0.5, 0.3, 0.15, 0.05])
    assert p @ invariant_matrix(p, 0.7) == pytest.approx(p)
    values = pd.Series(rng.choice(4, size=200_000, p=p))
    out, changed = pram(values, 0.7, rng)
    assert changed > 0
    from scipy.stats import chisquare

    observed = np.bincount(out.to_numpy(), minlength=4)
    expected = np.bincount(values.to_numpy(), minlength=4)
    assert chisquare(observed, expected).pvalue > 0.001
