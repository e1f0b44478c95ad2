"""Write a release package: the released files, their codebook and DDI, the disclosure report.

Layout of ``OUT/`` (documented in ``docs/release.md``)::

    release.json          every figure, the instrument, the survey and the design columns
    questionnaire.json    the model of the released file (loadable as a questionnaire dump)
    data/{id}.csv|.sav|.dta|.parquet          the root table, named after the instrument id
    data/{id}-{repeat}.csv|.sav|.dta|.parquet  each repeat, linked by _root_key/_parent_key
    codebook.html         the codebook of the released file (with its frequencies)
    ddi.xml               DDI Codebook 2.5 of the released file
    disclosure.html       risk before and after, each step, the utility table (offline)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pandas as pd

from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.ddi import render_ddi
from prisonsurvey.codebook.writers import render_html
from prisonsurvey.project import Project
from prisonsurvey.release.protect import Protected
from prisonsurvey.release.report import render_report
from prisonsurvey.responses import missing_kinds
from prisonsurvey.statfiles.export import FORMATS, Format, export_data


def _design_columns(design: dict[str, Any] | None, data: pd.DataFrame) -> list[str]:
    if design is None:
        return []
    names = [design.get(r) for r in ("weight", "strata", "psu", "fpc")]
    if design.get("replicates"):
        names += design["replicates"]["columns"]
    return [c for c in dict.fromkeys(n for n in names if n) if c in data.columns]


def write_package(
    project: Project,
    result: Protected,
    repeats: dict[str, pd.DataFrame],
    design: dict[str, Any] | None,
    figures: dict[str, Any],
    out: Path,
) -> dict[str, Any]:
    """Write the release package of ``result`` to ``out``; return ``release.json``'s content."""
    q = result.questionnaire
    out.mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    root = result.data.reset_index(drop=True)
    question_names = {x.name for x in q.questions()}
    extra_cols = [c for c in _design_columns(design, root) if c not in question_names]
    keys = set(root["_key"]) if "_key" in root else set()
    tables: dict[str | None, pd.DataFrame] = {None: root}
    for name, frame in repeats.items():
        if not frame.empty:
            link = "_root_key" if "_root_key" in frame else "_parent_key"
            tables[name] = frame.loc[frame[link].isin(keys)] if link in frame else frame
    files: list[str] = []
    for fmt in FORMATS:
        target = out / "data" / f"{q.id}.{fmt}"
        written = export_data(
            q,
            tables,
            target,
            cast(Format, fmt),
            None,
            True,
            root[extra_cols],
            missing_kinds,
        )
        for path in written.files:
            final = path.with_name(path.name.replace("__", "-"))
            if final != path:
                path.replace(final)
            files.append(final.relative_to(out).as_posix())
    (out / "questionnaire.json").write_text(q.model_dump_json(indent=1), "utf-8")
    weights = root[design["weight"]] if design and design["weight"] in root else None
    book = build_codebook(q, q.default_language, root, weights, missing_kinds)
    (out / "codebook.html").write_text(render_html(book), "utf-8")
    (out / "ddi.xml").write_bytes(render_ddi(book))
    cfg = project.config
    if design is not None:
        design = {k: v for k, v in design.items() if k != "spec"}
        if design.get("replicates"):
            design["replicates"] = {**design["replicates"], **_scales(project, root, design)}
    body: dict[str, Any] = {
        "instrument": {"id": q.id, "version": q.version},
        "survey": {"id": cfg.survey.id, "country": cfg.survey.country, "title": cfg.survey.title},
        "design": design,
        "files": sorted(files),
        **figures,
    }
    (out / "release.json").write_text(
        json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8"
    )
    (out / "disclosure.html").write_text(render_report(body), "utf-8")
    return body


def _scales(project: Project, root: pd.DataFrame, design: dict[str, Any]) -> dict[str, Any]:
    """``scale`` and ``rscales`` of the replicate design, as the estimation kernels use them."""
    from prisonsurvey.design.spec import DesignSpec, replicate_multipliers
    from prisonsurvey.estimation.project_tables import TabulateSection

    section = project.section("tabulate", TabulateSection)
    if section is None:
        return {}
    spec = DesignSpec(**{**section.design.model_dump(), "psu": design["psu"]})
    return replicate_multipliers(root, spec)


__all__ = ["write_package"]
