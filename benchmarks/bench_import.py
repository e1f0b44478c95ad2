"""Import speed and memory: ``prisonsurvey import`` of simulated Central exports.

Respondents of the shipped regional inmate questionnaire are simulated and written as an ODK
Central ``submissions.csv.zip`` (root table plus repeat files). The baseline, measured in the
same run on the same files, is DuckDB's own ``read_csv`` of the unzipped CSVs into tables of a
DuckDB file (all columns as text). Each side runs in its own process so peak memory (max RSS)
is comparable.

Set ``BENCH_IMPORT_SIZES`` (e.g. ``100000,1000000``) to choose the sizes; default 100000.
Set ``BENCH_IMPORT_INSTRUMENT=facility-census`` for a narrower form (no repeats), with which a
million records fit in this machine's memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT_ID = os.environ.get("BENCH_IMPORT_INSTRUMENT", "regional-inmate")
INSTRUMENT = ROOT / "questionnaires" / INSTRUMENT_ID / "1.0.0"

_BASELINE = """
import resource, sys, time
from pathlib import Path
import duckdb
t = time.perf_counter()
con = duckdb.connect(str(Path(sys.argv[1]) / "baseline.duckdb"))
for n, path in enumerate(sorted(Path(sys.argv[1]).glob("*.csv"))):
    con.execute(f"CREATE TABLE t{n} AS SELECT * FROM read_csv('{path}', all_varchar = true)")
con.close()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_IMPORT = """
import resource, sys, time
from pathlib import Path
from prisonsurvey.project import Project
from prisonsurvey.responses.importer import import_files
project = Project.open(Path(sys.argv[1]))
project.questionnaire
t = time.perf_counter()
result = import_files(project, [Path(sys.argv[2])])
assert result.new == int(sys.argv[3]) and result.quarantined == 0, result.to_dict()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _run(script: str, *args: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    seconds, rss_kb = out.stdout.split()[-2:]
    return float(seconds), float(rss_kb) / 1024


def measure(n: int, work: Path) -> dict[str, float]:
    from prisonsurvey.project import init_project
    from prisonsurvey.responses.simulate import simulate_export

    project = init_project(
        work / f"p{n}", instrument=f"{INSTRUMENT_ID}@1.0.0", questionnaire_path=str(INSTRUMENT)
    )
    export = work / f"sim{n}.csv.zip"
    t = time.perf_counter()
    simulate_export(project.root, n=n, fmt="central", out=export, seed=1)
    simulate_s = time.perf_counter() - t
    unzipped = work / f"csv{n}"
    with zipfile.ZipFile(export) as zf:
        zf.extractall(unzipped)
    size_mb = sum(p.stat().st_size for p in unzipped.glob("*.csv")) / 2**20
    base_s, base_mb = _run(_BASELINE, str(unzipped))
    imp_s, imp_mb = _run(_IMPORT, str(project.root), str(export), str(n))
    return {
        "respondents": n,
        "csv_mb": round(size_mb, 1),
        "simulate_seconds": round(simulate_s, 1),
        "read_csv_seconds": round(base_s, 2),
        "import_seconds": round(imp_s, 2),
        "import_time_ratio_to_read_csv": round(imp_s / base_s, 2),
        "read_csv_peak_mb": round(base_mb),
        "import_peak_mb": round(imp_mb),
        "import_memory_ratio_to_read_csv": round(imp_mb / base_mb, 2),
    }


def main() -> dict[str, object]:
    sizes = [int(s) for s in os.environ.get("BENCH_IMPORT_SIZES", "100000").split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(n, Path(tmp)) for n in sizes]
    baseline = "DuckDB read_csv of the same unzipped CSV files into a DuckDB file"
    return {"baseline": baseline, "runs": results}


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
