"""Totals, means, proportions and ratios for any domain crossing of a survey design."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.estimation.domains import NestedDomains, make_domains, nested_domains
from prisonsurvey.estimation.intervals import (
    PROPORTION_ONLY,
    CiMethod,
    confidence_interval,
)
from prisonsurvey.estimation.kernel import KernelResult, Kind, domain_kernel
from prisonsurvey.estimation.nested import PairIndex, nested_kernel
from prisonsurvey.estimation.results import COLUMNS, Estimates

if TYPE_CHECKING:
    import pandas as pd

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
    if len(data) != design.n:
        raise ValueError(f"data has {len(data)} rows but the design has {design.n}")
    domains = make_domains(data, by)
    names, columns, x = _variables(data, variables, stat, denominator)
    cols, variance = estimate_columns(
        design, names, columns, domains.codes, domains.n_cells, stat, x, ci, level, df
    )
    levels = [domains.table[by_col].tolist() for by_col in domains.by]
    frame = estimates_frame(cols, domains.by, levels)
    return Estimates(frame, domains.by, CiMethod(ci).value, level, variance)


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
    if domains is None:
        domains = nested_domains(data, [s.by for s in sets])
    found = estimate_set_columns(
        design,
        data,
        variables,
        sets,
        stat=stat,
        denominator=denominator,
        domains=domains,
        index=index,
    )
    variance = _variance(design)
    out: list[Estimates] = []
    for cols, dom, s in zip(found, domains.sets, sets, strict=True):
        levels = [dom.table[by_col].tolist() for by_col in dom.by]
        frame = estimates_frame(cols, dom.by, levels)
        out.append(Estimates(frame, dom.by, CiMethod(s.ci).value, s.level, variance))
    return out


def estimate_set_columns(
    design: SurveyDesign,
    data: pd.DataFrame,
    variables: Sequence[str],
    sets: Sequence[DomainSet],
    *,
    stat: Stat | str = Stat.MEAN,
    denominator: str | None = None,
    domains: NestedDomains,
    index: PairIndex | None = None,
) -> list[dict[str, npt.NDArray[Any]]]:
    """The columns of :data:`COLUMNS` of every set of :func:`estimate_sets`, without tables.

    Each set's columns hold one row per (cell, variable), the cells of ``domains.sets[k]``
    outermost, for callers that put several sets in one table.

    Args:
        design: As :func:`estimate_sets`.
        data: As :func:`estimate_sets`.
        variables: As :func:`estimate_sets`.
        sets: As :func:`estimate_sets`.
        stat: As :func:`estimate_sets`.
        denominator: As :func:`estimate_sets`.
        domains: The sets' crossings
            (:func:`~prisonsurvey.estimation.domains.nested_domains`).
        index: As :func:`estimate_sets`.

    Raises:
        KeyError: A column is not in ``data``.
        ValueError: As :func:`estimate_sets`.
    """
    stat = Stat(stat)
    if len(data) != design.n:
        raise ValueError(f"data has {len(data)} rows but the design has {design.n}")
    if len(domains.sets) != len(sets):
        raise ValueError("the factorized domains do not match the sets")
    names, columns, den = _variables(data, variables, stat, denominator)
    x, kind = _kernel_inputs(stat, columns, den)
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
        _result_columns(design, res, names, stat, kind, CiMethod(s.ci), s.level, s.df)
        for res, s in zip(results, sets, strict=True)
    ]


def _variables(
    data: pd.DataFrame, variables: Sequence[str], stat: Stat, denominator: str | None
) -> tuple[list[tuple[str, str | None]], list[FloatArray], FloatArray | None]:
    """Kernel columns of the variables (categories expanded), their names and the denominator."""
    import pandas as pd

    names: list[tuple[str, str | None]] = []
    columns: list[FloatArray] = []
    for var in variables:
        for level_name, col in _expand(data[var], categorical=stat is Stat.PROP):
            names.append((var, level_name))
            columns.append(col)
    x: FloatArray | None = None
    if stat is Stat.RATIO:
        if denominator is None:
            raise ValueError("a ratio needs a denominator column")
        x = pd.to_numeric(data[denominator], errors="coerce").to_numpy(dtype=np.float64)
    return names, columns, x


def _kernel_inputs(
    stat: Stat, columns: Sequence[FloatArray], denominator: FloatArray | None
) -> tuple[list[FloatArray] | None, Kind]:
    """The kernel's denominators and kind of a statistic."""
    if not columns:
        raise ValueError("no variables to estimate")
    if stat is Stat.RATIO:
        if denominator is None:
            raise ValueError("a ratio needs a denominator column")
        return [denominator] * len(columns), Kind.RATIO
    return None, Kind.TOTAL if stat is Stat.TOTAL else Kind.MEAN


