"""``tabulate DATA`` without pandas: Arrow reads the named columns, numpy does the rest.

:func:`tabulate_data_file` gives what :func:`~prisonsurvey.estimation.tabulate.tabulate_file`
gives. A plain request on a CSV or Parquet file (means, totals, proportions or ratios on a
design of weights, strata, PSUs and fpc, printed, as JSON or written as CSV) goes the Arrow
way: the columns it names are read with pyarrow, string columns are dictionary-encoded, the
design and the domain crossing are integer codes, and the table stays numpy columns
(:class:`~prisonsurvey.estimation.plain_table.PlainTable`). Everything else, and every input
with a problem, goes through ``tabulate_file``, so that what is accepted, every figure and
every error stay the same whichever way a request goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from prisonsurvey.design.spec import DesignSpec
from prisonsurvey.design.survey_design import (
    Factorized,
    LonelyPsu,
    SurveyDesign,
    build_design,
)
from prisonsurvey.errors import InputError
from prisonsurvey.estimation.arrow_columns import Column, read_columns
from prisonsurvey.estimation.domains import cross_codes
from prisonsurvey.estimation.estimators import Stat, category_columns, estimate_columns
from prisonsurvey.estimation.plain_table import PlainTable, plain_table
from prisonsurvey.estimation.table_format import TableFormat
from prisonsurvey.estimation.tabulate import (
    FileRequest,
    TabulateRequest,
    Tabulation,
    called_with_fields,
    located_lonely_psu,
    output_format,
    request_issues,
    tabulate_file_request,
)

FloatArray = npt.NDArray[np.float64]
PLAIN_STATS = ("mean", "total", "prop", "ratio")


@dataclass(frozen=True, eq=False)
class PlainTabulation:
    """Estimates with the rules applied, as plain columns (see :class:`Tabulation`).

    Attributes:
        table: The table.
        output: File written, if any.
    """

    table: PlainTable
    output: Path | None = None

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per estimate (suppressed values are ``None``)."""
        return self.table.to_records()


def tabulate_data_file_request(job: FileRequest) -> Tabulation | PlainTabulation:
    """Tabulate a microdata file as :func:`tabulate_file` does, through Arrow when it can.

    :func:`tabulate_data_file` takes the fields of ``job`` as its parameters, as
    :func:`tabulate_file` does.

    Args:
        job: The file, design, request and output.

    Raises:
        InputError: As :func:`tabulate_file`.
    """
    plain = job.instrument is None and _plain_request(job.spec, job.request)
    if plain and job.output is not None:
        try:
            plain = output_format(job.output, job.fmt) == TableFormat.CSV.value
        except InputError:
            plain = False
    table = tabulate_plain(job.data_path, job.spec, job.request) if plain else None
    if table is None:
        return tabulate_file_request(job)
    if job.output is not None:
        table.write_csv(job.output)
    return PlainTabulation(table, job.output)


tabulate_data_file = called_with_fields(FileRequest)(tabulate_data_file_request)
"""``tabulate_data_file(data_path, spec, request, output=None, ...)``: the fields of
:class:`~prisonsurvey.estimation.tabulate.FileRequest`, as :func:`tabulate_file` takes them."""


def _plain_request(spec: DesignSpec, request: TabulateRequest) -> bool:
    """Whether the Arrow way handles this design and statistic."""
    staged = spec.ssu is not None or spec.ssu_fpc is not None or spec.repweights is not None
    rep = spec.rep_scale is not None or spec.rep_rscales is not None
    policies = {p.value for p in LonelyPsu}
    return request.stat in PLAIN_STATS and not staged and not rep and spec.lonely_psu in policies


def tabulate_plain(
    data_path: Path, spec: DesignSpec, request: TabulateRequest
) -> PlainTable | None:
    """Estimate a plain request on a CSV or Parquet file, or ``None`` to leave it to pandas.

    ``None`` means the file, a column or the request is one this way does not read or check
    (see the module docstring): the caller then tabulates through pandas, which reports any
    problem with its located issue.

    Raises:
        InputError: A lonely PSU under the ``fail`` policy (``EST004``), as
            :func:`~prisonsurvey.estimation.tabulate.tabulate`.
    """
    if not data_path.is_file():
        return None
    named = [*request.variables, *request.by]
    if request.denominator:
        named.append(request.denominator)
    design_cols = [c for c in (spec.weight, spec.strata, spec.psu, spec.fpc) if c is not None]
    columns = read_columns(data_path, [*named, *design_cols])
    if columns is None:
        return None
    source = str(data_path)
    design = _design(columns, spec)
    if design is None or request_issues(columns, request, source):
        return None
    names: list[tuple[str, str | None]] = []
    values: list[FloatArray] = []
    for var in request.variables:
        col = columns[var]
        if request.stat == Stat.PROP or col.kind == "str":
            for level, dummy in category_columns(*col.factorize()):
                names.append((var, level))
                values.append(dummy)
        else:
            names.append((var, None))
            values.append(col.floats())
    denominator = None
    if request.stat == Stat.RATIO and request.denominator is not None:
        if columns[request.denominator].kind == "str":
            return None
        denominator = columns[request.denominator].floats()
    factorized = [columns[b].factorize() for b in request.by]
    if factorized:
        cells, by_levels = cross_codes(factorized, design.n)
        n_cells = len(by_levels[0])
    else:
        cells, by_levels, n_cells = np.zeros(design.n, dtype=np.intp), [], 1
    try:
        # the located error is an InputError, not a ValueError: it leaves this ``try``
        with located_lonely_psu(source):
            estimates, _ = estimate_columns(
                design,
                names,
                values,
                cells,
                n_cells,
                request.stat,
                denominator,
                request.ci,
                request.level,
                "domain" if request.df == "domain" else "design",
            )
    except ValueError:
        return None
    return plain_table(estimates, tuple(request.by), by_levels, request.rules)


def _design(columns: dict[str, Column], spec: DesignSpec) -> SurveyDesign | None:
    """The design of ``spec`` on clean columns; ``None`` when a design column has a problem."""
    weight = columns[spec.weight]
    if weight.kind == "str":
        return None
    weights = weight.floats()
    if not np.all(np.isfinite(weights) & (weights >= 0)):
        return None
    stages: list[Factorized | None] = []
    for name in (spec.strata, spec.psu):
        if name is None:
            stages.append(None)
            continue
        codes, labels = columns[name].factorize()
        if np.any(codes < 0):
            return None
        stages.append(Factorized(codes, tuple(labels)))
    fpc = None
    if spec.fpc is not None:
        if columns[spec.fpc].kind == "str" or columns[spec.fpc].has_missing():
            return None
        fpc = columns[spec.fpc].floats()
    try:
        return build_design(
            weights, strata=stages[0], psu=stages[1], fpc=fpc, lonely_psu=spec.lonely_psu
        )
    except ValueError:
        return None
