"""Replicate factors and re-calibrated replicates against R survey 4.1-1.

Expected values: tests/reference/r_replicate_factors_5k.csv.gz (jkn_*, boot_*) and records
``jkn_cal_raking/JKn/...`` and ``replicate_designs`` of tests/reference/r_reference_5k.json.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.design.replicates import ReplicateMethod
from prisonsurvey.weighting import WeightingSpec, apply_spec
from prisonsurvey.weighting.replication import bootstrap, canty_davison, jk1, jkn, layout


def test_jkn_factors_equal_r(respondents: pd.DataFrame, r_factors: pd.DataFrame) -> None:
    lay = layout(respondents, "stratum", "facility_id")
    f = jkn(lay)
    first = respondents.drop_duplicates("facility_id")["facility_id"].to_numpy()
    assert (first == r_factors["facility_id"].to_numpy()).all()
    expected = r_factors[[c for c in r_factors.columns if c.startswith("jkn_")]].to_numpy()
    assert f.factors.shape == expected.shape == (137, 137)
    np.testing.assert_allclose(f.factors, expected, rtol=1e-15, atol=0)


def test_jkn_rscales(respondents: pd.DataFrame, r_reference: dict[str, Any]) -> None:
    info = r_reference["replicate_designs"]
    f = jkn(layout(respondents, "stratum", "facility_id"))
    np.testing.assert_allclose(f.rscales[:3], info["jkn"]["rscales_first"], rtol=1e-12)
    ffpc = jkn(layout(respondents, "stratum", "facility_id", "n_fac_stratum"))
    np.testing.assert_allclose(ffpc.rscales[:3], info["jkn_fpc"]["rscales_first"], rtol=1e-12)
    assert f.scale == info["jkn"]["scale"]


def test_bootstrap_structure_matches_r(
    respondents: pd.DataFrame, r_factors: pd.DataFrame, r_reference: dict[str, Any]
) -> None:
    # R's type="bootstrap" draws n_h PSUs with replacement: integer counts summing to n_h
    lay = layout(respondents, "stratum", "facility_id")
    r_boot = r_factors[[c for c in r_factors.columns if c.startswith("boot_")]].to_numpy()
    ours = canty_davison(lay, replicates=200, seed=1)
    sizes = np.bincount(lay.psu_stratum)
    for f in (r_boot, ours.factors):
        sums = np.vstack([f[lay.psu_stratum == h].sum(axis=0) for h in range(sizes.size)])
        assert (sums == sizes[:, None]).all()
        assert np.array_equal(f, np.round(f))
    assert ours.scale == pytest.approx(r_reference["replicate_designs"]["boot"]["scale"], rel=1e-12)


def test_rao_wu_rescaling(respondents: pd.DataFrame) -> None:
    lay = layout(respondents, "stratum", "facility_id")
    f = bootstrap(lay, replicates=50, seed=7)
    sizes = np.bincount(lay.psu_stratum)
    for h, n_h in enumerate(sizes):
        block = f.factors[lay.psu_stratum == h]
        np.testing.assert_allclose(block.sum(axis=0), n_h)  # n_h - 1 draws x n_h / (n_h - 1)
        counts = block * (n_h - 1) / n_h
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-12)
    again = bootstrap(lay, replicates=50, seed=7)
    assert np.array_equal(f.factors, again.factors)


def _rake_spec(method: str) -> WeightingSpec:
    return WeightingSpec.model_validate(
        {
            "name": "reference-rake",
            "design": {"strata": "stratum", "psu": "facility_id"},
            "base_weight": {"column": "base_weight"},
            "steps": [
                {
                    "type": "calibration",
                    "method": "raking",
                    "margins": [
                        {"variables": ["country", "sex"], "controls": "country_sex_legal_status"},
                        {
                            "variables": ["country", "legal_status"],
                            "controls": "country_sex_legal_status",
                        },
                    ],
                }
            ],
            "replicates": {"method": method},
        }
    )


@pytest.mark.parametrize("variable", ["victim_violence_6m", "paid_bribe", "age"])
def test_rereaked_jkn_se_equals_r(
    respondents: pd.DataFrame,
    controls: dict[str, pd.DataFrame],
    r_reference: dict[str, Any],
    r_weights: pd.DataFrame,
    variable: str,
) -> None:
    # record "jkn_cal_raking/JKn/mean/<variable>/": every JKn replicate re-raked in R
    res = apply_spec(respondents, _rake_spec("jkn"), controls)
    assert res.replicates is not None
    assert res.replicates.method is ReplicateMethod.JKN
    w = res.weights.to_numpy()
    np.testing.assert_allclose(w, r_weights["jkn_cal_raking_full"], rtol=1e-8)
    reps = res.replicates.matrix(w)
    y = respondents[variable].to_numpy(dtype=float)
    ok = ~np.isnan(y)
    theta = (reps[ok] * y[ok, None]).sum(axis=0) / reps[ok].sum(axis=0)
    rw = res.replicates
    se = np.sqrt(rw.scale * (rw.rscales * (theta - theta.mean()) ** 2).sum())
    rec = next(
        r
        for r in r_reference["estimates"]  # type: ignore[attr-defined]
        if r["id"] == f"jkn_cal_raking/JKn/mean/{variable}/"
    )
    assert se == pytest.approx(rec["se"], rel=1e-8)


def test_every_replicate_meets_margins(
    respondents: pd.DataFrame, controls: dict[str, pd.DataFrame]
) -> None:
    res = apply_spec(respondents, _rake_spec("boot"), controls)
    assert res.replicates is not None and res.diagnostics.replicates is not None
    assert res.diagnostics.replicates["not_calibrated"] == []
    reps = res.replicates.matrix(res.weights.to_numpy())
    csl = controls["country_sex_legal_status"]
    target = csl.groupby(["country", "sex"])["count"].sum()
    got = pd.DataFrame(reps).groupby([respondents["country"], respondents["sex"]]).sum()
    expected = np.broadcast_to(target.to_numpy()[:, None], got.shape)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-9)


def test_notebook_replicate_weights_equal_r_jkn(
    respondents: pd.DataFrame, r_factors: pd.DataFrame
) -> None:
    from prisonsurvey.weighting import replicate_weights

    rw = replicate_weights(respondents, "stratum", "facility_id", "jkn")
    expected = r_factors[[c for c in r_factors.columns if c.startswith("jkn_")]].to_numpy()
    first = ~respondents["facility_id"].duplicated().to_numpy()
    np.testing.assert_array_equal(rw.psu_factors[rw.psu_codes[first]], expected)
    w = respondents["base_weight"].to_numpy()
    assert rw.matrix(w).shape == (len(respondents), 137)


def test_jk1_delete_one(respondents: pd.DataFrame) -> None:
    f = jk1(layout(respondents, None, "facility_id"))
    p = 137
    assert f.factors.shape == (p, p) and f.scale == pytest.approx((p - 1) / p)
    np.testing.assert_allclose(np.diag(f.factors), 0.0)
    np.testing.assert_allclose(f.factors.sum(axis=0), p)  # (p - 1) x p / (p - 1)