def _variance(design: SurveyDesign) -> str:
    return "linearization" if design.replicates is None else str(design.replicates.method)


def estimates_frame(
    cols: dict[str, npt.NDArray[Any]], by: Sequence[str], by_levels: Sequence[list[object]]
) -> pd.DataFrame:
    """The tidy table of :class:`Estimates` from :func:`estimate_columns` and the domains.

    Args:
        cols: Estimate columns, cells outermost.
        by: Domain column names.
        by_levels: For every domain column, its level in every cell.
    """
    import pandas as pd

    table = pd.DataFrame(dict(zip(by, by_levels, strict=True)))
    frame = pd.DataFrame({**cols, "level": pd.Series(cols["level"])})
    per_cell = len(frame) // len(table) if len(table) else 0
    for by_col in by:
        values = np.repeat(table[by_col].to_numpy(dtype=object), per_cell)
        frame.insert(0, by_col, values)
    return frame[[*by, *COLUMNS]]


def estimate_columns(
    design: SurveyDesign,
    names: Sequence[tuple[str, str | None]],
    columns: Sequence[FloatArray],
    cells: npt.NDArray[np.intp],
    n_cells: int,
    stat: Stat | str = Stat.MEAN,
    denominator: FloatArray | None = None,
    ci: CiMethod | str = CiMethod.WALD,
    level: float = 0.95,
    df: DfRule = "design",
) -> tuple[dict[str, npt.NDArray[Any]], str]:
    """The columns of :data:`COLUMNS` for numeric variables in domain cells, without pandas.

    Args:
        design: The survey design.
        names: ``(variable, level)`` of every column of ``columns`` (``level`` is the category
            of a 0/1 column, ``None`` for a numeric variable).
        columns: The numeric columns to estimate (``NaN``: item missing).
        cells: Domain cell of every row (``-1``: in no domain).
        n_cells: Number of cells.
        stat: As :func:`estimate`.
        denominator: Denominator values of a ``ratio``.
        ci: As :func:`estimate`.
        level: As :func:`estimate`.
        df: As :func:`estimate`.

    Returns:
        The columns, one row per (cell, column) with the cells outermost, and the variance
        method (``linearization`` or the replicate method).
    """
    stat = Stat(stat)
    x, kind = _kernel_inputs(stat, columns, denominator)
    res = domain_kernel(design, columns, cells, n_cells, kind, x, count_nonzero=stat is Stat.PROP)
    cols = _result_columns(design, res, names, stat, kind, CiMethod(ci), level, df)
    return cols, _variance(design)


def _result_columns(
    design: SurveyDesign,
    res: KernelResult,
    names: Sequence[tuple[str, str | None]],
    stat: Stat,
    kind: Kind,
    method: CiMethod,
    level: float,
    df: DfRule,
) -> dict[str, npt.NDArray[Any]]:
    """The columns of :data:`COLUMNS` of kernel results: intervals and CV, cells outermost."""
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
    size = n_cells * n_var
    cols: dict[str, npt.NDArray[Any]] = {
        "variable": np.tile(np.array([nm[0] for nm in names], dtype=object), n_cells),
        "level": np.tile(np.array([nm[1] for nm in names], dtype=object), n_cells),
        "stat": np.full(size, stat.value, dtype=object),
        "estimate": res.estimate.ravel(),
        "se": se.ravel(),
        "ci_lower": lower.ravel(),
        "ci_upper": upper.ravel(),
        "df": df_used.ravel(),
        "df_design": np.full(size, float(design.degf)),
        "cv": cv.ravel(),
        "deff": res.deff.ravel(),
        "deff_replace": res.deff_replace.ravel(),
        "n": res.n.ravel(),
        "n_weighted": res.weighted_n.ravel(),
        "n_psu": res.n_psu.ravel(),
        "n_category": np.where(res.n_nonzero < 0, np.nan, res.n_nonzero).ravel(),
    }
    return cols


def _expand(series: pd.Series, categorical: bool) -> list[tuple[str | None, FloatArray]]:
    """Turn a column into numeric columns: itself, or one 0/1 column per category."""
    import pandas as pd

    is_numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    if is_numeric and not categorical:
        if series.dtype == np.float64:
            return [(None, series.to_numpy())]
        return [(None, pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64))]
    codes, labels = pd.factorize(series, sort=True)
    return category_columns(codes, list(labels))


def category_columns(
    codes: npt.NDArray[np.intp], labels: Sequence[object]
) -> list[tuple[str | None, FloatArray]]:
    """One 0/1 column per category of a factorized column (``NaN`` where it is missing).

    Args:
        codes: Category of every row, ``-1`` where missing.
        labels: The categories, by code (numbers that are whole are named without ``.0``).
    """
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
