"""The weighting specification: design, base weights, adjustment steps and replicates.

A specification is plain data (a pydantic model); :mod:`prisonsurvey.weighting.loader` reads it
from YAML with located errors and :func:`prisonsurvey.weighting.apply_spec` runs it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from prisonsurvey.weighting.replication import LonelyPSU


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DesignSpec(_Model):
    """Sampling design: strata, PSUs and finite population correction."""

    strata: str | None = None
    psu: str | None = None
    fpc: str | None = Field(None, description="PSUs in the stratum frame, or sampling fraction")
    lonely_psu: LonelyPSU = LonelyPSU.FAIL


class BaseWeightSpec(_Model):
    """Where base weights come from: a weight column or the product of probabilities."""

    column: str | None = None
    probabilities: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_source(self) -> BaseWeightSpec:
        if (self.column is None) == (not self.probabilities):
            raise ValueError("give exactly one of 'column' or 'probabilities'")
        return self


def _one() -> list[str | int]:
    return [1]


def _zero() -> list[str | int]:
    return [0]


class EligibilityStep(_Model):
    """Spread the weight of units of unknown eligibility over units of known status."""

    type: Literal["eligibility"]
    status: str
    eligible: list[str | int] = Field(default_factory=_one)
    ineligible: list[str | int] = Field(default_factory=_zero)
    classes: list[str] = Field(default_factory=list)


class NonresponseStep(_Model):
    """Weighting-class nonresponse adjustment of persons or of facilities."""

    type: Literal["nonresponse"]
    level: Literal["person", "facility"] = "person"
    responded: str
    classes: list[str] = Field(default_factory=list)
    unit: str | None = Field(None, description="facility identifier (level: facility)")
    unit_probability: str | None = Field(
        None, description="facility inclusion probability (level: facility)"
    )

    @model_validator(mode="after")
    def _facility_fields(self) -> NonresponseStep:
        if self.level == "facility" and (self.unit is None or self.unit_probability is None):
            raise ValueError("a facility nonresponse step needs 'unit' and 'unit_probability'")
        return self


class MarginSpec(_Model):
    """One calibration margin: control totals of the cross-classification of variables."""

    variables: list[str] = Field(min_length=1)
    controls: str = Field(description="table name in the controls file")
    count: str = "count"
    name: str | None = None


class CalibrationStep(_Model):
    """Calibration to census totals."""

    type: Literal["calibration"]
    method: Literal["poststratify", "raking", "linear", "logit"]
    margins: list[MarginSpec] = Field(min_length=1)
    bounds: tuple[float, float] | None = None
    g_trim: tuple[float, float] | None = None
    epsilon: float = Field(1e-10, gt=0)
    max_iter: int = Field(200, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> CalibrationStep:
        if self.method == "poststratify" and len(self.margins) != 1:
            raise ValueError("post-stratification takes one margin; list all its variables")
        if self.method == "logit" and self.bounds is None:
            raise ValueError("logit calibration needs bounds, e.g. [0.5, 2.0]")
        if self.bounds is not None and not self.bounds[0] < 1.0 < self.bounds[1]:
            raise ValueError("bounds must contain 1, e.g. [0.5, 2.0]")
        return self


class TrimStep(_Model):
    """Trim weights to limits and spread the excess equally (must be the last step)."""

    type: Literal["trim"]
    upper: float | None = Field(None, gt=0)
    lower: float | None = Field(None, ge=0)
    relative_to: Literal["mean", "absolute"] = "mean"
    strict: bool = True


Step = Annotated[
    EligibilityStep | NonresponseStep | CalibrationStep | TrimStep, Field(discriminator="type")
]


class ReplicateSpec(_Model):
    """Replicate weights that repeat every adjustment and calibration step."""

    method: Literal["jkn", "jk1", "boot", "boot-cd", "brr", "fay", "none"] = "jkn"
    replicates: int = Field(200, gt=1, description="bootstrap replicates")
    seed: int = 20240601
    fay_rho: float = Field(0.5, ge=0, lt=1)
    mse: bool = False


class FacilitySamplingSpec(_Model):
    """Stage 1: stratified systematic PPS selection of facilities from the frame."""

    id: str = "facility_id"
    stratum: str = "stratum"
    size: str = "population"
    sort_by: list[str] = Field(default_factory=list)
    sample_size: dict[str, int] = Field(default_factory=dict)
    default_sample_size: int | None = Field(None, gt=0)
    min_size: float = Field(0, ge=0)
    boost: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="column -> value -> size multiplier"
    )


class PersonSamplingSpec(_Model):
    """Stage 2: systematic selection of persons from the roster."""

    take: int = Field(40, gt=0)
    reserve: int = Field(5, ge=0)


class SamplingSpec(_Model):
    """Sample selection settings."""

    facilities: FacilitySamplingSpec = Field(default_factory=FacilitySamplingSpec)
    persons: PersonSamplingSpec = Field(default_factory=PersonSamplingSpec)


class OutputSpec(_Model):
    """Names of the written columns."""

    weight: str = "final_weight"
    replicate_prefix: str = "repw_"


class WeightingSpec(_Model):
    """A complete weighting specification."""

    name: str
    description: str = ""
    design: DesignSpec = Field(default_factory=DesignSpec)
    base_weight: BaseWeightSpec
    steps: list[Step] = Field(default_factory=list)
    replicates: ReplicateSpec = Field(default_factory=ReplicateSpec)
    sampling: SamplingSpec = Field(default_factory=SamplingSpec)
    output: OutputSpec = Field(default_factory=OutputSpec)

    @model_validator(mode="after")
    def _trim_last(self) -> WeightingSpec:
        for i, step in enumerate(self.steps[:-1]):
            if isinstance(step, TrimStep):
                raise ValueError(f"step {i + 1}: trimming must be the last step")
        return self
