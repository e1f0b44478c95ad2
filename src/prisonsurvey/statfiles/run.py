"""What ``prisonsurvey export data`` runs: from a survey project or from a data file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prisonsurvey.codebook.run import load_any_questionnaire
from prisonsurvey.datafile import read_data_file
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Group, Questionnaire
from prisonsurvey.responses import Store, missing_kinds
from prisonsurvey.statfiles.chunked import EXPORT_CHUNK_ROWS, export_store_data
from prisonsurvey.statfiles.export import ExportResult, Format, export_data

NO_DATA = "STF001"
"""There is nothing to export (no data imported, or neither a project nor a data file)."""
STREAMED = ("csv", "parquet")
"""Formats written chunk by chunk from the store."""


def repeats_of(q: Questionnaire) -> list[str]:
    """Names of every repeat (roster) of the questionnaire, in document order."""
    return [g.name for _, g in q.walk() if isinstance(g, Group) and g.is_repeat]


def export_project_data(
    project_dir: Path,
    output: Path,
    fmt: Format,
    lang: str | None = None,
    include_identifying: bool = False,
    extra: pd.DataFrame | None = None,
    rows: int = EXPORT_CHUNK_ROWS,
) -> ExportResult:
    """Export a project's current responses: root table plus one file per repeat.

    CSV and Parquet files are written from the store ``rows`` rows at a time (bounded memory,
    see :mod:`prisonsurvey.statfiles.chunked`); SPSS and Stata files hold each table whole.

    Raises:
        InputError: The project is invalid or has no data.
    """
    project = Project.open(project_dir)
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        if store.count(q.id) == 0:
            raise InputError(
                Issue(
                    NO_DATA,
                    "the project has no imported responses; run 'prisonsurvey import' first",
                    Location(str(project_dir)),
                )
            )
        if extra is None:
            extra = _project_weights(project, store, q.id)
        if fmt in STREAMED:
            return export_store_data(
                store,
                q,
                [None, *repeats_of(q)],
                output,
                fmt,
                lang,
                include_identifying,
                extra,
                missing_kinds,
                rows,
            )
        tables: dict[str | None, pd.DataFrame] = {None: store.responses(q.id)}
        for repeat in repeats_of(q):
            frame = store.responses(q.id, repeat)
            if not frame.empty:
                tables[repeat] = frame
    return export_data(q, tables, output, fmt, lang, include_identifying, extra, missing_kinds)


def _project_weights(project: Project, store: Store, instrument: str) -> pd.DataFrame | None:
    """Final and replicate weights and design variables named by ``tabulate:``, by row."""
    from prisonsurvey.estimation.project_tables import TabulateSection

    section = project.section("tabulate", TabulateSection)
    if section is None:
        return None
    weights = read_data_file(project.root / section.weights)
    design = section.design
    names = [c for c in (design.weight, design.strata, design.psu, design.fpc) if c]
    if design.repweights:
        names += [c for c in weights.columns if Path(c).match(design.repweights)]
    keep = [c for c in dict.fromkeys(names) if c in weights.columns]
    stored = set(store.columns(instrument))
    root = store.responses(instrument, columns=[section.key])
    joined = root[[section.key]].merge(
        weights[[section.key, *keep]].drop_duplicates(section.key), on=section.key, how="left"
    )
    joined.index = root.index
    out = joined[keep]
    return out.rename(columns={c: f"design_{c}" for c in keep if c in stored})


def export_file_data(
    questionnaire: str | Path,
    data_file: Path,
    output: Path,
    fmt: Format,
    lang: str | None = None,
    include_identifying: bool = False,
) -> ExportResult:
    """Export a typed data file (one column per question) with the questionnaire's labels."""
    q = load_any_questionnaire(questionnaire)
    data = read_data_file(data_file)
    return export_data(q, {None: data}, output, fmt, lang, include_identifying, None, missing_kinds)
