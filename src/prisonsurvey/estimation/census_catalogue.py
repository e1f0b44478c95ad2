"""Tabulate an instrument's indicator catalogue on a census: exact values, quality notes, warnings.

A census counts every unit (facility), so each indicator is an exact sum or a ratio of sums over
the units of a domain (:func:`~prisonsurvey.estimation.census.census_tabulate`), published
nationally and by each breakdown. Units outside an indicator's universe (figures not available)
are left out and counted; units whose figures are estimated (the indicator's ``estimated``
condition) are counted and named in the note. Indicators dividing by a catalogue parameter (such
as the national population) are published nationally only. Values outside an indicator's
``plausible_range``, for a unit or for a published figure, and stocks whose parts do not add up
to their totals are returned as warnings located at the file and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Issues, Location, Severity
from prisonsurvey.estimation.catalogue import CANNOT_EVALUATE, chosen_indicators
from prisonsurvey.estimation.census import CensusIndicator, census_tabulate
from prisonsurvey.questionnaire.expressions import ExpressionError
from prisonsurvey.questionnaire.indicators import (
    Indicator,
    IndicatorCatalogue,
    IndicatorKind,
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
    evaluate_indicator_estimated,
    parameter_values,
)

UNKNOWN_BREAKDOWN = "CEN001"
"""A breakdown asked for is not a column of the census data."""
IMPLAUSIBLE = "CEN010"
"""A unit's value or a published figure is outside the indicator's plausible range (warning)."""
NOT_ADDING_UP = "CEN011"
"""The parts of a total (stock by legal status, by age; deaths by cause) do not add up (warning)."""

CENSUS_COLUMNS = (
    "estimate",
    "numerator",
    "denominator",
    "n",
    "n_missing",
    "n_estimated",
    "status",
    "note",
)
"""Value columns of a census table, in the order the writers show them."""

NATIONAL = "Total"


@dataclass(frozen=True)
class SumRule:
    """A total that must equal the sum of its parts on every unit.

    Attributes:
        total: Column of the total.
        parts: Columns that add up to it (missing parts count as 0, as the form's calculations).
    """

    total: str
    parts: tuple[str, ...]


def _stock(sex: str, parts: Sequence[str]) -> SumRule:
    return SumRule(f"stock_{sex}", tuple(f"stock_{sex}_{p}" for p in parts))


_AGES = ("age_u18", "age_18_24", "age_25_34", "age_35_44", "age_45_59", "age_60p")
_LEGAL = ("untried", "appeal", "final", "measure")
_CAUSES = ("natural", "suicide", "homicide", "accident", "overdose", "unknown")

FACILITY_CENSUS_SUMS: tuple[SumRule, ...] = (
    _stock("male", _LEGAL),
    _stock("male", _AGES),
    _stock("female", _LEGAL),
    _stock("female", _AGES),
    SumRule("stock_total", ("stock_male", "stock_female")),
    SumRule(
        "deaths_total",
        tuple(f"deaths_{c}" for c in _CAUSES),
    ),
)
"""Adding-up rules of the facility census form (F3 stock, F6 deaths); rules whose columns are
absent from the data are skipped."""

_NOTES = {
    "en": {
        "estimated": "includes estimated figures from {n} {units}",
        "missing": "no data from {n} {units}",
        "units": "facilities",
        "unit": "facility",
        "implausible": "outside the plausible range {lo:g}-{hi:g}",
        "source": "Census: exact sums and ratios over every facility, no sampling variance.",
    },
    "es": {
        "estimated": "incluye cifras estimadas de {n} {units}",
        "missing": "sin datos de {n} {units}",
        "units": "establecimientos",
        "unit": "establecimiento",
        "implausible": "fuera del rango plausible {lo:g}-{hi:g}",
        "source": "Censo: sumas y razones exactas sobre todos los establecimientos, "
        "sin varianza de muestreo.",
    },
    "pt": {
        "estimated": "inclui cifras estimadas de {n} {units}",
        "missing": "sem dados de {n} {units}",
        "units": "estabelecimentos",
        "unit": "estabelecimento",
        "implausible": "fora do intervalo plausível {lo:g}-{hi:g}",
        "source": "Censo: somas e razões exatas sobre todos os estabelecimentos, "
        "sem variância amostral.",
    },
    "fr": {
        "estimated": "comprend des chiffres estimés pour {n} {units}",
        "missing": "aucune donnée pour {n} {units}",
        "units": "établissements",
        "unit": "établissement",
        "implausible": "hors de l'intervalle plausible {lo:g}-{hi:g}",
        "source": "Recensement : sommes et rapports exacts sur tous les établissements, "
        "sans variance d'échantillonnage.",
    },
}


def census_note(key: str, lang: str, **values: Any) -> str:
    """A note of census tables in ``lang`` (English when the language has none)."""
    notes = _NOTES.get(lang, _NOTES["en"])
    units = notes["unit"] if values.get("n") == 1 else notes["units"]
    return notes[key].format(units=units, **values)


@dataclass(frozen=True, eq=False)
class CensusTables:
    """Census indicators by domain, and the warnings found in the data.

    Attributes:
        table: One row per indicator and domain: ``variable`` (indicator id), ``domain`` (the
            breakdown, empty for the national figure), ``level`` (its category), then
            :data:`CENSUS_COLUMNS` and ``unit``.
        issues: Warnings (implausible values, totals not adding up), located in the data file.
        output: File written, if any.
    """

    table: pd.DataFrame
    issues: Issues = field(default_factory=Issues)
    output: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result: the estimates, the warnings and the file written."""
        records: list[dict[str, Any]] = []
        for row in self.table.to_dict("records"):
            records.append(
                {
                    str(k): (None if isinstance(v, float) and not np.isfinite(v) else v)
                    for k, v in row.items()
                }
            )
        return {
            "ok": True,
            "estimates": records,
            "warnings": self.issues.to_list(),
            "output": str(self.output) if self.output is not None else None,
        }


def check_sums(
    data: pd.DataFrame,
    rules: Sequence[SumRule] = FACILITY_CENSUS_SUMS,
    source: str = "",
    unit_id: str | None = "facility",
) -> Issues:
    """Warn about units whose parts do not add up to the total.

    A unit is checked when the total and at least one part are given.

    Args:
        data: One row per unit.
        rules: Totals and their parts; rules naming absent columns are skipped.
        source: Data file named in the locations (row 2 is the first data row of a CSV).
        unit_id: Column naming the unit in messages, when present.

    Returns:
        One ``CEN011`` warning per unit and rule that does not add up.
    """
    issues = Issues()
    for rule in rules:
        if rule.total not in data or any(p not in data for p in rule.parts):
            continue
        total = pd.to_numeric(data[rule.total], errors="coerce").to_numpy(np.float64)
        parts = data[list(rule.parts)].apply(pd.to_numeric, errors="coerce")
        given = parts.notna().any(axis=1).to_numpy()
        summed = parts.fillna(0).sum(axis=1).to_numpy(np.float64)
        bad = given & ~np.isnan(total) & (np.abs(summed - total) > 1e-9)
        for i in np.flatnonzero(bad):
            unit = _unit_name(data, int(i), unit_id)
            issues.add(
                Issue(
                    NOT_ADDING_UP,
                    f"{unit}{rule.total} is {total[i]:g} but {' + '.join(rule.parts)} = "
                    f"{summed[i]:g}; correct the figures so that the parts add up to the total",
                    Location(source, row=int(i) + 2, column=rule.total),
                    Severity.WARNING,
                )
            )
    return issues


def _unit_name(data: pd.DataFrame, i: int, unit_id: str | None) -> str:
    if unit_id is None or unit_id not in data:
        return ""
    return f"{unit_id} {data[unit_id].iloc[i]}: "


@dataclass
class _Columns:
    numerator: np.ndarray[Any, np.dtype[np.float64]]
    denominator: np.ndarray[Any, np.dtype[np.float64]] | None
    estimated: np.ndarray[Any, np.dtype[np.bool_]]


def _columns(ind: Indicator, data: pd.DataFrame, source: str) -> _Columns:
    try:
        num, _ = evaluate_indicator_columns(ind, data)
        estimated = evaluate_indicator_estimated(ind, data)
        den = None
        if ind.kind is not IndicatorKind.TOTAL and ind.denominator_external is None:
            den = evaluate_indicator_denominator(ind, data).to_numpy(np.float64)
    except ExpressionError as err:
        raise InputError(
            Issue(
                CANNOT_EVALUATE,
                f"indicator '{ind.id}' cannot be computed: {err.message}; the census file must "
                "have one column per question of the census form",
                Location(source),
            )
        ) from err
    return _Columns(num.to_numpy(np.float64), den, estimated.to_numpy(bool))


def _unit_warnings(
    ind: Indicator, cols: _Columns, data: pd.DataFrame, source: str, unit_id: str | None
) -> Issues:
    issues = Issues()
    if ind.plausible_range is None or ind.denominator_external is not None:
        return issues
    lo, hi = ind.plausible_range
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (
            cols.numerator
            if cols.denominator is None
            else cols.numerator / cols.denominator * ind.scale
        )
    bad = np.isfinite(values) & ((values < lo) | (values > hi))
    for i in np.flatnonzero(bad):
        issues.add(
            Issue(
                IMPLAUSIBLE,
                f"{_unit_name(data, int(i), unit_id)}{ind.id} is {values[i]:.4g} ({ind.unit}), "
                f"outside the plausible range {lo:g}-{hi:g}; check the figures it is computed "
                f"from ({', '.join(r for r in ind.expressions().values())})",
                Location(source, row=int(i) + 2),
                Severity.WARNING,
            )
        )
    return issues


def _domain_rows(
    ind: Indicator,
    cols: _Columns,
    data: pd.DataFrame,
    breakdown: str | None,
    parameters: Mapping[str, float],
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"__num": cols.numerator, "__estimated": cols.estimated},
        index=data.index,
    )
    den_col: str | None = None
    if cols.denominator is not None:
        frame["__den"] = cols.denominator
        den_col = "__den"
    if breakdown is not None:
        frame[breakdown] = data[breakdown].to_numpy()
    spec = CensusIndicator(ind.id, "__num", den_col, ind.scale)
    out = census_tabulate(frame, [spec], [breakdown] if breakdown else [], ["__estimated"])
    if ind.denominator_external is not None:
        value = parameters[ind.denominator_external]
        out["denominator"] = value
        out["value"] = out["numerator"] / value * ind.scale
    if breakdown is None:
        out["domain"] = ""
        out["level"] = NATIONAL
    else:
        out["domain"] = breakdown
        out["level"] = out.pop(breakdown)
    return out.rename(
        columns={
            "indicator": "variable",
            "value": "estimate",
            "n_units": "n",
            "flag___estimated": "n_estimated",
        }
    )


