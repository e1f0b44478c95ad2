"""Whole-process ``prisonsurvey tabulate``: 1 variable by country x sex, and CLI start-up.

Data: ``gen_data.py`` respondents (``BENCH_TABULATE_N``, default 20000; set 1000000 for the
census-scale figure). Measured in the same run, each the min of ``ROUNDS`` runs:

* start-up: ``python -c pass``; ``prisonsurvey --version`` and ``--help`` as ratios to it, and
  ``python -c "import numpy"`` (what any numpy program pays before its first line);
* ``prisonsurvey tabulate DATA --vars paid_bribe --by country,sex`` (stratified cluster design)
  as a whole process, from Parquet and from CSV;
* the floor: in-process, read the six columns with pyarrow, factorize with Arrow dictionary
  encoding and do the bincount estimation (means and linearised SEs), plus the numpy start-up;
  once from Parquet (the floor of both files) and once from the CSV (the CSV floor: read with
  ``pyarrow.csv``, ``include_columns`` and the columns' types given, text straight into
  dictionaries, no inference);
* where the whole process spends its imports: ``python -X importtime`` of the Parquet run,
  seconds by top-level package (each module's own import time: pandas, numpy, pyarrow, ...);
* R ``survey``: ``svyby(~paid_bribe, ~country+sex, design, svymean)`` as a whole ``Rscript``
  process reading the same CSV (skipped when Rscript or the survey package is absent, or with
  ``BENCH_TABULATE_R=0``).
"""

from __future__ import annotations

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

HERE = Path(__file__).resolve().parent
N = int(os.environ.get("BENCH_TABULATE_N", "20000"))
ROUNDS = 3 if N <= 100_000 else 2
GEN = ["--tag", "tab", "--no-csv"]
COLS = ["country", "sex", "stratum", "facility_id", "base_weight", "paid_bribe"]
TEXT = ("country", "sex", "stratum")
R_SCRIPT = """
suppressMessages(library(survey))
df <- read.csv(commandArgs(TRUE)[1])
d <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE,
               data = df)
print(svyby(~paid_bribe, ~country + sex, d, svymean, na.rm = TRUE))
"""


def _best(cmd: list[str]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def _imports(cmd: list[str]) -> dict[str, float]:
    """Import seconds of ``cmd`` by top-level package (each module's own time, largest first)."""
    err = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], check=True, capture_output=True, text=True
    ).stderr
    totals: dict[str, float] = {}
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        top = parts[2].strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(parts[0]) / 1e6
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return {k: round(v, 3) for k, v in ranked if v >= 0.005}


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=COLS)


