"""Evaluate an indicator on a table of responses, vectorised.

:func:`evaluate_indicator_columns` computes, on any DataFrame of responses, the two columns an
estimator needs: the numerator value of each row and whether the row is in the universe;
:func:`evaluate_indicator_denominator` the denominator of a ratio or rate;
:func:`evaluate_indicator_estimated` which rows hold estimated figures. The expressions are
those the loader resolved (choice names as codes), evaluated with ODK semantics by
:func:`~prisonsurvey.questionnaire.expressions.evaluate`. :func:`parameter_values` checks the
values given for the catalogue's parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Issues, UsageError
from prisonsurvey.questionnaire.expressions import Expr, evaluate, parse
from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.indicators.model import (
    Indicator,
    IndicatorCatalogue,
    IndicatorKind,
)


def _compiled(indicator: Indicator, role: str) -> Expr:
    if indicator.resolved is None:
        raise UsageError(
            f"indicator '{indicator.id}' has not been resolved against a questionnaire; "
            "load it with load_indicators()"
        )
    source = getattr(indicator.resolved, role)
    if source is None:
        raise UsageError(f"indicator '{indicator.id}' ({indicator.kind.value}) has no {role}")
    return parse(source)


def _as_bool(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values
    numbers = pd.to_numeric(values, errors="coerce")
    return pd.Series(numbers.fillna(0).to_numpy() != 0, index=values.index, dtype=bool)


def _as_float(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values.astype(np.float64)
    return pd.to_numeric(values, errors="coerce").astype(np.float64)


def evaluate_indicator_columns(
    indicator: Indicator, data: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Compute, for every row of ``data``, the indicator's numerator and universe membership.

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question (see the data conventions in
            ``docs/questionnaire-format.md``).

    Returns:
        ``(numerator, universe)`` indexed like ``data``. ``universe`` is boolean. ``numerator``
        is float: 1.0/0.0 for a proportion, the variable for a mean or total, the numerator of
        a ratio or rate; it is NaN outside the universe (and where a numeric value is missing),
        so an estimator that drops missing values estimates over the universe.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the expressions need is missing from ``data`` (EXP010).
    """
    universe = _as_bool(evaluate(_compiled(indicator, "universe"), data))
    role = (
        "variable" if indicator.kind in (IndicatorKind.MEAN, IndicatorKind.TOTAL) else "numerator"
    )
    raw = evaluate(_compiled(indicator, role), data)
    values = (
        _as_bool(raw).astype(np.float64)
        if indicator.kind is IndicatorKind.PROPORTION
        else _as_float(raw)
    )
    return values.where(universe), universe


def evaluate_indicator_denominator(indicator: Indicator, data: pd.DataFrame) -> pd.Series:
    """Compute the denominator column, so that every estimate is a ratio of weighted sums.

    For a ratio or rate this is the denominator expression; for a proportion, mean or total it
    is 1.0. Either way it is NaN outside the universe, so
    ``sum(w * numerator) / sum(w * denominator)`` over the rows gives the indicator (a total
    uses the numerator sum alone).

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question.

    Returns:
        Float series indexed like ``data``.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the expressions need is missing from ``data`` (EXP010).
    """
    universe = _as_bool(evaluate(_compiled(indicator, "universe"), data))
    if indicator.denominator_external is not None:
        raise UsageError(
            f"indicator '{indicator.id}' divides by the parameter "
            f"'{indicator.denominator_external}', not by a column; divide the numerator total "
            "by the parameter's value (see parameter_values())"
        )
    if indicator.kind in (IndicatorKind.RATIO, IndicatorKind.RATE):
        values = _as_float(evaluate(_compiled(indicator, "denominator"), data))
    else:
        values = pd.Series(1.0, index=data.index, dtype=np.float64)
    return values.where(universe)


def evaluate_indicator_estimated(indicator: Indicator, data: pd.DataFrame) -> pd.Series:
    """Whether each row's figures for ``indicator`` are (partly) estimated.

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question.

    Returns:
        Boolean series indexed like ``data``; all false when the indicator has no ``estimated``
        condition.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the condition needs is missing from ``data`` (EXP010).
    """
    if indicator.estimated is None:
        return pd.Series(False, index=data.index, dtype=bool)
    return _as_bool(evaluate(_compiled(indicator, "estimated"), data))


def parameter_values(
    catalogue: IndicatorCatalogue,
    given: Mapping[str, float],
    indicator_ids: list[str] | tuple[str, ...] = (),
) -> dict[str, float]:
    """Check that every parameter the chosen indicators divide by has a positive value.

    Args:
        catalogue: A loaded catalogue.
        given: Values by parameter name (e.g. from ``--param national_population=4850000``).
        indicator_ids: The indicators to be computed (all when empty).

    Returns:
        The values of the parameters the chosen indicators need.

    Raises:
        InputError: A needed parameter has no value or a value that is not a positive number
            (IND017, located at its declaration in the catalogue).
    """
    declared = {p.name: p for p in catalogue.parameters}
    chosen = [catalogue.get(i) for i in indicator_ids] if indicator_ids else catalogue.indicators
    needed = dict.fromkeys(
        i.denominator_external for i in chosen if i.denominator_external is not None
    )
    issues = Issues()
    out: dict[str, float] = {}
    for name in needed:
        param = declared[name]
        users = ", ".join(i.id for i in chosen if i.denominator_external == name)
        value = given.get(name)
        if value is None or not np.isfinite(value) or value <= 0:
            what = "has no value" if value is None else f"is {value}, not a positive number"
            issues.add(
                Issue(
                    IndCode.MISSING_PARAMETER.value,
                    f"parameter '{name}' {what}; the indicators {users} divide by it: give "
                    f"its value when tabulating, e.g. --param {name}=N",
                    param.location,
                )
            )
            continue
        out[name] = float(value)
    if issues:
        raise InputError(issues)
    return out
