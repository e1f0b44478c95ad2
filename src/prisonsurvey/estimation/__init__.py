"""Design-based estimation: domain totals, means, proportions, ratios, quantiles, tables."""

from prisonsurvey.estimation.estimators import Stat, estimate
from prisonsurvey.estimation.intervals import CiMethod, confidence_interval
from prisonsurvey.estimation.results import Estimates

__all__ = ["CiMethod", "Estimates", "Stat", "confidence_interval", "estimate"]
