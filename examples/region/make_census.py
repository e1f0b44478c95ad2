"""Generate the facility censuses of Lusitania and Borealia (``*/census_2025.csv``).

The same generator as Arcadia's (``examples/country/make_census.py``), run on each country's
facility frame (``*/facilities.csv``) with its own seed: the stock of each facility is the
frame's population and its capacity the frame's official capacity, so Lusitania's census shows
its overcrowded remand prisons and Borealia's its facilities below capacity. Deterministic:
running it again writes the same files.

Usage: python examples/region/make_census.py
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEEDS = {"lusitania": 2025, "borealia": 2026}


def _generator():  # type: ignore[no-untyped-def]
    path = HERE.parent / "country" / "make_census.py"
    spec = importlib.util.spec_from_file_location("make_census", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> list[Path]:
    """Write each country's census_2025.csv and return the paths."""
    generator = _generator()
    written = []
    for country, seed in SEEDS.items():
        rng = np.random.default_rng(seed)
        with (HERE / country / "facilities.csv").open(encoding="utf-8") as fh:
            frame = list(csv.DictReader(fh))
        rows = [generator.facility_row(rng, f) for f in frame]
        out = HERE / country / "census_2025.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        written.append(out)
    return written


if __name__ == "__main__":
    main()
