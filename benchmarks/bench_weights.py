"""Benchmark: rake 1,000,000 respondents to 3 margins and build 200 re-raked bootstrap replicates.

Margins: country x sex, country x legal status (census cells) and stratum populations (frame).
Data: ``gen_data.py`` of the R reference (``--n 1000000``: 982,800 respondents, 749 PSUs),
found at ``$PRISONSURVEY_GEN_DATA``, ``/work/shared/reference/gen_data.py`` or
``tests/reference/gen_data.py`` and cached in ``$PRISONSURVEY_BENCH_DIR``
(default ``/tmp/prisonsurvey-bench``). ``$PRISONSURVEY_BENCH_N`` changes the size.

Figures are ratios to baselines measured in the same run:

* ``floor``: plain numpy: factorize the margin columns, one grouped sum to the cell table, IPF
  on it, one gather; with replicates, one ``(cells x PSUs) @ (PSUs x R)`` product and IPF on
  the ``(cells x R)`` table.
* R ``survey`` (``rake()`` and ``as.svrepdesign(type="bootstrap")``), when ``Rscript`` and the
  package are installed; re-raking R's replicates only with ``PRISONSURVEY_BENCH_R_REPRAKE=1``
  (it takes many minutes).
* svy (PyPI), when importable or when ``$PRISONSURVEY_SVY_PYTHON`` names a Python that has it;
  re-raking its replicates only with ``PRISONSURVEY_BENCH_SVY_REPRAKE=1``.

Times are CPU seconds of the process (user + system, all threads; robust on a shared machine),
the minimum of 3 (``$PRISONSURVEY_BENCH_REPEAT``) in-process runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.weighting import Margin, WeightingSpec, apply_spec, calibrate, load_controls

ROOT = Path(__file__).resolve().parents[1]
N_REPS = 200
SEED = 20240601
EPS = 1e-10

R_SCRIPT = r"""
suppressMessages({library(survey); library(data.table); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
df <- as.data.frame(fread(args[1]))
ctl <- fromJSON(args[2])
nrep <- as.integer(args[3]); reprake <- args[4] == "1"; repeats <- as.integer(args[5])
csl <- as.data.frame(ctl$country_sex_legal_status)
cs <- aggregate(count ~ country + sex, csl, sum)
cl <- aggregate(count ~ country + legal_status, csl, sum)
df$country_sex <- paste(df$country, df$sex, sep = ":")
df$country_legal <- paste(df$country, df$legal_status, sep = ":")
p1 <- data.frame(country_sex = paste(cs$country, cs$sex, sep = ":"), Freq = cs$count)
p2 <- data.frame(country_legal = paste(cl$country, cl$legal_status, sep = ":"), Freq = cl$count)
st <- as.data.frame(ctl$strata); p3 <- data.frame(stratum = st$stratum, Freq = st$population)
d <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE,
               data = df)
cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }
el <- function(f) { t0 <- cpu(); v <- f(); list(t = cpu() - t0, v = v) }
mar <- list(~country_sex, ~country_legal, ~stratum); pops <- list(p1, p2, p3)
ctrl <- list(maxit = 200, epsilon = 1e-6)
out <- list(rake = Inf, boot = Inf)
for (i in seq_len(repeats)) {
  out$rake <- min(out$rake, el(function() rake(d, mar, pops, control = ctrl))$t)
}
set.seed(1)
b <- el(function() as.svrepdesign(d, type = "bootstrap", replicates = nrep))
out$boot <- b$t
if (reprake) out$rake_boot <- el(function() rake(b$v, mar, pops, control = ctrl))$t
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""

