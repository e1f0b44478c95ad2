"""Tabulate 20 indicators by country x sex x legal status at census scale.

Data: ``gen_data.py --n 1000000`` (set ``BENCH_ESTIMATION_N`` for another size, e.g. 4000000).
Measured in the same run (min of 5 interleaved rounds, in-process compute, data already in memory):

* ``prisonsurvey``: :func:`estimate` (means with SEs, intervals, deff, n, domain df), linearised
  and with 100 bootstrap replicates (factored form, never an N x R matrix);
* the floor: one numpy ``bincount`` pass per indicator to (PSU, domain) sums of ``w y`` and
  ``w`` followed by the small-table stratified variance, the least any exact method must do;
* R ``survey``: ``svyby(~y, ~country+sex+legal_status, design, svymean, na.rm=TRUE)`` per
  indicator, in an ``Rscript`` subprocess timing only the calls, if R with ``survey`` is
  installed (``BENCH_ESTIMATION_R=0`` skips it); with 100 bootstrap replicates
  (``as.svrepdesign``) only on the first ``BENCH_ESTIMATION_R_REP_VARS`` (2) indicators, as it
  takes minutes per indicator, compared per indicator.

Peak memory is the largest allocation traced by ``tracemalloc`` during the call, as a ratio to
the bytes of the input columns (20 indicators, weight, stratum, PSU and the three domains).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N = int(os.environ.get("BENCH_ESTIMATION_N", "1000000"))
N_REPLICATES = 100
BY = ["country", "sex", "legal_status"]
ROUNDS = 5


def _data(tmp: Path) -> pd.DataFrame:
    subprocess.run(
        [
            sys.executable,
            str(HERE / "gen_data.py"),
            "--n",
            str(N),
            "--out",
            str(tmp),
            "--tag",
            "bench",
            "--no-csv",
        ],
        check=True,
        capture_output=True,
    )
    df = pd.read_parquet(tmp / "prison_survey_bench.parquet")
    df = df[df["responded"] == 1].reset_index(drop=True)
    return df


def _indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Twenty 0/1 indicators (NaN when missing) from the generated items."""

    def flag(cond: pd.Series, missing: pd.Series) -> np.ndarray:
        return np.where(missing.to_numpy(), np.nan, cond.to_numpy(dtype=np.float64))

    age, months = df["age"], df["months_detained"]
    out: dict[str, Any] = {}
    for col in [
        "victim_violence_6m",
        "paid_bribe",
        "food_insufficient",
        "education_program",
        "disability",
        "prior_incarceration",
        "has_children",
    ]:
        out[col] = df[col].to_numpy(dtype=np.float64)
    for lo in (18, 25, 35, 45, 55):
        out[f"age_{lo}_plus"] = flag(age >= lo, age.isna())
    for lo in (3, 6, 12, 24, 48):
        out[f"detained_{lo}m_plus"] = flag(months >= lo, months.isna())
    out["viol_refused"] = flag(
        df["victim_violence_6m_raw"] == 8, df["victim_violence_6m_raw"].isna()
    )
    out["bribe_refused"] = flag(df["paid_bribe_raw"] == 8, df["paid_bribe_raw"].isna())
    out["children_dk"] = flag(df["has_children_raw"] == "dont_know", df["has_children_raw"].isna())
    frame = pd.DataFrame(out)
    assert frame.shape[1] == 20
    for col in [*BY, "stratum", "facility_id", "base_weight"]:
        frame[col] = df[col].to_numpy()
    return frame


