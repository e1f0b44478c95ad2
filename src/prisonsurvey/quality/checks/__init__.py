"""Built-in checks, one module per family; importing this package registers them all."""

from prisonsurvey.quality.checks import (
    consistency,
    duplicates,
    interviewer,
    logic,
    nonresponse,
    progress,
    straightlining,
    timing,
)

__all__ = [
    "consistency",
    "duplicates",
    "interviewer",
    "logic",
    "nonresponse",
    "progress",
    "straightlining",
    "timing",
]
