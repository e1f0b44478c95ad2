"""File-level entry points used by the CLI: read files, run one library function, write files.

Each returns a JSON-ready dictionary (what the command prints with ``--json``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.datafile import read_data_file
from prisonsurvey.errors import InputError, Issue
from prisonsurvey.progress import Progress
from prisonsurvey.weighting import issues
from prisonsurvey.weighting.apply import apply_spec
from prisonsurvey.weighting.loader import load_controls, load_spec
from prisonsurvey.weighting.sampling import select_facilities, select_persons
from prisonsurvey.weighting.sheets import sheet_html
from prisonsurvey.weighting.spec import PersonSamplingSpec


def _in_file(err: InputError, path: Path) -> InputError:
    fixed = [
        dataclasses.replace(i, location=dataclasses.replace(i.location, file=str(path)))
        if not i.location.file and (i.location.row is not None or i.location.column is not None)
        else i
        for i in err.issues
    ]
    return InputError(Issue(i.code, i.message, i.location, i.severity) for i in fixed)


def weight_file(
    data_path: Path,
    spec_path: Path,
    controls_path: Path | None,
    out_path: Path,
    replicates: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Weight a data file as a specification says and write it with weight columns.

    Returns:
        ``{"output", "rows", "weight", "replicates", "diagnostics"}``.
    """
    data = read_data_file(data_path, issues.SPEC_COLUMN)
    return weight_frame(
        data, spec_path, controls_path, out_path, replicates, data_path, progress=progress
    )


def weight_frame(
    data: pd.DataFrame,
    spec_path: Path,
    controls_path: Path | None,
    out_path: Path,
    replicates: str | None = None,
    source: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Weight a table as a specification says and write it with weight columns.

    Args:
        data: One row per sampled unit with the design columns the specification names.
        spec_path: Weighting specification (YAML).
        controls_path: Control totals (JSON), if the specification calibrates.
        out_path: CSV or Parquet file to write.
        replicates: Replicate method replacing the specification's.
        source: File named in row/column locations of problems.
        progress: Called as the steps run (:mod:`prisonsurvey.progress`).

    Returns:
        ``{"output", "rows", "weight", "replicates", "diagnostics"}``.
    """
    spec, doc = load_spec(spec_path)
    controls = load_controls(controls_path) if controls_path is not None else {}
    try:
        result = apply_spec(
            data, spec, controls, replicates=replicates, locate=doc.locate, progress=progress
        )
    except InputError as err:
        raise (_in_file(err, source) if source is not None else err) from None
    out = data.copy()
    out[spec.output.weight] = result.weights.to_numpy()
    if result.replicates is not None:
        reps = result.replicate_frame(spec.output.replicate_prefix)
        out = pd.concat([out, reps], axis=1)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.suffix.lower() in (".parquet", ".pq"):
        out.to_parquet(out_path, index=False)
    else:
        out.to_csv(out_path, index=False, float_format="%.17g")
    return {
        "output": str(out_path),
        "rows": len(out),
        "weight": spec.output.weight,
        "replicates": 0 if result.replicates is None else result.replicates.n_replicates,
        "diagnostics": result.diagnostics.to_dict(),
    }


def sample_facilities_file(
    frame_path: Path, spec_path: Path, out_path: Path, seed: int
) -> dict[str, Any]:
    """Draw the facility sample from a frame file and write the frame with the selection."""
    spec, _ = load_spec(spec_path)
    frame = read_data_file(frame_path, issues.SPEC_COLUMN)
    try:
        sample = select_facilities(frame, spec.sampling.facilities, seed)
    except InputError as err:
        raise _in_file(err, frame_path) from None
    sample.frame.to_csv(out_path, index=False, float_format="%.17g")
    return {
        "output": str(out_path),
        "seed": seed,
        "selected": int(np.sum(sample.frame["selected"])),
        "strata": sample.strata,
    }


def sample_persons_file(
    facility: str,
    roster_count: int,
    take: int | None,
    seed: int,
    out_path: Path,
    html_path: Path | None = None,
    reserve: int | None = None,
    spec_path: Path | None = None,
) -> dict[str, Any]:
    """Write a stage-2 selection sheet as CSV (and optionally printable HTML).

    ``take`` and ``reserve`` default to the specification's ``sampling.persons`` section.
    """
    persons = load_spec(spec_path)[0].sampling.persons if spec_path else PersonSamplingSpec()
    if take is None and spec_path is None:
        issues.fail(issues.ROSTER, "give --take or a --spec with sampling.persons.take")
    sheet = select_persons(
        facility,
        roster_count,
        take if take is not None else persons.take,
        seed,
        reserve if reserve is not None else persons.reserve,
    )
    sheet.lines.to_csv(out_path, index=False)
    if html_path is not None:
        html_path.write_text(sheet_html(sheet), encoding="utf-8")
    return {
        "output": str(out_path),
        "html": str(html_path) if html_path else None,
        **sheet.to_dict(),
    }
