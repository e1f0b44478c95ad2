"""Import speed and memory: ``prisonsurvey import`` of simulated Central exports.

Respondents of the shipped regional inmate questionnaire are simulated and written as an ODK
Central ``submissions.csv.zip`` (root table plus the ``children`` and ``offences`` repeat
files). Large exports are made fast: one block of :data:`BLOCK` respondents is simulated, and
copies of it with new submission keys (``uuid:`` becomes ``uuid:{copy}-``) are appended until
the size is reached; the exports are cached under ``/tmp/prisonsurvey-bench-import``.

The baseline, measured in the same run on the same files, is DuckDB's own ``read_csv`` of the
unzipped CSVs into tables of a DuckDB file (all columns as text). Each side runs in its own
process so peak memory (max RSS) is comparable.

Set ``BENCH_IMPORT_N`` (e.g. ``100000,1000000``) to choose the sizes; default 100000. Each run
says whether the import met its targets: at most :data:`TIME_RATIO_TARGET` times the time of
``read_csv`` and a peak memory under :data:`PEAK_GB_TARGET`.
Set ``BENCH_IMPORT_INSTRUMENT=facility-census`` for a narrower form (no repeats).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT_ID = os.environ.get("BENCH_IMPORT_INSTRUMENT", "regional-inmate")
INSTRUMENT = ROOT / "questionnaires" / INSTRUMENT_ID / "1.0.0"
CACHE = Path(tempfile.gettempdir()) / "prisonsurvey-bench-import"
BLOCK = 50_000
"""Respondents simulated once; larger exports repeat them under new keys."""

TIME_RATIO_TARGET = 2.0
PEAK_GB_TARGET = 1.5

_BASELINE = """
import resource, sys, time
from pathlib import Path
import duckdb
t = time.perf_counter()
con = duckdb.connect(str(Path(sys.argv[2]) / "baseline.duckdb"))
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
    return float(seconds), float(rss_kb) / 2**20


def _new_project(path: Path) -> Path:
    from prisonsurvey.project import init_project

    shutil.rmtree(path, ignore_errors=True)
    project = init_project(
        path, instrument=f"{INSTRUMENT_ID}@1.0.0", questionnaire_path=str(INSTRUMENT)
    )
    return project.root


def make_export(n: int) -> tuple[Path, Path, float]:
    """The cached export of ``n`` respondents (zip) and its unzipped CSVs; seconds to make."""
    from prisonsurvey.responses.simulate import simulate_export

    CACHE.mkdir(parents=True, exist_ok=True)
    export = CACHE / f"{INSTRUMENT_ID}-{n}.csv.zip"
    unzipped = CACHE / f"{INSTRUMENT_ID}-{n}"
    t = time.perf_counter()
    if not export.exists():
        block = min(n, BLOCK)
        source = CACHE / f"{INSTRUMENT_ID}-block{block}.csv.zip"
        if not source.exists():
            simulate_export(_new_project(CACHE / "sim"), n=block, fmt="central", out=source, seed=1)
        if block == n:
            shutil.copyfile(source, export)
        else:
            _repeat_block(source, export, n, block)
    if not unzipped.exists():
        with zipfile.ZipFile(export) as zf:
            zf.extractall(unzipped)
    return export, unzipped, time.perf_counter() - t


def _repeat_block(source: Path, export: Path, n: int, block: int) -> None:
    """Write ``n`` respondents as copies of the ``block`` in ``source`` with new keys."""
    if n % block:
        raise ValueError(f"sizes above {block} must be multiples of it")
    copies = n // block
    partial = export.with_suffix(".part")
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for name in zin.namelist():
            text = zin.read(name)
            head, _, body = text.partition(b"\n")
            with zout.open(name, "w", force_zip64=True) as out:
                out.write(head + b"\n")
                for j in range(copies):
                    out.write(body if j == 0 else body.replace(b"uuid:", b"uuid:%d-" % j))
    partial.rename(export)


def measure(n: int, work: Path) -> dict[str, float]:
    """Import ``n`` respondents and read the same CSVs with DuckDB, each in its own process."""
    export, unzipped, make_s = make_export(n)
    size_mb = sum(p.stat().st_size for p in unzipped.glob("*.csv")) / 2**20
    base_dir = work / f"base{n}"
    base_dir.mkdir()
    base_s, base_gb = _run(_BASELINE, str(unzipped), str(base_dir))
    shutil.rmtree(base_dir)
    project = _new_project(work / f"p{n}")
    imp_s, imp_gb = _run(_IMPORT, str(project), str(export), str(n))
    shutil.rmtree(project)
    ratio = imp_s / base_s
    return {
        "respondents": n,
        "csv_mb": round(size_mb, 1),
        "make_export_seconds": round(make_s, 1),
        "read_csv_seconds": round(base_s, 2),
        "import_seconds": round(imp_s, 2),
        "import_time_ratio_to_read_csv": round(ratio, 2),
        "read_csv_peak_gb": round(base_gb, 2),
        "import_peak_gb": round(imp_gb, 2),
        "import_memory_ratio_to_read_csv": round(imp_gb / base_gb, 2),
        "time_target_met": ratio <= TIME_RATIO_TARGET,
        "memory_target_met": imp_gb < PEAK_GB_TARGET,
    }


def main() -> dict[str, object]:
    sizes = [int(s) for s in os.environ.get("BENCH_IMPORT_N", "100000").split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(n, Path(tmp)) for n in sizes]
    baseline = "DuckDB read_csv of the same unzipped CSV files into a DuckDB file"
    targets = {"time_ratio_at_most": TIME_RATIO_TARGET, "peak_gb_under": PEAK_GB_TARGET}
    return {"baseline": baseline, "targets": targets, "runs": results}


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