SVY_SCRIPT = r"""
import json, sys, time
import polars as pl, svy
d = pl.read_csv(sys.argv[1])
ctl = json.load(open(sys.argv[2]))
n_reps, reprake, repeats = int(sys.argv[3]), sys.argv[4] == "1", int(sys.argv[5])
d = d.with_columns((pl.col("country") + ":" + pl.col("sex")).alias("country_sex"),
                   (pl.col("country") + ":" + pl.col("legal_status")).alias("country_legal"))
cs, cl = {}, {}
for r in ctl["country_sex_legal_status"]:
    a, b = f"{r['country']}:{r['sex']}", f"{r['country']}:{r['legal_status']}"
    cs[a] = cs.get(a, 0) + r["count"]
    cl[b] = cl.get(b, 0) + r["count"]
controls = {"country_sex": cs, "country_legal": cl,
            "stratum": {r["stratum"]: r["population"] for r in ctl["strata"]}}
s = svy.Sample(data=d, design=svy.Design(stratum="stratum", psu="facility_id", wgt="base_weight"))
out = {"version": svy.__version__, "rake": float("inf")}
for _ in range(repeats):
    t = time.process_time(); s.weighting.rake(controls=controls, tol=1e-10, max_iter=500)
    out["rake"] = min(out["rake"], time.process_time() - t)
t = time.process_time(); b = s.weighting.create_bs_wgts(n_reps, rstate=1)
out["boot"] = time.process_time() - t
if reprake:
    t = time.process_time(); b.weighting.rake(controls=controls, tol=1e-10, max_iter=500)
    out["rake_boot"] = time.process_time() - t
print(json.dumps(out))
"""


def _gen_data_path() -> Path | None:
    for p in (
        os.environ.get("PRISONSURVEY_GEN_DATA", ""),
        "/work/shared/reference/gen_data.py",
        str(ROOT / "tests" / "reference" / "gen_data.py"),
    ):
        if p and Path(p).is_file():
            return Path(p)
    return None


def _data(n: int) -> tuple[pd.DataFrame, Path] | None:
    cache = Path(os.environ.get("PRISONSURVEY_BENCH_DIR", "/tmp/prisonsurvey-bench"))
    parquet = cache / f"survey_{n}.parquet"
    controls = cache / f"controls_{n}.json"
    if not (parquet.is_file() and controls.is_file()):
        gen = _gen_data_path()
        if gen is None:
            return None
        spec = importlib.util.spec_from_file_location("gen_data", gen)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        table, _, ctl = module.generate(n, SEED)
        cache.mkdir(parents=True, exist_ok=True)
        table.to_pandas().to_parquet(parquet)
        controls.write_text(json.dumps(ctl))
    d = pd.read_parquet(
        parquet,
        columns=[
            "country",
            "sex",
            "legal_status",
            "stratum",
            "facility_id",
            "base_weight",
            "responded",
        ],
    )
    d = d[d["responded"] == 1].drop(columns="responded").reset_index(drop=True)
    return d, controls


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


# ---------------------------------------------------------------- numpy floor
def _margin_arrays(ctl: dict[str, pd.DataFrame], levels: dict[str, list[Any]]) -> list[Any]:
    csl = ctl["country_sex_legal_status"]
    out = []
    for var in ("sex", "legal_status"):
        t = csl.groupby(["country", var])["count"].sum()
        arr = np.array([[t[(c, v)] for v in levels[var]] for c in levels["country"]], float)
        out.append(((0, 1 if var == "sex" else 2), arr))
    st = ctl["strata"].set_index("stratum")["population"]
    out.append(((3,), np.array([st[s] for s in levels["stratum"]], float)))
    return out