def _floor(frame: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Grouped-sum floor: bincount to (PSU, domain) sums, then small-table variance."""
    w = frame["base_weight"].to_numpy()
    strata = pd.factorize(frame["stratum"], sort=True)[0]
    psu, psu_keys = pd.factorize(
        pd.Series(strata * 10**9 + frame["facility_id"].to_numpy()), sort=True
    )
    psu_stratum = (np.asarray(psu_keys) // 10**9).astype(np.intp)
    cell = frame.groupby(BY, sort=True).ngroup().to_numpy()
    c = int(cell.max()) + 1
    p = len(psu_keys)
    key = psu.astype(np.int64) * c + cell
    n_h = np.bincount(psu_stratum).astype(np.float64)
    est = np.empty((len(names), c))
    se = np.empty((len(names), c))
    for j, name in enumerate(names):
        y = frame[name].to_numpy()
        m = ~np.isnan(y)
        a = np.bincount(key, weights=np.where(m, w * y, 0.0), minlength=p * c).reshape(p, c)
        b = np.bincount(key, weights=w * m, minlength=p * c).reshape(p, c)
        mean = a.sum(0) / b.sum(0)
        z = (a - mean * b) / b.sum(0)
        zh = np.zeros((len(n_h), c))
        np.add.at(zh, psu_stratum, z)
        d = z - (zh / n_h[:, None])[psu_stratum]
        ss = np.zeros((len(n_h), c))
        np.add.at(ss, psu_stratum, d * d)
        est[j] = mean
        se[j] = np.sqrt((ss * (n_h / (n_h - 1))[:, None]).sum(0))
    return est, se


def _timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _peak(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return int(peak)


R_SCRIPT = r"""
suppressMessages({library(survey); library(data.table)})
options(survey.lonely.psu = "fail")
args <- commandArgs(trailingOnly = TRUE)
df <- as.data.frame(fread(args[1]))
vars <- strsplit(args[2], ",")[[1]]
d <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE,
               data = df)
t0 <- proc.time()[["elapsed"]]
for (v in vars) b <- svyby(as.formula(paste0("~", v)), ~country + sex + legal_status, d, svymean,
                          na.rm = TRUE)
t_lin <- proc.time()[["elapsed"]] - t0
n_rep <- as.integer(args[3])
rep_vars <- head(vars, n_rep)
set.seed(1)
t0 <- proc.time()[["elapsed"]]
r <- as.svrepdesign(d, type = "bootstrap", replicates = 100)
for (v in rep_vars) b <- svyby(as.formula(paste0("~", v)), ~country + sex + legal_status, r,
                              svymean, na.rm = TRUE)
