"""Survey designs: strata, PSUs, weights, fpc, calibration models and replicate weights."""

from prisonsurvey.design.calibration import (
    Calibration,
    CalibrationKind,
    calibrated_design,
    make_calibration,
)
from prisonsurvey.design.replicates import ReplicateMethod, ReplicateWeights
from prisonsurvey.design.survey_design import (
    LonelyPsu,
    LonelyPsuError,
    SurveyDesign,
    build_design,
)

__all__ = [
    "Calibration",
    "CalibrationKind",
    "LonelyPsu",
    "LonelyPsuError",
    "ReplicateMethod",
    "ReplicateWeights",
    "SurveyDesign",
    "build_design",
    "calibrated_design",
    "make_calibration",
]
