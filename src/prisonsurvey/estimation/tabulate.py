"""Tabulate estimates with reliability and disclosure rules, from a DataFrame or a file."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import numpy as np

from prisonsurvey.design.spec import DesignSpec, design_columns, design_from_frame
from prisonsurvey.design.survey_design import LonelyPsuError, SurveyDesign
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.estimation.domains import NestedDomains, nested_domains
from prisonsurvey.estimation.estimators import DomainSet, Stat, estimate, estimate_sets
from prisonsurvey.estimation.intervals import CiMethod
from prisonsurvey.estimation.results import Estimates
from prisonsurvey.estimation.rules import Rules, apply_rules

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN_COLUMN = "EST001"
BAD_REQUEST = "EST002"
UNREADABLE = "EST003"
LONELY_PSU = "EST004"
STATS = ("mean", "total", "prop", "ratio", "quantile")
_P = ParamSpec("_P")
_A = TypeVar("_A")
_T = TypeVar("_T")


@dataclass(frozen=True)
class TabulateRequest:
    """What to estimate.

    Attributes:
        variables: Columns to estimate.
        by: Domain columns to cross.
        stat: ``mean``, ``total``, ``prop``, ``ratio`` or ``quantile``.
        ci: Interval method (``wald``, ``logit``, ``beta``, ``wilson``, ``asin``).
        level: Confidence level.
        df: ``design`` or ``domain`` degrees of freedom.
        denominator: Denominator column of a ratio.
        probs: Probabilities of quantiles.
        rules: Reliability and disclosure rules.
    """

    variables: tuple[str, ...]
    by: tuple[str, ...] = ()
    stat: str = "mean"
    ci: str = "logit"
    level: float = 0.95
    df: str = "design"
    denominator: str | None = None
    probs: tuple[float, ...] = (0.5,)
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True, eq=False)
class Tabulation:
    """Estimates with the rules applied.

    Attributes:
        table: Tidy table with ``status`` and ``note`` columns.
        estimates: The estimates before the rules.
        output: File written, if any.
    """

    table: pd.DataFrame
    estimates: Estimates
    output: Path | None = None

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per estimate (suppressed values are ``None``)."""
        rows = Estimates(
            self.table, self.estimates.by, self.estimates.ci_method, 0.0, ""
        ).to_records()
        return rows


def check_request(data: pd.DataFrame, request: TabulateRequest, source: str = "") -> None:
    """Raise :class:`InputError` for unknown columns or options of ``request``.

    Args:
        data: The microdata.
        request: The request to check.
        source: File name used in issue locations.
    """
    issues = request_issues(data.columns, request, source)
    if issues:
        raise InputError(issues)


def request_issues(
    columns: Collection[object], request: TabulateRequest, source: str = ""
) -> list[Issue]:
    """The problems of ``request`` on data with ``columns`` (see :func:`check_request`)."""
    issues: list[Issue] = []
    wanted = [*request.variables, *request.by]
    if request.denominator:
        wanted.append(request.denominator)
    for name in wanted:
        if name not in columns:
            issues.append(
                Issue(
                    UNKNOWN_COLUMN,
                    f"column '{name}' is not in the data; check the spelling",
                    Location(source, column=name),
                )
            )
    if not request.variables:
        issues.append(Issue(BAD_REQUEST, "name at least one variable (--vars)", Location(source)))
    if request.stat not in STATS:
        issues.append(
            Issue(BAD_REQUEST, f"--stat must be one of {', '.join(STATS)}", Location(source))
        )
    if request.stat == "ratio" and not request.denominator:
        issues.append(Issue(BAD_REQUEST, "a ratio needs --denominator", Location(source)))
    if request.ci not in {m.value for m in CiMethod}:
        issues.append(
            Issue(
                BAD_REQUEST,
                "--ci must be one of " + ", ".join(m.value for m in CiMethod),
                Location(source),
            )
        )
    if not 0 < request.level < 1:
        issues.append(Issue(BAD_REQUEST, "--level must be between 0 and 1", Location(source)))
    if request.df not in ("design", "domain"):
        issues.append(Issue(BAD_REQUEST, "--df must be design or domain", Location(source)))
    if any(not 0 <= p <= 1 for p in request.probs):
        issues.append(
            Issue(BAD_REQUEST, "quantile probabilities must be in [0, 1]", Location(source))
        )
    return issues


def tabulate(
    design: SurveyDesign, data: pd.DataFrame, request: TabulateRequest, source: str = ""
) -> Tabulation:
    """Estimate what ``request`` asks on ``data`` and apply the rules.

    Args:
        design: The design declared on ``data``.
        data: The microdata.
        request: What to estimate.
        source: File name used in issue locations.

    Raises:
        InputError: Unknown columns or options, or a lonely PSU under the ``fail`` policy.
    """
    check_request(data, request, source)
    with located_lonely_psu(source):
        if request.stat == "quantile":
            from prisonsurvey.estimation.quantiles import quantiles

            est = quantiles(
                design, data, request.variables, request.probs, by=request.by, level=request.level
            )
        else:
            est = estimate(
                design,
                data,
                request.variables,
                stat=Stat(request.stat),
                by=request.by,
                denominator=request.denominator,
                ci=request.ci,
                level=request.level,
                df=_df_rule(request),
            )
    return Tabulation(apply_rules(est.to_frame(), request.rules), est)


