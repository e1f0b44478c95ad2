"""What ``prisonsurvey release`` runs: from a survey project to a release package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.datafile import read_data_file
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.release.package import write_package
from prisonsurvey.release.protect import Protected, protect
from prisonsurvey.release.risk import l_diversity_summary, measure_risk, outlier_share
from prisonsurvey.release.spec import ReleaseSection
from prisonsurvey.release.utility import utility_table
from prisonsurvey.responses import Store
from prisonsurvey.statfiles.run import repeats_of

NO_DATA = "REL001"
"""The project has no imported responses to release."""


def _design(project: Project, root: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The root table joined to its weights and design columns, and the design's description."""
    from prisonsurvey.estimation.project_tables import TabulateSection

    section = project.section("tabulate", TabulateSection)
    if section is None:
        return root, None
    weights = read_data_file(project.root / section.weights)
    d = section.design
    reps = [c for c in weights.columns if Path(c).match(d.repweights)] if d.repweights else []
    named = [c for c in (d.weight, d.strata, d.psu, d.fpc) if c]
    keep = [c for c in dict.fromkeys([*named, *reps]) if c in weights.columns]
    joined = root.drop(columns=[c for c in keep if c in root.columns]).merge(
        weights[[section.key, *keep]].drop_duplicates(section.key), on=section.key, how="left"
    )
    joined.index = root.index
    design: dict[str, Any] = {
        "strata": d.strata,
        "psu": d.psu,
        "weight": d.weight,
        "fpc": d.fpc,
        "replicates": None,
        "spec": d.model_dump(),
    }
    if reps:
        design["replicates"] = {"type": d.reptype, "columns": reps, "mse": d.mse}
    return joined, design


def _pseudo_psu(data: pd.DataFrame, psu: str | None, seed: int) -> pd.DataFrame:
    """Replace PSU identifiers (facility codes) by random numbers 1..P."""
    if psu is None or psu not in data.columns:
        return data
    values = pd.Series(pd.unique(data[psu].dropna()))
    order = np.random.default_rng(seed).permutation(len(values)) + 1
    mapping = dict(zip(values, order, strict=True))
    out = data.copy()
    out["design_psu"] = data[psu].map(mapping).astype("Int64")
    return out


def release_project(project_dir: Path, out: Path, as_dict: bool = True) -> dict[str, Any]:
    """Protect the project's responses and write the release package to ``out``.

    Raises:
        InputError: The project is invalid or holds no responses.
    """
    project = Project.open(project_dir)
    spec = project.section("release", ReleaseSection) or ReleaseSection()
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        root = store.responses(q.id)
        repeats = {r: store.responses(q.id, r) for r in repeats_of(q)}
    if root.empty:
        raise InputError(
            Issue(
                NO_DATA,
                "the project has no imported responses; run 'prisonsurvey import' first",
                Location(str(project_dir)),
            )
        )
    data, design = _design(project, root)
    roles = {} if design is None else {k: v for k, v in design.items() if isinstance(v, str)}
    weight = None
    if design is not None:
        # records with no weight (non-respondents) carry no answers worth releasing
        w = pd.to_numeric(data[design["weight"]], errors="coerce")
        data = data.loc[w > 0]
        weight = w.loc[data.index].to_numpy(dtype=float)
    if design is not None and design["psu"] is not None:
        data = _pseudo_psu(data, design["psu"], spec.seed)
    result: Protected = protect(q, data, spec, roles)
    if design is not None and design["psu"] is not None:
        if design["psu"] not in {x.name for x in result.questionnaire.questions()}:
            result.data = result.data.drop(columns=[design["psu"]], errors="ignore")
        design["psu"] = "design_psu"
    keys = result.keys
    before = measure_risk(data, keys, weight, spec.threshold)
    after = measure_risk(result.data, keys, weight, spec.threshold)
    utility = utility_table(project, data, result)
    figures: dict[str, Any] = {
        "k": spec.k,
        "keys": keys,
        "continuous_keys": result.continuous,
        "risk_before": before.to_dict(),
        "risk_after": after.to_dict(),
        "outliers": {
            c: {"before": outlier_share(data[c]), "after": outlier_share(result.data[c])}
            for c in result.continuous
        },
        "sensitive": result.sensitive,
        "l_diversity": {
            name: {
                "before": l_diversity_summary(data, keys, name),
                "after": l_diversity_summary(result.data, keys, name),
            }
            for name in result.sensitive
        },
        "steps": result.steps,
        "suppressed": result.suppressed,
        "left_out": result.left_out,
        "included": result.included,
        "records": len(result.data),
        "records_changed": int(
            (
                data[keys].astype(object).fillna("\0")
                != result.data[keys].astype(object).fillna("\0")
            )
            .any(axis=1)
            .sum()
        )
        if keys
        else 0,
        "utility": utility,
    }
    return write_package(project, result, repeats, design, figures, out)


__all__ = ["NO_DATA", "release_project"]
