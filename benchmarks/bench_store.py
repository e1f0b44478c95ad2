"""Store-wide commands on a large store: time and peak memory of each whole command.

The example survey (``prisonsurvey demo``: Arcadia's adaptation of the regional inmate
questionnaire, 432 interviews with their rosters) is built once; its store tables are then
copied with DuckDB until the store holds ``BENCH_STORE_N`` respondents (default 20,000; set
``BENCH_STORE_N=1000000`` for a national census). Each copy gets new keys (repeat entries follow
their submission), a new roster line and later source rows, so the copies are new people, not
duplicates. The weights and design files are copied the same way (as Parquet).

Each command runs as ``python -m prisonsurvey ...`` in its own process; its peak memory is the
process's high-water resident set after exec (``VmHWM``, read as it runs; a watchdog stops a
command above ``BENCH_STORE_MAX_GB``, 8 by default, so a run cannot take the shared machine
down). At a million rows the CSV export is left out unless ``BENCH_STORE_CSV=1`` (it is the
slowest); ``BENCH_STORE_ONLY=check,tabulate`` runs only the commands whose name starts with one
of these words. The baseline, measured in the same run,
is DuckDB itself copying the current root table (every column) of the same store to Parquet in
its own process; figures are ratios to it, plus the peak in GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("BENCH_STORE_N", "20000"))
MAX_GB = float(os.environ.get("BENCH_STORE_MAX_GB", "8"))
CSV = N <= 100_000 or os.environ.get("BENCH_STORE_CSV") == "1"
ONLY = tuple(w for w in os.environ.get("BENCH_STORE_ONLY", "").split(",") if w)

_BASELINE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(f"COPY (SELECT * EXCLUDE (_sub_hash, _current, _import_id) FROM {sys.argv[2]} "
            "WHERE _current ORDER BY _import_id, _source_file, _source_row, _key) "
            f"TO '{sys.argv[3]}' (FORMAT parquet)")
"""


def _peak_rss(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 2**20
    return 0.0


def _run(args: list[str]) -> dict[str, object]:
    """Run ``args`` in a process; its seconds and peak resident memory in GB."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    killed = False
    while True:
        pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            # not usage.ru_maxrss: it counts the pages shared with this process before exec
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        peak = max(peak, _peak_rss(proc.pid))
        if peak > MAX_GB and not killed:
            proc.kill()
            killed = True
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    out: dict[str, object] = {"seconds": round(seconds, 2), "peak_gb": round(peak, 2)}
    if killed:
        out["stopped"] = f"above {MAX_GB} GB"
    elif proc.returncode not in (0, 1):
        out["failed"] = err[-2000:]
    return out


def _copy_store(source: Path, target: Path, copies: int) -> None:
    import duckdb

    con = duckdb.connect(str(target))
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    tables = [
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'"
        ).fetchall()
    ]
    for name in tables:
        columns = {
            str(r[0])
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = 'src' AND table_name = ?",
                [name],
            ).fetchall()
        }
        if not name.startswith("resp__"):
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM src.{name}")
            continue
        keyed = [c for c in ("_key", "_parent_key", "_root_key") if c in columns]
        replace = [f"{c} || '~' || c.i AS {c}" for c in keyed]
        replace.append("_source_row + c.i * 1000000 AS _source_row")
        if "roster_line" in columns:
            replace.append("roster_line + c.i * 10000 AS roster_line")
        con.execute(
            f"CREATE TABLE {name} AS SELECT t.* REPLACE ({', '.join(replace)}) "
            f"FROM range({copies}) c(i), src.{name} t ORDER BY c.i, t._source_row"
        )
    con.close()


def _copy_keyed(source: Path, target: Path, copies: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT t.* REPLACE (_key || '~' || c.i AS _key) FROM range({copies}) c(i), "
        f"read_csv('{source}') t ORDER BY c.i) TO '{target}' (FORMAT parquet)"
    )
    con.close()


def _build(work: Path) -> tuple[Path, Path, int]:
    """The example project with its store copied to about ``N`` respondents."""
    from prisonsurvey.demo import run_demo

    demo = work / "demo"
    run_demo(demo)
    project = demo / "project"
    store = project / "data" / "store.duckdb"
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    row = con.execute("SELECT count(*) FROM resp__arcadia_inmate WHERE _current").fetchone()
    con.close()
    base = int(row[0]) if row else 1
    copies = -(-N // base)
    big = project / "data" / "big.duckdb"
    _copy_store(store, big, copies)
    big.replace(store)
    analysis = demo / "analysis"
    _copy_keyed(analysis / "weighted.csv", analysis / "weighted.parquet", copies)
    _copy_keyed(demo / "fieldwork" / "selection.csv", work / "selection.parquet", copies)
    text = (project / "survey.yaml").read_text("utf-8")
    (project / "survey.yaml").write_text(
        text.replace("../analysis/weighted.csv", "../analysis/weighted.parquet"), "utf-8"
    )
    return project, work / "selection.parquet", base * copies


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        project, selection, respondents = _build(work)
        build_s = time.perf_counter() - start
        store = project / "data" / "store.duckdb"
        py = [sys.executable, "-m", "prisonsurvey"]
        base = _run(
            [
                sys.executable,
                "-c",
                _BASELINE,
                str(store),
                "resp__arcadia_inmate",
                str(work / "b.pq"),
            ]
        )
        commands = {
            "check": [*py, "check", "--project", str(project), "-o", str(work / "q.html")],
            "export data --format parquet": [
                *py,
                "export",
                "data",
                "--project",
                str(project),
                "-f",
                "parquet",
                "-o",
                str(work / "out" / "data.parquet"),
            ],
            "export data --format csv": [
                *py,
                "export",
                "data",
                "--project",
                str(project),
                "-f",
                "csv",
                "-o",
                str(work / "out" / "data.csv"),
            ],
            "tabulate --project": [
                *py,
                "tabulate",
                "--project",
                str(project),
                "--by",
                "sex",
                "-o",
                str(work / "tables.xlsx"),
            ],
            "codebook --project": [
                *py,
                "codebook",
                "--project",
                str(project),
                "-o",
                str(work / "codebook.html"),
            ],
            "weight --project": [
                *py,
                "weight",
                "--project",
                str(project),
                "--controls",
                str(project / "controls.json"),
                "--design-data",
                str(selection),
                "-o",
                str(work / "weighted_again.parquet"),
            ],
        }
        if not CSV:  # a long run at a million rows: BENCH_STORE_CSV=1 to include it
            del commands["export data --format csv"]
        if ONLY:
            commands = {k: v for k, v in commands.items() if k.startswith(ONLY)}
        runs: dict[str, object] = {}
        for name, args in commands.items():
            figures = _run(args)
            seconds = float(figures["seconds"])  # type: ignore[arg-type]
            peak = float(figures["peak_gb"])  # type: ignore[arg-type]
            figures["time_ratio_to_baseline"] = round(seconds / float(base["seconds"]), 1)  # type: ignore[arg-type]
            figures["memory_ratio_to_baseline"] = round(peak / float(base["peak_gb"]), 1)  # type: ignore[arg-type]
            runs[name] = figures
            print(name, figures, flush=True)
    return {
        "respondents": respondents,
        "build_seconds": round(build_s, 1),
        "baseline": "DuckDB COPY of the current root table (all columns) to Parquet, own process",
        "baseline_figures": base,
        "commands": runs,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