def tabulate_many(
    design: SurveyDesign,
    data: pd.DataFrame,
    requests: Sequence[TabulateRequest],
    source: str = "",
) -> list[Tabulation]:
    """Tabulate several requests on the same rows, one pass over the rows per statistic.

    Requests that differ only in their domains, interval, degrees of freedom and rules share
    one pass (:func:`~prisonsurvey.estimation.estimators.estimate_sets` over the crossing of
    all their domain columns); quantiles are tabulated one by one. Each result equals
    ``tabulate(design, data, request, source)`` up to the order in which sums are added.

    Args:
        design: The design declared on ``data``.
        data: The microdata.
        requests: What to estimate.
        source: File name used in issue locations.

    Raises:
        InputError: Unknown columns or options, or a lonely PSU under the ``fail`` policy.
    """
    for request in requests:
        check_request(data, request, source)
    out: dict[int, Tabulation] = {}
    groups: dict[tuple[tuple[str, ...], str, str | None], list[int]] = {}
    for k, request in enumerate(requests):
        if request.stat == "quantile":
            out[k] = tabulate(design, data, request, source)
        else:
            groups.setdefault((request.variables, request.stat, request.denominator), []).append(k)
    wanted = [k for members in groups.values() for k in members]
    domains = nested_domains(data, [requests[k].by for k in wanted])
    position = {k: j for j, k in enumerate(wanted)}
    for (variables, stat, denominator), members in groups.items():
        picked = [position[k] for k in members]
        sets = [
            DomainSet(requests[k].by, requests[k].ci, requests[k].level, _df_rule(requests[k]))
            for k in members
        ]
        shared = NestedDomains(
            domains.codes,
            domains.n_cells,
            tuple(domains.maps[j] for j in picked),
            tuple(domains.sets[j] for j in picked),
        )
        with located_lonely_psu(source):
            found = estimate_sets(
                design,
                data,
                variables,
                sets,
                stat=Stat(stat),
                denominator=denominator,
                domains=shared,
            )
        for k, est in zip(members, found, strict=True):
            out[k] = Tabulation(apply_rules(est.to_frame(), requests[k].rules), est)
    return [out[k] for k in range(len(requests))]


def _df_rule(request: TabulateRequest) -> Literal["design", "domain"]:
    return "domain" if request.df == "domain" else "design"


@contextmanager
def located_lonely_psu(source: str = "") -> Iterator[None]:
    """Raise a lonely PSU of the block (``fail`` policy) as its located error.

    Args:
        source: File name used in the issue location.

    Raises:
        InputError: ``EST004`` (:func:`lonely_psu_error`), chained to the ``LonelyPsuError``.
    """
    try:
        yield
    except LonelyPsuError as err:
        raise lonely_psu_error(err, source) from err


def lonely_psu_error(err: LonelyPsuError, source: str = "") -> InputError:
    """The located error (``EST004``) of a lonely PSU under the ``fail`` policy."""
    return InputError(
        Issue(
            LONELY_PSU,
            f"{err}; choose a lonely-PSU policy (remove, certainty, adjust, average) "
            "or merge strata",
            Location(source),
        )
    )


def indicator_table(
    design: SurveyDesign,
    data: pd.DataFrame,
    indicators: Mapping[str, tuple[pd.Series, pd.Series]],
    request: TabulateRequest,
) -> Tabulation:
    """Estimate indicators given as ``id -> (numerator, universe)`` columns.

    Each indicator is the weighted mean of its numerator over the rows of its universe (a
    proportion for a 0/1 numerator), by the domains of ``request.by``.

    Args:
        design: The design declared on ``data``.
        data: The microdata (for the ``by`` columns).
        indicators: Numerator values and universe flags, row-aligned with ``data``.
        request: Domains, interval and rules (``variables`` and ``stat`` are ignored).
    """
    import pandas as pd

    cols: dict[str, Any] = {b: data[b] for b in request.by}
    for ind_id, (num, universe) in indicators.items():
        values = pd.to_numeric(num, errors="coerce").to_numpy(dtype=np.float64)
        keep = universe.fillna(False).astype(bool).to_numpy()
        cols[ind_id] = np.where(keep, values, np.nan)
    frame = pd.DataFrame(cols, index=data.index)
    sub = TabulateRequest(
        tuple(indicators),
        request.by,
        "mean",
        request.ci,
        request.level,
        request.df,
        rules=request.rules,
    )
    return tabulate(design, frame, sub)


