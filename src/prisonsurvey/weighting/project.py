"""Weight a survey project: its stored responses, its frame and its weighting specification.

``survey.yaml`` names the specification (``weighting:``) and the facility frame or sample
(``frame:``, one row per facility with the columns the specification uses, such as the stratum,
``pi_facility`` and the population). The frame is joined to the responses by the ``facility``
question; person-level design columns that are not answers (``pi_inmate`` from the selection
sheets, sex and legal status from the roster, the response flag) come in a design file keyed by
``_key``. The weighted table is written where ``tabulate:`` reads it (``tabulate.weights``), so
``prisonsurvey tabulate --project`` and ``prisonsurvey export data --project`` use it.

Only the columns the specification reads (:func:`spec_columns`), ``_key`` and ``facility`` are
read from the store, so the weighted table holds the key, the design columns and the weights
(the answers stay in the store: tabulate and export join them by ``_key``), and memory does not
grow with the width of the questionnaire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from prisonsurvey.datafile import read_data_file
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.responses import Store
from prisonsurvey.weighting.jobs import weight_frame
from prisonsurvey.weighting.loader import load_spec
from prisonsurvey.weighting.spec import (
    CalibrationStep,
    EligibilityStep,
    NonresponseStep,
    WeightingSpec,
)


class _WeightsFile(BaseModel):
    """The one key of ``tabulate:`` weighting needs: where the weighted table goes."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    weights: str


NO_SPEC = "WGT050"
"""survey.yaml names no weighting specification."""
NO_DATA = "WGT051"
"""The project's store holds no responses."""
FACILITY_COLUMN = "facility"
DEFAULT_OUTPUT = Path("analysis") / "weighted.csv"


def spec_columns(spec: WeightingSpec) -> list[str]:
    """Every column a weighting specification reads: design, base weight, steps' columns."""
    names: list[str | None] = [spec.design.strata, spec.design.psu, spec.design.fpc]
    names += [spec.base_weight.column, *spec.base_weight.probabilities]
    for step in spec.steps:
        if isinstance(step, EligibilityStep):
            names += [step.status, *step.classes]
        elif isinstance(step, NonresponseStep):
            names += [step.responded, *step.classes, step.unit, step.unit_probability]
        elif isinstance(step, CalibrationStep):
            names += [v for margin in step.margins for v in margin.variables]
    return [n for n in dict.fromkeys(names) if n is not None]


def weight_project(
    project_dir: Path,
    controls: Path | None = None,
    design_data: Path | None = None,
    output: Path | None = None,
    replicates: str | None = None,
) -> dict[str, Any]:
    """Weight the project's responses and write the weighted table.

    Args:
        project_dir: The survey project.
        controls: Control totals (JSON) for calibration.
        design_data: Person-level design columns keyed by ``_key`` (CSV/Parquet/...).
        output: Where to write; default ``tabulate.weights`` of survey.yaml, else
            ``analysis/weighted.csv`` in the project.
        replicates: Replicate method replacing the specification's.

    Raises:
        InputError: No specification, no responses, unreadable files or a failing chain.
    """
    project = Project.open(project_dir)
    where = Location(str(project.root / "survey.yaml"))
    if project.config.weighting is None:
        raise InputError(
            Issue(NO_SPEC, "survey.yaml has no 'weighting:' specification file; add one", where)
        )
    spec_path = project.root / project.config.weighting
    spec, _ = load_spec(spec_path)
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        data = store.responses(q.id, columns=["_key", FACILITY_COLUMN, *spec_columns(spec)])
    if data.empty:
        raise InputError(
            Issue(NO_DATA, "no responses imported yet; run 'prisonsurvey import' first", where)
        )
    if project.config.frame is not None and FACILITY_COLUMN in data.columns:
        frame = read_data_file(project.root / project.config.frame)
        sampling = spec.sampling.facilities if spec.sampling is not None else None
        key = sampling.id if sampling is not None and sampling.id in frame.columns else "code"
        extra = [c for c in frame.columns if c not in data.columns or c == key]
        facility_codes = frame[extra].rename(columns={key: FACILITY_COLUMN})
        facility_codes[FACILITY_COLUMN] = facility_codes[FACILITY_COLUMN].astype(str)
        data = data.assign(**{FACILITY_COLUMN: data[FACILITY_COLUMN].astype(str)}).merge(
            facility_codes, on=FACILITY_COLUMN, how="left"
        )
    if design_data is not None:
        persons = read_data_file(design_data)
        keep = ["_key", *[c for c in persons.columns if c not in data.columns]]
        data = data.merge(persons[keep], on="_key", how="left")
    section = project.section("tabulate", _WeightsFile)
    target = output or (
        project.root / section.weights if section else project.root / DEFAULT_OUTPUT
    )
    return weight_frame(data, spec_path, controls, target, replicates)
