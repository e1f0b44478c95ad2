"""Write a release package: the released files, their codebook and DDI, the disclosure report.

Layout of ``OUT/`` (documented in ``docs/release.md``)::

    release.json          every figure, the instrument, the survey and the design columns
    questionnaire.json    the model of the released file (loadable as a questionnaire dump)
    data/{id}.csv|.sav|.dta|.parquet          the root table, named after the instrument id
    data/{id}-{repeat}.csv|.sav|.dta|.parquet  each repeat, linked by _root_key/_parent_key
    codebook.html         the codebook of the released file (with its frequencies)
    ddi.xml               DDI Codebook 2.5 of the released file
    disclosure.html       risk before and after, each step, the utility table (offline)

:func:`write_release` writes every file but the disclosure report (the package format, in this
one place); :func:`write_package` adds the report of the protection ``prisonsurvey release``
applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pandas as pd

from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.ddi import render_ddi
from prisonsurvey.codebook.writers import render_html
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.release.protect import Protected
from prisonsurvey.release.report import render_report
from prisonsurvey.responses import missing_kinds
from prisonsurvey.responses.fieldwork import fieldwork_period
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
    """Write the release package of ``result`` to ``out``; return ``release.json``'s content.

    The package of :func:`write_release`, its design's replicate multipliers taken from the
    project's ``tabulate:`` section, and the disclosure report of ``figures``.
    """
    cfg = project.config
    if design is not None:
        design = {k: v for k, v in design.items() if k != "spec"}
        if design.get("replicates"):
            root = result.data.reset_index(drop=True)
            design["replicates"] = {**design["replicates"], **_scales(project, root, design)}
    survey = {"id": cfg.survey.id, "country": cfg.survey.country, "title": cfg.survey.title}
    body = write_release(result.questionnaire, result.data, repeats, design, survey, figures, out)
    (out / "disclosure.html").write_text(render_report(body), "utf-8")
    return body


def write_release(
    q: Questionnaire,
    data: pd.DataFrame,
    repeats: Mapping[str, pd.DataFrame],
    design: dict[str, Any] | None,
    survey: Mapping[str, Any],
    figures: Mapping[str, Any],
    out: Path,
) -> dict[str, Any]:
    """Write the files of a release package (all but the disclosure report) to ``out``.

    Args:
        q: The questionnaire of the released file.
        data: The released root table, with the design's columns.
        repeats: The released repeat tables by name (rows of released records only are kept).
        design: ``strata``, ``psu``, ``weight``, ``fpc`` and ``replicates`` (``type``,
            ``columns``, ``scale``, ``rscales``, ``mse``) naming the design's columns, or
            ``None`` for a file without weights.
        survey: ``id``, ``country`` and ``title`` of the survey.
        figures: Everything else ``release.json`` states (the disclosure figures).
        out: The package folder (created).

    Returns:
        ``release.json``'s content (with the ``fieldwork`` period of the interviews when
        ``data`` dates them, the dates themselves not being released).
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    root = data.reset_index(drop=True)
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
    start, end = fieldwork_period(root)
    body: dict[str, Any] = {
        "instrument": {"id": q.id, "version": q.version},
        "survey": dict(survey),
        **({"fieldwork": {"start": start, "end": end}} if start else {}),
        "design": design,
        "files": sorted(files),
        **figures,
    }
    (out / "release.json").write_text(
        json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8"
    )
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


__all__ = ["write_package", "write_release"]