def census_catalogue_table(
    data: pd.DataFrame,
    catalogue: IndicatorCatalogue,
    by: Sequence[str] | None = None,
    parameters: Mapping[str, float] | None = None,
    ids: Sequence[str] = (),
    source: str = "",
    lang: str = "en",
    level_labels: Mapping[str, Mapping[Any, str]] | None = None,
    sums: Sequence[SumRule] = FACILITY_CENSUS_SUMS,
    unit_id: str | None = "facility",
) -> CensusTables:
    """Compute catalogue indicators on census data, nationally and by breakdown.

    Args:
        data: One row per unit, one column per question.
        catalogue: A catalogue loaded against the census questionnaire.
        by: Breakdown columns, each tabulated separately; ``None`` uses each indicator's own
            breakdowns (those present in ``data``). Indicators dividing by a parameter are
            national only.
        parameters: Values of the catalogue parameters (e.g. ``national_population``).
        ids: Indicators to compute (all when empty), in this order.
        source: Data file named in issue locations.
        lang: Language of the notes (``en``, ``es``, ``pt`` or ``fr``; English otherwise).
        level_labels: Category labels by breakdown column and value.
        sums: Adding-up rules checked on every unit.
        unit_id: Column naming the unit in warnings.

    Returns:
        The table and the warnings.

    Raises:
        InputError: Unknown indicator or breakdown, a needed parameter without a value, or an
            indicator whose columns are not in the data.
    """
    chosen = chosen_indicators(catalogue, ids, source)
    missing_by = [b for b in by or () if b not in data]
    if missing_by:
        raise InputError(
            [
                Issue(
                    UNKNOWN_BREAKDOWN,
                    f"breakdown '{b}' is not a column of the census data; columns such as "
                    "facility_function, sexes_held, operator or region can be used",
                    Location(source, column=b),
                )
                for b in missing_by
            ]
        )
    values = parameter_values(catalogue, parameters or {}, chosen)
    labels = level_labels or {}
    issues = check_sums(data, sums, source, unit_id)
    parts: list[pd.DataFrame] = []
    for ind_id in chosen:
        ind = catalogue.get(ind_id)
        cols = _columns(ind, data, source)
        issues.extend(_unit_warnings(ind, cols, data, source, unit_id))
        breakdowns: list[str | None] = [None]
        if ind.denominator_external is None:
            own = ind.breakdowns if by is None else tuple(by)
            breakdowns += [b for b in own if b in data]
        for breakdown in breakdowns:
            rows = _domain_rows(ind, cols, data, breakdown, values)
            if breakdown is not None and breakdown in labels:
                names = labels[breakdown]
                rows["level"] = [names.get(v, str(v)) for v in rows["level"]]
            rows["level"] = rows["level"].astype(str)
            parts.append(_finish(ind, rows, lang, source, issues))
    table = pd.concat(parts, ignore_index=True)
    return CensusTables(table[["variable", "domain", "level", *CENSUS_COLUMNS, "unit"]], issues)


