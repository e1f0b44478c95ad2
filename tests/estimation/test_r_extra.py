"""Agreement with R ``survey`` 4.1-1 on lonely-PSU policies, JK1, BRR, Fay, ratios, quantiles.

Reference: tests/estimation/reference/r_extra_5k.json, made by extra_reference.R in the same
folder from the reference survey; tests are parametrized by record ``id``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.design import build_design
from prisonsurvey.design.replicate_factors import jackknife_factors, replicates_from_factors
from prisonsurvey.estimation import estimate
from prisonsurvey.estimation.quantiles import quantiles

from . import _reference as ref

EXTRA = json.loads((Path(__file__).parent / "reference" / "r_extra_5k.json").read_text())
RECORDS = {r["id"]: r for r in EXTRA["records"]}


def _check(frame: pd.DataFrame, rec: dict[str, Any]) -> None:
    row = frame[frame["country"] == rec["country"]].iloc[0] if "country" in rec else frame.iloc[0]
    assert np.isclose(row["estimate"], rec["est"], rtol=1e-6, atol=0)
    assert np.isclose(row["se"], rec["se"], rtol=1e-6, atol=0)


@cache
def _lonely_data() -> pd.DataFrame:
    df = ref.data()
    strata = sorted(df["stratum"].unique())[:2]
    first = df.groupby("stratum")["facility_id"].transform("min")
    keep = ~df["stratum"].isin(strata) | (df["facility_id"] == first)
    return df[keep].reset_index(drop=True)


LONELY = [k for k in RECORDS if k.startswith("lonely/")]


@pytest.mark.parametrize("rid", LONELY)
def test_lonely_psu_policies(rid: str) -> None:
    rec = RECORDS[rid]
    _, policy, stat, var, *rest = rid.split("/")
    df = _lonely_data()
    design = build_design(df["base_weight"], df["stratum"], df["facility_id"], lonely_psu=policy)
    frame = estimate(design, df, [var], stat=stat, by=["country"] if rest else []).to_frame()
    _check(frame, rec)


def test_lonely_psu_fail_raises() -> None:
    from prisonsurvey.design import LonelyPsuError

    df = _lonely_data()
    design = build_design(df["base_weight"], df["stratum"], df["facility_id"])
    with pytest.raises(LonelyPsuError):
        estimate(design, df, ["paid_bribe"])


@pytest.mark.parametrize("rid", ["jk1/mean/paid_bribe", "jk1/total/age"])
def test_jk1(rid: str) -> None:
    df = ref.data()
    design = build_design(df["base_weight"], psu=df["facility_id"])
    rep = replicates_from_factors(design, jackknife_factors(design), "JK1")
    _, stat, var = rid.split("/")
    _check(estimate(design.with_replicates(rep), df, [var], stat=stat).to_frame(), RECORDS[rid])


def _two_psu_design(method: str, rho: float) -> tuple[Any, pd.DataFrame]:
    block = EXTRA["brr_factors" if method == "BRR" else "fay_factors"]
    df = ref.data()
    df = df[df["facility_id"].isin(block["facility_id"])].reset_index(drop=True)
    design = build_design(df["base_weight"], df["stratum"], df["facility_id"])
    pos = {f: i for i, f in enumerate(block["facility_id"])}
    factors = np.asarray(block["factors"])[[pos[p] for p in design.psu_labels]]
    rep = replicates_from_factors(design, factors, method, fay_rho=rho)
    return design.with_replicates(rep), df


@pytest.mark.parametrize("rid", [k for k in RECORDS if k.startswith(("brr/", "fay/"))])
def test_brr_and_fay(rid: str) -> None:
    method, stat, var, *rest = rid.split("/")
    design, df = _two_psu_design("BRR" if method == "brr" else "Fay", 0.3)
    frame = estimate(design, df, [var], stat=stat, by=["country"] if rest else []).to_frame()
    _check(frame, RECORDS[rid])


@pytest.mark.parametrize("rid", [k for k in RECORDS if k.startswith("wr/ratio/")])
def test_ratio(rid: str) -> None:
    df = ref.data()
    by = ["country"] if "/country/" in rid else []
    frame = estimate(
        ref.base_design("wr"), df, ["months_detained"], stat="ratio", denominator="age", by=by
    ).to_frame()
    _check(frame, RECORDS[rid])


@pytest.mark.parametrize("rid", [k for k in RECORDS if k.startswith("wr/quantile/")])
def test_woodruff_quantiles(rid: str) -> None:
    rec = RECORDS[rid]
    parts = rid.split("/")
    var, p = parts[2], float(parts[3])
    by = ["country"] if "country" in rec else []
    frame = quantiles(ref.base_design("wr"), ref.data(), [var], [p], by=by).to_frame()
    _check(frame, rec)
    if "ci" in rec:
        assert frame["ci_lower"].iloc[0] == rec["ci"][0]
        assert frame["ci_upper"].iloc[0] == rec["ci"][1]
