"""Sampling and weights: selection, base weights, adjustments, calibration and replicates.

Everything here works on plain pandas DataFrames (usable from a notebook); YAML and JSON are
read only by :mod:`prisonsurvey.weighting.loader`.
"""

from prisonsurvey.weighting.apply import WeightingResult, apply_spec
from prisonsurvey.weighting.calibrate import CalibrationResult, calibrate
from prisonsurvey.weighting.diagnostics import Diagnostics, WeightSummary
from prisonsurvey.weighting.loader import controls_from_mapping, load_controls, load_spec
from prisonsurvey.weighting.margins import Margin
from prisonsurvey.weighting.replication import LonelyPSU, replicate_weights
from prisonsurvey.weighting.spec import WeightingSpec
from prisonsurvey.weighting.trimming import trim_weights

__all__ = [
    "CalibrationResult",
    "Diagnostics",
    "LonelyPSU",
    "Margin",
    "WeightSummary",
    "WeightingResult",
    "WeightingSpec",
    "apply_spec",
    "calibrate",
    "controls_from_mapping",
    "load_controls",
    "load_spec",
    "replicate_weights",
    "trim_weights",
]