def _finish(
    ind: Indicator, rows: pd.DataFrame, lang: str, source: str, issues: Issues
) -> pd.DataFrame:
    """Write the notes and status of each published figure; warn about implausible ones."""
    n_estimated = rows["n_estimated"].to_numpy(np.int64)
    n_missing = rows["n_missing"].to_numpy(np.int64)
    values = rows["estimate"].to_numpy(np.float64)
    bad = np.zeros(len(rows), dtype=bool)
    if ind.plausible_range is not None:
        lo, hi = ind.plausible_range
        bad = np.isfinite(values) & ((values < lo) | (values > hi))
    domains, levels = rows["domain"].to_numpy(), rows["level"].to_numpy()
    notes = [""] * len(rows)
    for i in np.flatnonzero((n_estimated > 0) | (n_missing > 0) | bad):
        parts: list[str] = []
        if n_estimated[i] > 0:
            parts.append(census_note("estimated", lang, n=int(n_estimated[i])))
        if n_missing[i] > 0:
            parts.append(census_note("missing", lang, n=int(n_missing[i])))
        if bad[i] and ind.plausible_range is not None:
            lo, hi = ind.plausible_range
            parts.append(census_note("implausible", lang, lo=lo, hi=hi))
            where = f"{domains[i]} {levels[i]}" if domains[i] else str(levels[i])
            issues.add(
                Issue(
                    IMPLAUSIBLE,
                    f"{ind.id} for {where} is {values[i]:.4g} ({ind.unit}), outside the "
                    f"plausible range {lo:g}-{hi:g}; check the data and the parameters",
                    Location(source),
                    Severity.WARNING,
                )
            )
        notes[i] = "; ".join(parts)
    rows["note"] = notes
    rows["status"] = np.where(bad, "flagged", "")
    rows["unit"] = ind.unit
    return rows