t_rep <- proc.time()[["elapsed"]] - t0
cat(t_lin, t_rep, "\n")
"""
R_REPLICATE_VARS = int(os.environ.get("BENCH_ESTIMATION_R_REP_VARS", "2"))


def _r_seconds(frame: pd.DataFrame, names: list[str], tmp: Path) -> tuple[float, float] | str:
    if os.environ.get("BENCH_ESTIMATION_R", "1") == "0":
        return "skipped"
    if shutil.which("Rscript") is None:
        return "R not installed"
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages({library(survey); library(data.table)})"],
        capture_output=True,
    )
    if probe.returncode != 0:
        return "R not installed (needs r-cran-survey and r-cran-data.table)"
    csv = tmp / "bench.csv"
    frame.to_csv(csv, index=False)
    script = tmp / "bench.R"
    script.write_text(R_SCRIPT)
    done = subprocess.run(
        ["Rscript", str(script), str(csv), ",".join(names), str(R_REPLICATE_VARS)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        return "R failed: " + done.stderr[-300:]
    lin, rep = done.stdout.strip().split()[-2:]
    return float(lin), float(rep)


def main() -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent / "src"))
    from prisonsurvey.design import build_design
    from prisonsurvey.design.replicate_factors import replicates_from_factors
    from prisonsurvey.estimation import estimate

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        frame = _indicators(_data(tmp))
        names = [
            c for c in frame.columns if c not in [*BY, "stratum", "facility_id", "base_weight"]
        ]
        input_bytes = int(
            sum(frame[c].to_numpy().nbytes for c in [*names, "base_weight", "facility_id"])
            + sum(frame[c].memory_usage(deep=True) for c in [*BY, "stratum"])
        )
        t_design, design = _timed(
            lambda: build_design(frame["base_weight"], frame["stratum"], frame["facility_id"]), 1
        )
        rng = np.random.default_rng(20240601)
        # Rao-Wu style bootstrap multipliers at PSU level (n_h - 1 draws with replacement)
        n_h = design.psus_per_stratum
        factors = np.empty((design.n_psu, N_REPLICATES))
        for h in range(design.n_strata):
            idx = np.flatnonzero(design.psu_stratum == h)
            draws = rng.multinomial(n_h[h] - 1, np.full(n_h[h], 1 / n_h[h]), size=N_REPLICATES)
            factors[idx] = (draws * n_h[h] / (n_h[h] - 1)).T
        rep_design = design.with_replicates(
            replicates_from_factors(design, factors, "bootstrap", rao_wu=True)
        )

        def ours_lin() -> Any:
            return estimate(design, frame, names, stat="mean", by=BY)

        def ours_rep() -> Any:
            return estimate(rep_design, frame, names, stat="mean", by=BY)

        def floor() -> Any:
            return _floor(frame, names)

        # interleaved rounds, min of each, so that load from other processes hits all alike
        t_floor = t_lin = t_rep = float("inf")
        for _ in range(ROUNDS):
            t, (f_est, f_se) = _timed(floor, 1)
            t_floor = min(t_floor, t)
            t, res_lin = _timed(ours_lin, 1)
            t_lin = min(t_lin, t)
            t, _ = _timed(ours_rep, 1)
            t_rep = min(t_rep, t)
        lin = res_lin.to_frame()
        est = lin["estimate"].to_numpy().reshape(-1, len(names)).T
        se = lin["se"].to_numpy().reshape(-1, len(names)).T
        agree = float(max(np.max(np.abs(est / f_est - 1)), np.max(np.abs(se / f_se - 1))))
        peak_lin = _peak(ours_lin)
        peak_rep = _peak(ours_rep)
        peak_floor = _peak(floor)
        r_sec = _r_seconds(frame, names, tmp)
    result: dict[str, Any] = {
        "respondents": len(frame),
        "psus": design.n_psu,
        "domains": int(lin.groupby(BY).ngroups),
        "indicators": len(names),
        "replicates": N_REPLICATES,
        "seconds_floor": round(t_floor, 4),
        "seconds_linearised": round(t_lin, 4),
        "seconds_replicates": round(t_rep, 4),
        "seconds_declare_design": round(t_design, 4),
        "linearised_vs_floor": round(t_lin / t_floor, 3),
        "replicates_vs_floor": round(t_rep / t_floor, 3),
        "max_rel_diff_vs_floor": agree,
        "peak_memory_linearised_vs_input": round(peak_lin / input_bytes, 3),
        "peak_memory_replicates_vs_input": round(peak_rep / input_bytes, 3),
        "peak_memory_floor_vs_input": round(peak_floor / input_bytes, 3),
        "input_column_bytes": input_bytes,
    }
    if isinstance(r_sec, tuple):
        r_lin, r_rep = r_sec
        result["seconds_r_svyby_linearised"] = round(r_lin, 2)
        result["r_svyby_linearised_vs_ours"] = round(r_lin / t_lin, 1)
        result["r_svyby_linearised_vs_floor"] = round(r_lin / t_floor, 1)
        # R's replicate svyby is timed on the first R_REPLICATE_VARS indicators only (it takes
        # minutes each); the ratio compares per-indicator times, including R's replicate setup
        result["seconds_r_svyby_replicates"] = round(r_rep, 2)
        result["r_replicate_indicators_timed"] = R_REPLICATE_VARS
        per_r = r_rep / R_REPLICATE_VARS
        result["r_svyby_replicates_vs_ours_per_indicator"] = round(per_r / (t_rep / len(names)), 1)
    else:
        result["r_svyby"] = r_sec
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
