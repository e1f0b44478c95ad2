"""Weight diagnostics: distribution, CV, Kish design effect, effective sample size."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from prisonsurvey.weighting._cells import FloatArray

QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class WeightSummary:
    """Distribution of the positive weights (quantiles as R's type 7, sd with n - 1).

    ``kish_deff = n * sum(w^2) / sum(w)^2`` and ``n_eff = n / kish_deff``; ``g`` is the ratio
    of the weight to the base weight.
    """

    n: int
    n_zero: int
    total: float
    mean: float
    sd: float
    min: float
    max: float
    quantiles: dict[str, float]
    cv: float
    kish_deff: float
    n_eff: float
    g_min: float
    g_max: float

    @classmethod
    def of(cls, w: FloatArray, base: FloatArray) -> WeightSummary:
        """Summarise weights ``w`` (rows with zero weight are counted, not summarised)."""
        pos = w > 0
        x = w[pos]
        n = int(x.size)
        if n == 0:
            nan = float("nan")
            return cls(0, int(w.size), 0.0, nan, nan, nan, nan, {}, nan, nan, 0.0, nan, nan)
        total = float(x.sum())
        mean = total / n
        sd = float(x.std(ddof=1)) if n > 1 else 0.0
        deff = n * float((x**2).sum()) / total**2
        g = x / base[pos]
        q = np.quantile(x, QUANTILES)
        return cls(
            n=n,
            n_zero=int(w.size - n),
            total=total,
            mean=mean,
            sd=sd,
            min=float(x.min()),
            max=float(x.max()),
            quantiles={
                f"p{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)
            },
            cv=sd / mean,
            kish_deff=deff,
            n_eff=n / deff,
            g_min=float(g.min()),
            g_max=float(g.max()),
        )


@dataclass(frozen=True)
class Diagnostics:
    """Everything worth checking about a weighting run.

    Attributes:
        base: Summary of the base weights.
        final: Summary of the final weights.
        steps: One entry per adjustment step (kind, factor range, weight total after).
        margins: Calibration check of every level of every margin (target, achieved, error).
        replicates: Method, number of replicates and replicates whose re-calibration failed.
    """

    base: WeightSummary
    final: WeightSummary
    steps: list[dict[str, Any]] = field(default_factory=list)
    margins: list[dict[str, Any]] = field(default_factory=list)
    replicates: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (what ``prisonsurvey weight --json`` prints)."""
        return asdict(self)

    @property
    def max_margin_error(self) -> float:
        """Largest relative error over all margin levels (0 without calibration)."""
        return max((float(m["rel_error"]) for m in self.margins), default=0.0)