def output_format(output: Path, fmt: str | None) -> str:
    """The tables format asked for: ``fmt``, or else the output file's extension.

    Raises:
        InputError: Not a known tables format (``EST002``, located at the output file).
    """
    from prisonsurvey.estimation.table_format import TableFormat

    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in {f.value for f in TableFormat}:
        raise InputError(
            Issue(
                BAD_REQUEST,
                "output format must be one of " + ", ".join(f.value for f in TableFormat),
                Location(str(output)),
            )
        )
    return chosen


def read_microdata(path: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a CSV, Parquet, Stata (``.dta``) or SPSS (``.sav``) file.

    Args:
        path: The data file.
        columns: Columns to read when they are all in the file (a CSV or Parquet file is then
            read by projection); otherwise, or when ``None``, every column, so that the checks
            name what is missing against the whole file.

    Raises:
        InputError: The file is missing, of an unknown type or unreadable (``EST003``).
    """
    from prisonsurvey.datafile import data_file_columns, read_data_file

    if columns is not None:
        header = data_file_columns(path, UNREADABLE)
        wanted = set(columns)
        if header is not None and wanted <= set(header):
            return read_data_file(path, UNREADABLE, [c for c in header if c in wanted])
    return read_data_file(path, UNREADABLE)


def request_columns(path: Path, spec: DesignSpec, request: TabulateRequest) -> list[str]:
    """The columns of ``path`` a request reads: its variables, domains and the design's."""
    from prisonsurvey.datafile import data_file_columns

    header = data_file_columns(path, UNREADABLE) or ()
    named = [*request.variables, *request.by]
    if request.denominator:
        named.append(request.denominator)
    return named + design_columns(spec, header)


@dataclass(frozen=True)
class FileRequest:
    """A request on a microdata file, and where and how its tables go.

    Attributes:
        data_path: CSV, Parquet, Stata or SPSS file.
        spec: Design columns.
        request: What to estimate.
        output: File to write the tables to.
        fmt: Output format (defaults to the output file's extension).
        lang: Language of table headers (``en`` or ``es``).
        title: Title of the tables.
        labels: Indicator labels by variable.
        instrument: Instrument folder whose ``indicators.yaml`` catalogue is estimated
            (``request.variables`` is then ignored).
        indicator_ids: Catalogue indicators to estimate (all when empty).
    """

    data_path: Path
    spec: DesignSpec
    request: TabulateRequest
    output: Path | None = None
    fmt: str | None = None
    lang: str = "en"
    title: str | None = None
    labels: Mapping[str, str] | None = None
    instrument: Path | None = None
    indicator_ids: Sequence[str] = ()


def called_with_fields(
    make: Callable[_P, _A],
) -> Callable[[Callable[[_A], _T]], Callable[_P, _T]]:
    """Call a function of one ``make(...)`` object with ``make``'s own parameters.

    ``called_with_fields(FileRequest)(run)(path, spec, request, output)`` is
    ``run(FileRequest(path, spec, request, output))``: the parameter list is the dataclass's.
    """

    def decorate(run: Callable[[_A], _T]) -> Callable[_P, _T]:
        @functools.wraps(run)
        def call(*args: _P.args, **kwargs: _P.kwargs) -> _T:
            return run(make(*args, **kwargs))

        return call

    return decorate


def tabulate_file_request(job: FileRequest) -> Tabulation:
    """Read a microdata file, declare its design, tabulate and optionally write the tables.

    :func:`tabulate_file` takes the fields of ``job`` as its parameters.

    Args:
        job: The file, design, request and output.

    Raises:
        InputError: Unreadable data, a bad design or request, or an unknown output format.
    """
    request, source = job.request, str(job.data_path)
    # a catalogue may use any column; a plain request reads only the columns it names
    data = read_microdata(
        job.data_path,
        None if job.instrument is not None else request_columns(job.data_path, job.spec, request),
    )
    design = design_from_frame(data, job.spec, source)
    labels = job.labels
    if job.instrument is not None:
        from prisonsurvey.estimation.catalogue import catalogue_labels, catalogue_table
        from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
        from prisonsurvey.questionnaire.load import load_questionnaire_or_raise

        questionnaire = load_questionnaire_or_raise(job.instrument)
        catalogue = load_indicators(job.instrument / INDICATORS_FILE, questionnaire)
        result = catalogue_table(design, data, catalogue, request, job.indicator_ids, source)
        labels = {**catalogue_labels(catalogue, job.lang), **(labels or {})}
    else:
        result = tabulate(design, data, request, source)
    if job.output is None:
        return result
    from prisonsurvey.estimation.writers import TableMeta, write_tables

    chosen = output_format(job.output, job.fmt)
    meta = TableMeta(
        title=job.title or f"{request.stat} by {', '.join(request.by) or 'total'}",
        by=request.by,
        labels=dict(labels or {}),
        lang=job.lang,
    )
    write_tables(result.table, job.output, chosen, meta)
    return Tabulation(result.table, result.estimates, job.output)


tabulate_file = called_with_fields(FileRequest)(tabulate_file_request)
"""``tabulate_file(data_path, spec, request, output=None, fmt=None, lang="en", ...)``: the
fields of :class:`FileRequest`, tabulated by :func:`tabulate_file_request`."""
