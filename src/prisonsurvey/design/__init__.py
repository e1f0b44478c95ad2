"""Survey designs: strata, PSUs, weights, fpc, and replicate weights in factored form."""

from prisonsurvey.design.replicates import ReplicateMethod, ReplicateWeights

__all__ = ["ReplicateMethod", "ReplicateWeights"]
