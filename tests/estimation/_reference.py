"""Load the R survey reference data (tests/reference, copied from the shared reference set)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.design import build_design
from prisonsurvey.design.calibration import calibrated_design as make_calibrated
from prisonsurvey.design.survey_design import SurveyDesign

REF = Path(__file__).resolve().parents[1] / "reference"
BIN = [
    "victim_violence_6m",
    "paid_bribe",
    "food_insufficient",
    "education_program",
    "disability",
    "prior_incarceration",
    "has_children",
]
NUM = ["age", "months_detained"]
FAC = ["legal_status", "age_group", "has_children_raw"]
BYS = {"country": ["country"], "sex+legal_status": ["sex", "legal_status"]}


@cache
def records() -> list[dict[str, Any]]:
    return list(json.loads((REF / "r_reference_5k.json").read_text())["estimates"])


@cache
def meta() -> dict[str, Any]:
    data = json.loads((REF / "r_reference_5k.json").read_text())
    return {"designs": data["designs"], "replicate_designs": data["replicate_designs"]}


@cache
def data() -> pd.DataFrame:
    df = pd.read_parquet(REF / "data" / "prison_survey_5k.parquet")
    df = df[df["responded"] == 1].reset_index(drop=True)
    df["country_sex"] = df["country"] + ":" + df["sex"]
    df["country_legal"] = df["country"] + ":" + df["legal_status"]
    return df


@cache
def calibrated_weights() -> pd.DataFrame:
    w = pd.read_csv(REF / "r_calibrated_weights_5k.csv.gz")
    out = data()[["inmate_id"]].merge(w, on="inmate_id", how="left", validate="1:1")
    assert len(out) == len(data())
    return out


@cache
def replicate_factors() -> pd.DataFrame:
    return pd.read_csv(REF / "r_replicate_factors_5k.csv.gz")


def base_design(name: str) -> SurveyDesign:
    df = data()
    if name == "wr":
        return build_design(df["base_weight"], df["stratum"], df["facility_id"])
    if name == "fpc":
        return build_design(
            df["base_weight"], df["stratum"], df["facility_id"], df["n_fac_stratum"]
        )
    if name == "twostage":
        return build_design(
            df["base_weight"], df["stratum"], df["facility_id"], df["n_fac_stratum"], df["fac_pop"]
        )
    if name == "nr":
        return build_design(df["nr_weight"], df["stratum"], df["facility_id"])
    raise KeyError(name)


CAL_MARGINS = {
    "ps": [["country_sex"]],
    "rake": [["country_sex"], ["country_legal"]],
    "cal_raking": [["country", "sex"], ["country", "legal_status"]],
    "cal_linear": [["country", "sex"], ["country", "legal_status"]],
    "cal_raking_gtrim": [["country", "sex"], ["country", "legal_status"]],
    "rake_trimmed": [["country", "sex"], ["country", "legal_status"]],
    "cal2_linear": [["stratum"], ["sex"], ["legal_status"]],
    "cal2_logit_bounded": [["stratum"], ["sex"], ["legal_status"]],
    "cal2_raking_bounded": [["stratum"], ["sex"], ["legal_status"]],
}


def calibrated_design(name: str) -> SurveyDesign:
    w = calibrated_weights()
    start = "nr" if name.startswith("cal2") else "wr"
    return make_calibrated(
        base_design(start),
        data(),
        CAL_MARGINS[name],
        w[name].to_numpy(),
        "rake" if name == "rake" else "greg",
        untrimmed_weights=w["cal_raking"].to_numpy() if name == "rake_trimmed" else None,
    )


def _psu_rows(design: SurveyDesign) -> np.ndarray:
    fx = replicate_factors()
    pos = {fid: i for i, fid in enumerate(fx["facility_id"].tolist())}
    return np.array([pos[label] for label in design.psu_labels])


def replicate_design(name: str) -> SurveyDesign:
    """Replicate designs of the reference, built on R's exported PSU multipliers."""
    from prisonsurvey.design.replicate_factors import replicates_from_factors
    from prisonsurvey.design.replicates import ReplicateWeights

    fx = replicate_factors()
    if name == "boot":
        design = base_design("wr")
        cols = [c for c in fx.columns if c.startswith("boot_")]
        f = fx[cols].to_numpy()[_psu_rows(design)]
        return design.with_replicates(replicates_from_factors(design, f, "bootstrap", rao_wu=True))
    design = base_design("fpc" if name == "jkn_fpc" else "wr")
    cols = [c for c in fx.columns if c.startswith("jkn_")]
    f = fx[cols].to_numpy()[_psu_rows(design)]
    rep = replicates_from_factors(design, f, "JKn")
    if name in ("jkn", "jkn_fpc"):
        return design.with_replicates(rep)
    assert name == "jkn_cal_raking"
    full = calibrated_weights()["jkn_cal_raking_full"].to_numpy()
    cell_codes, cell_factors = rerake_replicates(design, f, full)
    rep = ReplicateWeights(
        rep.method, rep.scale, rep.rscales, rep.psu_codes, f, cell_codes, cell_factors
    )
    return design.with_weights(full).with_replicates(rep)


def rerake_replicates(
    design: SurveyDesign, factors: np.ndarray, full: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rake every replicate to the country x sex and country x legal-status margins.

    Returns the country x sex x legal-status cell of every row and the per-replicate
    adjustment of each cell relative to the full-sample calibrated weight.
    """
    df = data()
    cell_frame = df[["country", "sex", "legal_status"]]
    cells = cell_frame.groupby(list(cell_frame.columns), sort=True).ngroup().to_numpy()
    keys = cell_frame.drop_duplicates().sort_values(list(cell_frame.columns))
    n_cells = len(keys)
    ctl = json.loads((REF / "data" / "prison_controls_5k.json").read_text())
    pop = pd.DataFrame(ctl["country_sex_legal_status"])
    pop = keys.merge(pop, on=["country", "sex", "legal_status"], how="left")
    cs = pop.groupby(["country", "sex"], sort=True)["count"].transform("sum").to_numpy()
    cl = pop.groupby(["country", "legal_status"], sort=True)["count"].transform("sum").to_numpy()
    cs_code = pop.groupby(["country", "sex"], sort=True).ngroup().to_numpy()
    cl_code = pop.groupby(["country", "legal_status"], sort=True).ngroup().to_numpy()
    base = design.weights
    wpc = np.zeros((design.n_psu, n_cells))
    np.add.at(wpc, (design.psu, cells), base)
    totals = factors.T @ wpc  # (R, G) base-weight cell totals per replicate
    t = totals.copy()
    for _ in range(500):
        for code, target in ((cs_code, cs), (cl_code, cl)):
            sums = np.zeros((t.shape[0], code.max() + 1))
            np.add.at(sums.T, code, t.T)
            t = t * (target / sums[:, code])
    g_rep = np.where(totals > 0, t / np.where(totals > 0, totals, 1), 1.0)
    g_full = np.zeros(n_cells)
    g_full[cells] = full / base
    return cells.astype(np.intp), (g_rep / g_full[None, :]).T
