"""Issue codes of the weighting package (``WGT...``) and helpers to raise them."""

from __future__ import annotations

from typing import NoReturn

from prisonsurvey.errors import InputError, Issue, Location

# Weighting specification files.
SPEC_SYNTAX = "WGT001"  # not YAML / not a mapping
SPEC_SCHEMA = "WGT002"  # a key or value does not fit the specification model
SPEC_COLUMN = "WGT003"  # the specification names a column the data does not have
# Controls.
CONTROLS_TABLE = "WGT004"  # a margin names a control table the controls file lacks or is malformed
# Calibration.
MARGIN_UNMET = "WGT010"  # a margin level has a positive control total but no sampled weight
MARGIN_NO_CONTROL = "WGT011"  # a sampled level has no control total
MARGIN_TOTALS_DISAGREE = "WGT012"  # margins add up to different grand totals
NOT_CONVERGED = "WGT013"  # calibration could not meet the margins (bounds too tight, ...)
# Weights and classes.
EMPTY_CLASS = "WGT020"  # a weighting class has units to adjust for but no respondents
WEIGHT_MISSING = "WGT021"  # missing weight or probability
WEIGHT_NONPOSITIVE = "WGT022"  # weight <= 0 or probability outside (0, 1]
CLASS_MISSING = "WGT023"  # missing value in a variable that defines classes, strata or PSUs
NOT_FACILITY_LEVEL = "WGT024"  # a facility-level class or response flag varies within a facility
# Replicates.
LONELY_PSU = "WGT030"  # a stratum has a single PSU and the policy is "fail"
BRR_NOT_TWO = "WGT031"  # BRR/Fay needs exactly two PSUs per stratum
# Sampling.
FRAME_SIZE = "WGT040"  # missing or non-positive measure of size in the frame
SAMPLE_TOO_LARGE = "WGT041"  # a stratum is asked for more units than it has
ROSTER = "WGT042"  # persons selection: take larger than roster, non-positive counts


def fail(code: str, message: str, where: Location | None = None) -> NoReturn:
    """Raise :class:`InputError` with one issue."""
    raise InputError(Issue(code, message, where or Location()))