def _read_csv(path: Path) -> Any:
    """The six columns of the CSV, the fastest way pyarrow reads them (types known)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {name: pa.dictionary(pa.int32(), pa.string()) for name in TEXT}
    types |= {"facility_id": pa.int64(), "base_weight": pa.float64(), "paid_bribe": pa.int64()}
    convert = pacsv.ConvertOptions(include_columns=COLS, column_types=types)
    return pacsv.read_csv(path, convert_options=convert)


def _floor(path: Path, read: Callable[[Path], Any]) -> float:
    """Read, factorize and estimate in-process: the least a whole command must do."""
    import pyarrow.compute as pc
    import pyarrow.types as pat

    best = float("inf")
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        t = read(path)

        def codes(name: str, t: Any = t) -> np.ndarray:
            col = t[name]
            if pat.is_dictionary(col.type):
                enc = col.unify_dictionaries().combine_chunks()
            else:
                enc = pc.dictionary_encode(col).combine_chunks()
            return np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)

        stratum, cell = codes("stratum"), codes("country") * 2 + codes("sex")
        fac = t["facility_id"].to_numpy()
        psu = np.unique(stratum * 10**9 + fac, return_inverse=True)[1].reshape(-1)
        psu_stratum = np.zeros(psu.max() + 1, dtype=np.int64)
        psu_stratum[psu] = stratum
        w = t["base_weight"].to_numpy()
        y = t["paid_bribe"].to_numpy(zero_copy_only=False).astype(np.float64)
        m = ~np.isnan(y)
        c, p = int(cell.max()) + 1, int(psu.max()) + 1
        key = psu * c + cell
        a = np.bincount(key, np.where(m, w * y, 0), p * c).reshape(p, c)
        b = np.bincount(key, w * m, p * c).reshape(p, c)
        mean = a.sum(0) / b.sum(0)
        z = (a - mean * b) / b.sum(0)
        n_h = np.bincount(psu_stratum).astype(np.float64)
        zh = np.zeros((n_h.size, c))
        np.add.at(zh, psu_stratum, z)
        d = z - (zh / n_h[:, None])[psu_stratum]
        ss = np.zeros((n_h.size, c))
        np.add.at(ss, psu_stratum, d * d)
        np.sqrt((ss * (n_h / (n_h - 1))[:, None]).sum(0))
        best = min(best, time.perf_counter() - t0)
    return best


def _r(csv: Path, tmp: Path) -> float | str:
    if os.environ.get("BENCH_TABULATE_R", "1") == "0":
        return "skipped"
    if shutil.which("Rscript") is None:
        return "R not installed"
    if subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True).returncode:
        return "R survey package not installed"
    script = tmp / "svyby.R"
    script.write_text(R_SCRIPT)
    return _best(["Rscript", str(script), str(csv)])


def main() -> dict[str, Any]:
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    exe = [sys.executable, "-m", "prisonsurvey"]
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        subprocess.run(
            [sys.executable, str(HERE / "gen_data.py"), "--n", str(N), "--out", str(tmp), *GEN],
            check=True,
            capture_output=True,
        )
        table = pq.read_table(tmp / "prison_survey_tab.parquet")
        table = table.filter(pc.equal(table["responded"], 1))
        parquet, csv = tmp / "resp.parquet", tmp / "resp.csv"
        pq.write_table(table, parquet)
        pacsv.write_csv(table, csv)
        start = _best([sys.executable, "-c", "pass"])
        numpy_start = _best([sys.executable, "-c", "import numpy"])
        version = _best([*exe, "--version"])
        helps = _best([*exe, "--help"])
        design = ["--weight", "base_weight", "--strata", "stratum", "--psu", "facility_id"]
        request = [*design, "--vars", "paid_bribe", "--by", "country,sex"]
        ours_pq = _best([*exe, "tabulate", str(parquet), *request])
        ours_csv = _best([*exe, "tabulate", str(csv), *request])
        imports = _imports([*exe, "tabulate", str(parquet), *request])
        floor = _floor(parquet, _read_parquet)
        csv_floor = _floor(csv, _read_csv)
        r_sec = _r(csv, tmp)
    result: dict[str, Any] = {
        "respondents": table.num_rows,
        "seconds_python_start": round(start, 4),
        "version_vs_python_start": round(version / start, 1),
        "help_vs_python_start": round(helps / start, 1),
        "seconds_version": round(version, 3),
        "seconds_help": round(helps, 3),
        "seconds_tabulate_parquet": round(ours_pq, 3),
        "seconds_tabulate_csv": round(ours_csv, 3),
        "seconds_numpy_start": round(numpy_start, 4),
        "seconds_floor_in_process": round(floor, 4),
        "seconds_csv_floor_in_process": round(csv_floor, 4),
        "tabulate_parquet_vs_floor_plus_numpy_start": round(ours_pq / (floor + numpy_start), 2),
        "tabulate_csv_vs_floor_plus_numpy_start": round(ours_csv / (floor + numpy_start), 2),
        "tabulate_csv_vs_csv_floor_plus_numpy_start": round(
            ours_csv / (csv_floor + numpy_start), 2
        ),
        "import_seconds_by_package": imports,
    }
    if isinstance(r_sec, float):
        result["seconds_r_svyby_whole_process"] = round(r_sec, 3)
        result["r_vs_tabulate_parquet"] = round(r_sec / ours_pq, 1)
        result["r_vs_tabulate_csv"] = round(r_sec / ours_csv, 1)
    else:
        result["r_svyby"] = r_sec
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