def _ipf(table: np.ndarray, margins: list[Any]) -> np.ndarray:
    """IPF on a dense (country, sex, legal, stratum[, R]) table; returns the factors."""
    g = np.ones_like(table)
    extra = table.ndim - 4
    for _ in range(500):
        for axes, target in margins:
            cur = table * g
            drop = tuple(a for a in range(4) if a not in axes)
            sums = cur.sum(axis=drop, keepdims=True)
            shape = [1] * 4 + [1] * extra
            for i, a in enumerate(axes):
                shape[a] = target.shape[i]
            tgt = target.reshape(shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                g = g * np.where(sums > 0, tgt / sums, 1.0)
        worst = 0.0
        cur = table * g
        for axes, target in margins:
            drop = tuple(a for a in range(4) if a not in axes)
            sums = cur.sum(axis=drop)
            tgt = target.reshape(target.shape + (1,) * extra)
            worst = max(worst, float(np.max(np.abs(sums / tgt - 1.0))))
        if worst < EPS:
            break
    return g


def _floor(d: pd.DataFrame, ctl: dict[str, pd.DataFrame], with_reps: bool) -> np.ndarray:
    codes, levels = {}, {}
    for v in ("country", "sex", "legal_status", "stratum"):
        c, u = pd.factorize(d[v], sort=True)
        codes[v], levels[v] = c, list(u)
    shape = tuple(len(levels[v]) for v in ("country", "sex", "legal_status", "stratum"))
    cell = np.ravel_multi_index(
        (codes["country"], codes["sex"], codes["legal_status"], codes["stratum"]), shape
    )
    w = d["base_weight"].to_numpy()
    margins = _margin_arrays(ctl, levels)
    table = np.bincount(cell, weights=w, minlength=int(np.prod(shape))).reshape(shape)
    g = _ipf(table, margins)
    final = w * g.ravel()[cell]
    if not with_reps:
        return final
    psu, _ = pd.factorize(d["facility_id"], sort=False)
    n_psu = int(psu.max()) + 1
    psu_stratum = np.zeros(n_psu, dtype=np.intp)
    psu_stratum[psu] = codes["stratum"]
    rng = np.random.default_rng(SEED)
    a = np.ones((n_psu, N_REPS))
    for h in range(len(levels["stratum"])):
        members = np.flatnonzero(psu_stratum == h)
        n_h = members.size
        counts = rng.multinomial(n_h - 1, np.full(n_h, 1.0 / n_h), size=N_REPS).T
        a[members] = counts * (n_h / (n_h - 1.0))
    n_cells = int(np.prod(shape))
    by_psu = np.bincount(cell * n_psu + psu, weights=w, minlength=n_cells * n_psu)
    reps = (by_psu.reshape(n_cells, n_psu) @ a).reshape((*shape, N_REPS))
    g_r = _ipf(reps, margins)
    return g_r


# ---------------------------------------------------------------- prisonsurvey
def _ours_margins(ctl: dict[str, pd.DataFrame]) -> list[Margin]:
    csl = ctl["country_sex_legal_status"]
    return [
        Margin.from_frame(csl, ["country", "sex"]),
        Margin.from_frame(csl, ["country", "legal_status"]),
        Margin.from_frame(ctl["strata"], ["stratum"], "population"),
    ]


def _ours_spec() -> WeightingSpec:
    return WeightingSpec.model_validate(
        {
            "name": "bench",
            "design": {"strata": "stratum", "psu": "facility_id"},
            "base_weight": {"column": "base_weight"},
            "steps": [
                {
                    "type": "calibration",
                    "method": "raking",
                    "epsilon": EPS,
                    "margins": [
                        {"variables": ["country", "sex"], "controls": "country_sex_legal_status"},
                        {
                            "variables": ["country", "legal_status"],
                            "controls": "country_sex_legal_status",
                        },
                        {"variables": ["stratum"], "controls": "strata", "count": "population"},
                    ],
                }
            ],
            "replicates": {"method": "boot", "replicates": N_REPS, "seed": SEED},
        }
    )


# ---------------------------------------------------------------- peers
def _peer(cmd: list[str], timeout: float) -> dict[str, Any]:
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def _csv(d: pd.DataFrame, folder: Path) -> Path:
    path = folder / "respondents.csv"
    if not path.is_file():
        d.to_csv(path, index=False)
    return path


def _r(d: pd.DataFrame, controls: Path, folder: Path, repeat: int) -> dict[str, Any]:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return {"error": "R not installed"}
    check = subprocess.run([rscript, "-e", "library(survey)"], capture_output=True, check=False)
    if check.returncode != 0:
        return {"error": "R package survey not installed"}
    script = folder / "bench.R"
    script.write_text(R_SCRIPT)
    reprake = os.environ.get("PRISONSURVEY_BENCH_R_REPRAKE", "0")
    return _peer(
        [
            rscript,
            str(script),
            str(_csv(d, folder)),
            str(controls),
            str(N_REPS),
            reprake,
            str(repeat),
        ],
        timeout=3600,
    )


def _svy(d: pd.DataFrame, controls: Path, folder: Path, repeat: int) -> dict[str, Any]:
    python = os.environ.get("PRISONSURVEY_SVY_PYTHON")
    if python is None:
        if importlib.util.find_spec("svy") is None:
            return {"error": "svy not installed"}
        python = sys.executable
    script = folder / "bench_svy.py"
    script.write_text(SVY_SCRIPT)
    reprake = os.environ.get("PRISONSURVEY_BENCH_SVY_REPRAKE", "0")
    return _peer(
        [
            python,
            str(script),
            str(_csv(d, folder)),
            str(controls),
            str(N_REPS),
            reprake,
            str(repeat),
        ],
        timeout=3600,
    )


def _ratio(a: Any, b: float) -> float | None:
    return float(a) / b if isinstance(a, int | float) and b > 0 else None


def main() -> dict[str, Any]:
    n = int(os.environ.get("PRISONSURVEY_BENCH_N", "1000000"))
    repeat = int(os.environ.get("PRISONSURVEY_BENCH_REPEAT", "3"))
    loaded = _data(n)
    if loaded is None:
        return {"error": "gen_data.py not found (set PRISONSURVEY_GEN_DATA)"}
    d, controls_path = loaded
    ctl = load_controls(controls_path)
    margins = _ours_margins(ctl)
    spec = _ours_spec()

    # correctness first: ours equals the floor
    ours = calibrate(d, "base_weight", margins, "raking", epsilon=EPS).weights.to_numpy()
    floor = _floor(d, ctl, with_reps=False)
    agree = float(np.max(np.abs(ours / floor - 1.0)))

    t = {
        "floor_rake": float("inf"),
        "ours_rake": float("inf"),
        "floor_rake_boot": float("inf"),
        "ours_rake_boot": float("inf"),
    }
    for _ in range(repeat):  # interleaved so background load hits all alike
        t["floor_rake"] = min(t["floor_rake"], _best(lambda: _floor(d, ctl, False), 1))
        t["ours_rake"] = min(
            t["ours_rake"],
            _best(lambda: calibrate(d, "base_weight", margins, "raking", epsilon=EPS), 1),
        )
        t["floor_rake_boot"] = min(t["floor_rake_boot"], _best(lambda: _floor(d, ctl, True), 1))
        t["ours_rake_boot"] = min(t["ours_rake_boot"], _best(lambda: apply_spec(d, spec, ctl), 1))
    res = apply_spec(d, spec, ctl)
    assert res.replicates is not None and res.replicates.cell_factors is not None

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        r = _r(d, controls_path, folder, repeat)
        svy = _svy(d, controls_path, folder, repeat)

    out: dict[str, Any] = {
        "respondents": len(d),
        "psus": int(d["facility_id"].nunique()),
        "replicates": N_REPS,
        "max_rel_diff_ours_vs_floor": agree,
        "replicates_not_calibrated": res.diagnostics.replicates["not_calibrated"]
        if res.diagnostics.replicates
        else None,
        "replicate_storage": "factored: psu_factors (P x R) and cell_factors (C x R), no N x R",
        "cpu_seconds": t,
        "ratio_ours_to_floor_rake": t["ours_rake"] / t["floor_rake"],
        "ratio_ours_to_floor_rake_boot": t["ours_rake_boot"] / t["floor_rake_boot"],
        "R": r,
        "svy": svy,
    }
    if "rake" in r:
        out["ratio_R_to_ours_rake"] = _ratio(r["rake"], t["ours_rake"])
        out["ratio_R_boot_build_to_ours_rake_boot"] = _ratio(r["boot"], t["ours_rake_boot"])
        if "rake_boot" in r:
            out["ratio_R_to_ours_rake_boot"] = _ratio(
                float(r["boot"]) + float(r["rake_boot"]), t["ours_rake_boot"]
            )
    if "rake" in svy:
        out["ratio_svy_to_ours_rake"] = _ratio(svy["rake"], t["ours_rake"])
        out["ratio_svy_boot_build_to_ours_rake_boot"] = _ratio(svy["boot"], t["ours_rake_boot"])
        if "rake_boot" in svy:
            out["ratio_svy_to_ours_rake_boot"] = _ratio(
                float(svy["boot"]) + float(svy["rake_boot"]), t["ours_rake_boot"]
            )
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, default=str))
