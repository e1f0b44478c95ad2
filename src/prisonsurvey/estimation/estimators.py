"""Totals, means, proportions and ratios for any domain crossing of a survey design."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.estimation.domains import Domains, NestedDomains, make_domains, nested_domains
from prisonsurvey.estimation.intervals import (
    PROPORTION_ONLY,
    CiMethod,
    confidence_interval,
)
from prisonsurvey.estimation.kernel import KernelResult, Kind, domain_kernel
from prisonsurvey.estimation.nested import PairIndex, nested_kernel
from prisonsurvey.estimation.results import COLUMNS, Estimates

FloatArray = npt.NDArray[np.float64]


class Stat(StrEnum):
    """Statistics the estimators produce."""

    MEAN = "mean"
    TOTAL = "total"
    PROP = "prop"
    RATIO = "ratio"


DfRule = Literal["design", "domain"] | int | float


def estimate(
    design: SurveyDesign,
    data: pd.DataFrame,
    variables: Sequence[str],
    *,
    stat: Stat | str = Stat.MEAN,
    by: Sequence[str] = (),
    denominator: str | None = None,
    ci: CiMethod | str = CiMethod.WALD,
    level: float = 0.95,
    df: DfRule = "design",
) -> Estimates:
    """Estimate a statistic of every variable in every domain of the ``by`` crossing.

    Numeric variables give means or totals; categorical variables (and every variable with
    ``stat="prop"``) give the proportion or total of each category. Missing values are left out
    of the domain (R ``na.rm=TRUE``); domains are estimated without subsetting the design.

    Args:
        design: The survey design declared on the rows of ``data``.
        data: Analysis rows, aligned with the design.
        variables: Columns to estimate.
        stat: ``mean``, ``total``, ``prop`` (category proportions) or ``ratio``.
        by: Domain columns to cross.
        denominator: Denominator column of a ``ratio``.
        ci: Interval method (``logit``, ``beta``, ``wilson``, ``asin`` only for proportions;
            means and ratios outside ``[0, 1]`` fall back to ``wald``).
        level: Confidence level.
        df: Degrees of freedom of the interval: ``design`` (#PSUs - #strata, R ``confint`` with
            ``degf``), ``domain`` (PSUs and strata holding domain members, R ``svyciprop`` on a
            subset), or a number (``inf`` for the normal distribution).

    Raises:
        KeyError: A column is not in ``data``.
        ValueError: ``data`` and ``design`` have different numbers of rows, or a ratio lacks
            its denominator.
    """
    stat = Stat(stat)
    method = CiMethod(ci)
    if len(data) != design.n:
        raise ValueError(f"data has {len(data)} rows but the design has {design.n}")
    domains = make_domains(data, by)
    names, columns, x, kind = _variables(data, variables, stat, denominator)
    res = domain_kernel(
        design, columns, domains.codes, domains.n_cells, kind, x, count_nonzero=stat is Stat.PROP
    )
    return _estimates(design, res, names, domains, stat, kind, method, level, df)


@dataclass(frozen=True)
class DomainSet:
    """One domain crossing of :func:`estimate_sets`, with its interval options.

    Attributes:
        by: Domain columns to cross (empty: the whole population).
        ci: Interval method.
        level: Confidence level.
        df: Degrees of freedom rule, as for :func:`estimate`.
    """

    by: tuple[str, ...] = ()
    ci: CiMethod | str = CiMethod.WALD
    level: float = 0.95
    df: DfRule = "design"


def estimate_sets(
    design: SurveyDesign,
    data: pd.DataFrame,
    variables: Sequence[str],
    sets: Sequence[DomainSet],
    *,
    stat: Stat | str = Stat.MEAN,
    denominator: str | None = None,
    domains: NestedDomains | None = None,
    index: PairIndex | None = None,
) -> list[Estimates]:
    """Estimate a statistic in several domain crossings with one pass over the rows.

    The rows are summed once by PSU and finest cell (the crossing of every column of every
    set); each set's estimates are sums of those tables. The result for each set equals
    ``estimate(design, data, variables, stat=stat, by=s.by, ci=s.ci, level=s.level, df=s.df)``
    up to the order in which sums are added.

    Args:
        design: The survey design declared on the rows of ``data``.
        data: Analysis rows, aligned with the design.
        variables: Columns to estimate.
        sets: The domain crossings and their interval options.
        stat: ``mean``, ``total``, ``prop`` or ``ratio``.
        denominator: Denominator column of a ``ratio``.
        domains: The sets' crossings already factorized
            (:func:`~prisonsurvey.estimation.domains.nested_domains` of ``[s.by for s in
            sets]``), to share between calls on the same rows.
        index: The rows' (unit, cell) pairs
            (:func:`~prisonsurvey.estimation.nested.pair_index` of ``design`` and
            ``domains``), to share between statistics estimated on the same rows.

    Raises:
        KeyError: A column is not in ``data``.
        ValueError: ``data`` and ``design`` have different numbers of rows, or a ratio lacks
            its denominator.
    """
    stat = Stat(stat)
    if len(data) != design.n:
        raise ValueError(f"data has {len(data)} rows but the design has {design.n}")
    if domains is None:
        domains = nested_domains(data, [s.by for s in sets])
    if len(domains.sets) != len(sets):
        raise ValueError("the factorized domains do not match the sets")
    names, columns, x, kind = _variables(data, variables, stat, denominator)
    results = nested_kernel(
        design,
        columns,
        domains.codes,
        domains.n_cells,
        domains.maps,
        kind,
        x,
        count_nonzero=stat is Stat.PROP,
        index=index,
    )
    return [
        _estimates(design, res, names, dom, stat, kind, CiMethod(s.ci), s.level, s.df)
        for res, dom, s in zip(results, domains.sets, sets, strict=True)
    ]


def _variables(
    data: pd.DataFrame, variables: Sequence[str], stat: Stat, denominator: str | None
) -> tuple[list[tuple[str, str | None]], list[FloatArray], list[FloatArray] | None, Kind]:
    """Kernel columns of the variables (categories expanded), their names, denominators, kind."""
    names: list[tuple[str, str | None]] = []
    columns: list[FloatArray] = []
    for var in variables:
        for level_name, col in _expand(data[var], categorical=stat is Stat.PROP):
            names.append((var, level_name))
            columns.append(col)
    if not columns:
        raise ValueError("no variables to estimate")
    x: list[FloatArray] | None = None
    kind = Kind.TOTAL if stat is Stat.TOTAL else Kind.MEAN
    if stat is Stat.RATIO:
        if denominator is None:
            raise ValueError("a ratio needs a denominator column")
        den = pd.to_numeric(data[denominator], errors="coerce").to_numpy(dtype=np.float64)
        x = [den] * len(columns)
        kind = Kind.RATIO
    return names, columns, x, kind


def _estimates(
    design: SurveyDesign,
    res: KernelResult,
    names: list[tuple[str, str | None]],
    domains: Domains,
    stat: Stat,
    kind: Kind,
    method: CiMethod,
    level: float,
    df: DfRule,
) -> Estimates:
    """The tidy table of kernel results: intervals, CV and the domain columns."""
    n_cells, n_var = res.estimate.shape
    se = np.sqrt(res.variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = se / np.abs(res.estimate)
    if df == "design":
        df_used = np.full((n_cells, n_var), float(design.degf))
    elif df == "domain":
        df_used = res.df_domain.astype(np.float64)
        if design.replicates is not None:
            df_used = np.full((n_cells, n_var), float(design.degf))
    else:
        df_used = np.full((n_cells, n_var), float(df))
    lower, upper = _intervals(method, stat, kind, res.estimate, se, df_used, level, res.n)
    clash = [c for c in domains.by if c in COLUMNS]
    if clash:
        raise ValueError(f"cannot insert {clash[0]}, already exists")
    # labels are converted once per cell or variable, then spread over the rows
    of_cell = np.repeat(np.arange(n_cells), n_var)
    of_var = np.tile(np.arange(n_var), n_cells)
    columns: dict[str, object] = {
        by_col: _spread(domains.table[by_col].to_numpy(dtype=object), of_cell)
        for by_col in domains.by
    }
    columns.update(
        {
            "variable": (
                _spread(np.array([nm[0] for nm in names], dtype=object), of_var)
                if n_cells
                else np.array([nm[0] for nm in names])[of_var]
            ),
            "level": _spread(np.array([nm[1] for nm in names], dtype=object), of_var),
            "stat": stat.value,
            "estimate": res.estimate.ravel(),
            "se": se.ravel(),
            "ci_lower": lower.ravel(),
            "ci_upper": upper.ravel(),
            "df": df_used.ravel(),
            "df_design": float(design.degf),
            "cv": cv.ravel(),
            "deff": res.deff.ravel(),
            "deff_replace": res.deff_replace.ravel(),
            "n": res.n.ravel(),
            "n_weighted": res.weighted_n.ravel(),
            "n_psu": res.n_psu.ravel(),
            "n_category": np.where(res.n_nonzero < 0, np.nan, res.n_nonzero).ravel(),
        }
    )
    frame = pd.DataFrame(columns, columns=[*domains.by, *COLUMNS])
    variance = "linearization" if design.replicates is None else str(design.replicates.method)
    return Estimates(frame, domains.by, method.value, level, variance)


def _spread(values: npt.NDArray[np.object_], rows: npt.NDArray[np.intp]) -> object:
    """``values[rows]`` as a column, its type inferred from ``values`` rather than every row."""
    if rows.shape[0] == 0:
        return values[rows]
    return pd.Series(values).array.take(rows)


def _expand(series: pd.Series, categorical: bool) -> list[tuple[str | None, FloatArray]]:
    """Turn a column into numeric columns: itself, or one 0/1 column per category."""
    is_numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    if is_numeric and not categorical:
        if series.dtype == np.float64:
            return [(None, series.to_numpy())]
        return [(None, pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64))]
    codes, labels = pd.factorize(series, sort=True)
    missing = codes < 0
    out: list[tuple[str | None, FloatArray]] = []
    for k, label in enumerate(labels):
        col = (codes == k).astype(np.float64)
        col[missing] = np.nan
        out.append((_label(label), col))
    return out


def _label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _intervals(
    method: CiMethod,
    stat: Stat,
    kind: Kind,
    est: FloatArray,
    se: FloatArray,
    df: FloatArray,
    level: float,
    n: npt.NDArray[np.int64],
) -> tuple[FloatArray, FloatArray]:
    if method in PROPORTION_ONLY and kind is not Kind.TOTAL:
        inside = (est >= 0) & (est <= 1)
        lo_p, up_p = confidence_interval(method, np.clip(est, 0, 1), se, df, level, n)
        lo_w, up_w = confidence_interval(CiMethod.WALD, est, se, df, level)
        return np.where(inside, lo_p, lo_w), np.where(inside, up_p, up_w)
    return confidence_interval(CiMethod.WALD, est, se, df, level)
