"""Agreement properties: domains versus subsets, replicate versus linearised variances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.design import build_design
from prisonsurvey.design.replicate_factors import jackknife_factors, replicates_from_factors
from prisonsurvey.estimation import estimate

from . import _reference as ref


def test_domain_equals_ratio_of_domain_totals() -> None:
    """A domain mean is the ratio of y*1[domain] to 1[domain] on the full design."""
    df = ref.data().copy()
    design = ref.base_design("wr")
    by_sex = estimate(design, df, ["age"], by=["sex"]).to_frame().set_index("sex")
    for sex in ("female", "male"):
        inside = (df["sex"] == sex).to_numpy()
        df["num"] = np.where(inside, df["age"], 0.0)
        df["den"] = np.where(df["age"].notna(), inside * 1.0, np.nan)
        ratio = estimate(design, df, ["num"], stat="ratio", denominator="den").to_frame()
        assert ratio["estimate"].iloc[0] == pytest.approx(by_sex.loc[sex, "estimate"], rel=1e-12)
        assert ratio["se"].iloc[0] == pytest.approx(by_sex.loc[sex, "se"], rel=1e-10)


def test_domain_of_whole_strata_equals_subset_design() -> None:
    """Countries hold whole strata, so subsetting the design is exact for them."""
    df = ref.data()
    design = ref.base_design("wr")
    dom = estimate(design, df, ["paid_bribe", "age"], by=["country"]).to_frame()
    for country, sub in df.groupby("country"):
        sub = sub.reset_index(drop=True)
        sub_design = build_design(sub["base_weight"], sub["stratum"], sub["facility_id"])
        alone = estimate(sub_design, sub, ["paid_bribe", "age"]).to_frame()
        mine = dom[dom["country"] == country]
        np.testing.assert_allclose(mine["estimate"], alone["estimate"], rtol=1e-12)
        np.testing.assert_allclose(mine["se"], alone["se"], rtol=1e-10)


def test_naive_subset_of_a_cross_cutting_domain_differs() -> None:
    """Dropping the PSUs without women changes n_h: the domain SE is not the subset SE."""
    df = ref.data()
    dom = estimate(ref.base_design("wr"), df, ["age"], by=["sex"]).to_frame()
    women = df[df["sex"] == "female"].reset_index(drop=True)
    naive_design = build_design(
        women["base_weight"], women["stratum"], women["facility_id"], lonely_psu="certainty"
    )
    naive = estimate(naive_design, women, ["age"]).to_frame()
    female = dom[dom["sex"] == "female"]
    assert female["estimate"].iloc[0] == pytest.approx(naive["estimate"].iloc[0], rel=1e-12)
    assert female["se"].iloc[0] != pytest.approx(naive["se"].iloc[0], rel=1e-6)


def _simulated(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_strata, psus, per_psu = 40, 8, 60
    stratum = np.repeat(np.arange(n_strata), psus * per_psu)
    psu = np.repeat(np.arange(n_strata * psus), per_psu)
    effect = rng.normal(0, 0.6, n_strata * psus)[psu]
    y = (rng.random(psu.shape[0]) < 1 / (1 + np.exp(-(-1 + effect)))).astype(float)
    x = 30 + 5 * effect + rng.normal(0, 8, psu.shape[0])
    w = rng.uniform(5, 15, n_strata * psus)[psu] * rng.uniform(0.8, 1.2, psu.shape[0])
    group = rng.integers(0, 3, psu.shape[0])
    return pd.DataFrame({"stratum": stratum, "psu": psu, "y": y, "x": x, "w": w, "g": group})


def test_replicate_and_linearised_ses_agree_on_large_simulated_data() -> None:
    df = _simulated()
    design = build_design(df["w"], df["stratum"], df["psu"])
    lin = estimate(design, df, ["y", "x"], by=["g"]).to_frame()
    jkn = estimate(
        design.with_replicates(replicates_from_factors(design, jackknife_factors(design), "JKn")),
        df,
        ["y", "x"],
        by=["g"],
    ).to_frame()
    np.testing.assert_allclose(jkn["estimate"], lin["estimate"], rtol=1e-12)
    np.testing.assert_allclose(jkn["se"], lin["se"], rtol=0.02)
    # Rao-Wu bootstrap (n_h - 1 PSUs drawn with replacement), 400 replicates
    rng = np.random.default_rng(11)
    n_h = design.psus_per_stratum
    reps = 400
    factors = np.empty((design.n_psu, reps))
    for h in range(design.n_strata):
        idx = np.flatnonzero(design.psu_stratum == h)
        draws = rng.multinomial(n_h[h] - 1, np.full(n_h[h], 1 / n_h[h]), size=reps)
        factors[idx] = (draws * n_h[h] / (n_h[h] - 1)).T
    boot = design.with_replicates(replicates_from_factors(design, factors, "bootstrap"))
    b = estimate(boot, df, ["y", "x"], by=["g"]).to_frame()
    np.testing.assert_allclose(b["se"], lin["se"], rtol=0.15)


def test_jkn_total_variance_equals_linearised_exactly() -> None:
    """For a total under a with-replacement design, JKn and linearisation coincide."""
    df = _simulated(3)
    design = build_design(df["w"], df["stratum"], df["psu"])
    rep = design.with_replicates(replicates_from_factors(design, jackknife_factors(design), "JKn"))
    lin = estimate(design, df, ["x"], stat="total").to_frame()
    jk = estimate(rep, df, ["x"], stat="total").to_frame()
    assert jk["se"].iloc[0] == pytest.approx(lin["se"].iloc[0], rel=1e-10)
