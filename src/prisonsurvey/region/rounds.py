"""Load the national rounds of a programme: microdata, design, questionnaire and adaptation.

A round's ``source`` is either a survey project folder (its store's current responses joined to
the weights its ``tabulate:`` section names) or a release package folder (``release.json``,
``questionnaire.json`` and ``data/{id}.csv`` or ``.parquet``). Either way the round gives one
row per respondent with three normalised design columns, ``_weight``, ``_stratum`` and
``_psu``, on the names and codes of the regional core (carried there through the version
lineage when the round's core version differs).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.adaptation import ComparabilitySummary, load_adapted
from prisonsurvey.datafile import read_data_file
from prisonsurvey.design.spec import DesignSpec, replicate_columns, replicate_multipliers
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.region.model import RoundRef
from prisonsurvey.versions.changes import Change
from prisonsurvey.versions.diff import diff_questionnaires
from prisonsurvey.versions.harmonise import carry_forward

NO_DESIGN = "REG005"
"""A round says nothing of its weights (no ``tabulate:`` section, no design in release.json)."""
NO_DATA = "REG006"
"""A round holds no weighted responses."""

WEIGHT, STRATUM, PSU = "_weight", "_stratum", "_psu"
REPLICATE = "_rep_"
"""Prefix of a round's replicate weight columns, numbered from 1 in the round's order."""


@dataclass(frozen=True, eq=False)
class Round:
    """One national round, ready to harmonise and estimate.

    Attributes:
        ref: Its entry in ``region.yaml``.
        kind: ``project`` or ``release``.
        questionnaire: The questionnaire it fielded (the adapted one).
        data: One row per respondent on the core's names, with ``_weight``, ``_stratum``
            and ``_psu``.
        design: How its design was declared (the column names and counts).
        summary: The comparability summary of its adaptation, when known.
        changes: Every change from the regional core to the fielded questionnaire.
        base_version: The core version the adaptation was built on.
        replicates: How its replicate weights (columns ``_rep_1``, ``_rep_2``, ...) are read,
            when it carries any: ``type`` and optionally ``mse``, ``scale``, ``rscales``.
        fieldwork: First and last interview date its release package states (empty strings
            when it states none).
    """

    ref: RoundRef
    kind: str
    questionnaire: Questionnaire
    data: pd.DataFrame
    design: dict[str, Any]
    summary: ComparabilitySummary | None
    changes: tuple[Change, ...]
    base_version: str
    replicates: dict[str, Any] | None = None
    fieldwork: tuple[str, str] = ("", "")


def _codes(column: pd.Series) -> pd.Series:
    """Design codes as text, whole numbers stored as floats written as integers.

    A package's .parquet, .sav or .dta file stores facility codes as floats: ``2001``, not
    ``2001.0``.
    """
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=np.float64)
        if np.isfinite(values).all() and (values == np.round(values)).all():
            return column.astype(np.int64).astype(str)
    return column.astype(str)


def _normalise(
    data: pd.DataFrame,
    weight: str,
    strata: str | None,
    psu: str | None,
    where: str,
    replicates: Sequence[str] = (),
) -> pd.DataFrame:
    if weight not in data.columns:
        raise InputError(
            Issue(NO_DESIGN, f"weight column '{weight}' is not in the data", Location(where))
        )
    out = data.copy()
    for k, name in enumerate(replicates, start=1):
        out[f"{REPLICATE}{k}"] = pd.to_numeric(out[name], errors="coerce")
    out[WEIGHT] = pd.to_numeric(out[weight], errors="coerce")
    out = out.loc[out[WEIGHT].notna() & (out[WEIGHT] > 0)].reset_index(drop=True)
    out[STRATUM] = _codes(out[strata]) if strata and strata in out else "1"
    out[PSU] = _codes(out[psu]) if psu and psu in out else out.index.astype(str)
    if out.empty:
        raise InputError(
            Issue(NO_DATA, "the round has no response with a weight above 0", Location(where))
        )
    return out


def _project_round(
    ref: RoundRef, root: Path
) -> tuple[Questionnaire, pd.DataFrame, dict[str, Any], Path | None]:
    from prisonsurvey.estimation.project_tables import TabulateSection
    from prisonsurvey.responses import Store

    project = Project.open(root)
    where = str(root / "survey.yaml")
    section = project.section("tabulate", TabulateSection)
    if section is None:
        raise InputError(
            Issue(
                NO_DESIGN,
                f"round {ref.country}: survey.yaml has no 'tabulate:' section naming the weights; "
                "run 'prisonsurvey weight' and add it",
                Location(where),
            )
        )
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        responses = store.responses(q.id)
    weights = read_data_file(project.root / section.weights)
    d = section.design
    spec = DesignSpec(weight=d.weight, repweights=d.repweights, reptype=d.reptype)
    reps = replicate_columns(spec, list(weights.columns))
    named = [section.key, d.weight, d.strata, d.psu, d.fpc, *reps]
    cols = [c for c in dict.fromkeys(named) if c and c in weights.columns]
    data = responses.drop(columns=[c for c in cols[1:] if c in responses.columns]).merge(
        weights[cols].drop_duplicates(section.key), on=section.key, how="inner"
    )
    design: dict[str, Any] = {
        "weight": d.weight,
        "strata": d.strata,
        "psu": d.psu,
        "replicates": d.reptype if reps else None,
    }
    normalised = _normalise(data, d.weight, d.strata, d.psu, where, reps)
    if reps:
        # the multipliers of the project's whole design (its fpc too), as a release package
        # of the project states them
        full = DesignSpec(**{**d.model_dump(), "repweights": f"{REPLICATE}*"})
        spec = replace(full, weight=WEIGHT, strata=STRATUM, psu=PSU)
        design["replicate_spec"] = {
            "type": d.reptype,
            "fay_rho": d.fay_rho,
            **replicate_multipliers(normalised, spec, str(project.root / section.weights)),
        }
    adaptation = project.root / project.config.adaptation if project.config.adaptation else None
    return q, normalised, design, adaptation


def _release_round(
    ref: RoundRef, root: Path, base: Path
) -> tuple[Questionnaire, pd.DataFrame, dict[str, Any], Path | None]:
    where = str(root / "release.json")
    body = json.loads((root / "release.json").read_text("utf-8"))
    q = Questionnaire.model_validate_json((root / "questionnaire.json").read_text("utf-8"))
    design = body.get("design") or {}
    if not design.get("weight"):
        raise InputError(
            Issue(
                NO_DESIGN,
                f"round {ref.country}: the release package has no weight; release it from a "
                "project whose tabulate: section names the weights",
                Location(where),
            )
        )
    data_file = next(
        (
            root / "data" / f"{q.id}.{ext}"
            for ext in ("parquet", "csv")
            if (root / "data" / f"{q.id}.{ext}").is_file()
        ),
        None,
    )
    if data_file is None:
        raise InputError(
            Issue(NO_DATA, f"no data/{q.id}.csv or .parquet in the package", Location(where))
        )
    data = read_data_file(data_file)
    psu = "design_psu" if "design_psu" in data else design.get("psu")
    adaptation = base / ref.adaptation if ref.adaptation else None
    given = design.get("replicates") or {}
    reps = [c for c in given.get("columns", ()) if c in data.columns]
    info: dict[str, Any] = {
        "weight": design["weight"],
        "strata": design.get("strata"),
        "psu": psu,
        "replicates": given.get("type") if reps else None,
    }
    if reps:
        info["replicate_spec"] = {
            k: given[k] for k in ("type", "mse", "scale", "rscales", "fay_rho") if k in given
        }
    period = body.get("fieldwork") or {}
    info["fieldwork"] = (str(period.get("start") or ""), str(period.get("end") or ""))
    normalised = _normalise(data, design["weight"], design.get("strata"), psu, where, reps)
    return q, normalised, info, adaptation


def load_round(ref: RoundRef, base: Path, core: Questionnaire) -> Round:
    """Load one round named in ``region.yaml``.

    Args:
        ref: The round's entry.
        base: The programme folder (paths are relative to it).
        core: The regional core questionnaire.

    Raises:
        InputError: The project or package is invalid, has no design or no weighted data.
    """
    root = base / ref.source
    if (root / "survey.yaml").is_file():
        kind = "project"
        q, data, design, adaptation = _project_round(ref, root)
    else:
        kind = "release"
        q, data, design, adaptation = _release_round(ref, root, base)
    summary: ComparabilitySummary | None = None
    base_core = core
    if adaptation is not None:
        adapted = load_adapted(adaptation)
        if adapted.questionnaire is None:
            raise InputError(adapted.issues.errors)
        summary = adapted.comparability
        if adapted.core is not None:
            base_core = adapted.core
    if base_core.version != core.version:
        data = carry_forward(data, [base_core, core])
    changes = tuple(diff_questionnaires(core, q).changes)
    replicates = design.pop("replicate_spec", None)
    fieldwork = design.pop("fieldwork", ("", ""))
    design = {
        **design,
        "strata_count": int(data[STRATUM].nunique()),
        "psu_count": int(data[PSU].nunique()),
        "respondents": len(data),
        "weighted": float(np.sum(data[WEIGHT])),
    }
    return Round(
        ref, kind, q, data, design, summary, changes, base_core.version, replicates, fieldwork
    )
