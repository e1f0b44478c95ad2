"""Domain quantiles with Woodruff confidence intervals (R ``svyquantile``, ``qrule="math"``).

The quantile of a domain is the smallest value whose weighted distribution function reaches
``p``. Its interval inverts a Wald interval (t with the domain degrees of freedom) for the
proportion of the domain at or below the estimate; the standard error is the interval width over
twice the critical value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.estimation.domains import make_domains
from prisonsurvey.estimation.intervals import confidence_interval, t_quantile
from prisonsurvey.estimation.kernel import Kind, domain_kernel
from prisonsurvey.estimation.results import COLUMNS, Estimates

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class _Sorted:
    """Rows of every domain sorted by value, with within-domain cumulative weights."""

    def __init__(self, x: FloatArray, w: FloatArray, cells: IntArray, n_cells: int) -> None:
        keep = np.flatnonzero((cells >= 0) & ~np.isnan(x) & (w > 0))
        order = keep[np.lexsort((x[keep], cells[keep]))]
        self.values = x[order]
        c = cells[order]
        self.cells = c
        cum = np.cumsum(w[order])
        counts = np.bincount(c, minlength=n_cells)
        self.end = np.cumsum(counts)
        self.start = self.end - counts
        before = np.where(self.start > 0, cum[np.maximum(self.start - 1, 0)], 0.0)
        self.cumw = cum - np.repeat(before, counts)
        self.total = np.where(counts > 0, self.cumw[np.maximum(self.end - 1, 0)], np.nan)
        self.counts = counts

    def quantile(self, p: FloatArray) -> FloatArray:
        """Quantile of every domain at probabilities ``p`` (one per domain; NaN gives NaN)."""
        out = np.full(p.shape[0], np.nan)
        ok = ~np.isnan(p) & (self.counts > 0) & (p >= 0) & (p <= 1)
        if not self.values.shape[0]:
            return out
        pp = np.where(ok, p, 0.0)
        target = np.repeat(pp * np.nan_to_num(self.total), self.counts)
        # cumulative weights increase within a domain: count those at or below p * total
        n_below = np.bincount(self.cells, weights=self.cumw <= target, minlength=p.shape[0])
        pos = self.start + n_below.astype(np.intp) - 1
        safe = np.clip(pos, 0, self.values.shape[0] - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            exact = (pos >= self.start) & (pp - self.cumw[safe] / self.total == 0)
        take = np.where(exact, pos, np.minimum(pos + 1, self.end - 1))
        take = np.clip(take, 0, self.values.shape[0] - 1)
        out[ok] = self.values[take[ok]]
        return out


def quantiles(
    design: SurveyDesign,
    data: pd.DataFrame,
    variables: Sequence[str],
    probs: Sequence[float] = (0.5,),
    *,
    by: Sequence[str] = (),
    level: float = 0.95,
) -> Estimates:
    """Estimate quantiles of numeric variables in every domain, with Woodruff intervals.

    Args:
        design: The survey design declared on the rows of ``data``.
        data: Analysis rows.
        variables: Numeric columns.
        probs: Probabilities in ``[0, 1]``.
        by: Domain columns to cross.
        level: Confidence level.

    Raises:
        ValueError: A probability outside ``[0, 1]`` or misaligned data.
    """
    if any(not 0 <= p <= 1 for p in probs):
        raise ValueError("quantile probabilities must lie in [0, 1]")
    if len(data) != design.n:
        raise ValueError(f"data has {len(data)} rows but the design has {design.n}")
    domains = make_domains(data, by)
    c = domains.n_cells
    w = design.weights
    frames: list[pd.DataFrame] = []
    for var in variables:
        x = pd.to_numeric(data[var], errors="coerce").to_numpy(dtype=np.float64)
        srt = _Sorted(x, w, domains.codes, c)
        for p in probs:
            q = srt.quantile(np.full(c, p))
            qrow = q[domains.codes]
            below = np.where(np.isnan(x), np.nan, (x <= qrow).astype(np.float64))
            below[domains.codes < 0] = np.nan
            res = domain_kernel(design, below[:, None], domains.codes, c, Kind.MEAN)
            df = res.df_domain[:, 0].astype(np.float64)
            if design.replicates is not None:
                df = np.full(c, float(design.degf))
            p_hat = res.estimate[:, 0]
            lo_p, up_p = confidence_interval("wald", p_hat, np.sqrt(res.variance[:, 0]), df, level)
            lower = srt.quantile(np.where(lo_p < 0, np.nan, lo_p))
            upper = srt.quantile(np.where(up_p > 1, np.nan, up_p))
            se = (upper - lower) / (2 * t_quantile(level, df))
            frame = pd.DataFrame(
                {
                    "variable": var,
                    "level": f"p{p:g}",
                    "stat": "quantile",
                    "estimate": q,
                    "se": se,
                    "ci_lower": lower,
                    "ci_upper": upper,
                    "df": df,
                    "df_design": float(design.degf),
                    "cv": se / np.abs(q),
                    "deff": np.nan,
                    "deff_replace": np.nan,
                    "n": srt.counts.astype(np.int64),
                    "n_weighted": srt.total,
                    "n_psu": res.n_psu[:, 0],
                    "n_category": np.nan,
                }
            )
            for col in domains.by:
                frame.insert(0, col, domains.table[col].to_numpy(dtype=object))
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)[[*domains.by, *COLUMNS]]
    variance = "linearization" if design.replicates is None else str(design.replicates.method)
    return Estimates(out, domains.by, "woodruff", level, variance)
