"""The indicator catalogue of an instrument: model, loading with located issues, evaluation.

An instrument folder may hold ``indicators.yaml`` (see "Indicator catalogue" in
``docs/questionnaire-format.md``): the survey indicators an analyst publishes from it, each
with multilingual titles, a kind (proportion, mean, ratio, total or rate), its expressions in
the questionnaire's expression language (numerator, denominator, variable, universe), the
domains it is broken down by, the unit and the source it follows.

Modules: :mod:`~prisonsurvey.questionnaire.indicators.model` (the frozen pydantic catalogue and
the rules between its fields), :mod:`~prisonsurvey.questionnaire.indicators.rules` (the rules
against the questionnaire), :mod:`~prisonsurvey.questionnaire.indicators.load` (YAML to model,
:func:`check_indicators` collecting every problem as an ``IND`` issue located by
:mod:`~prisonsurvey.questionnaire.indicators.located`), and
:mod:`~prisonsurvey.questionnaire.indicators.evaluate` (numerator, denominator and universe
columns on any DataFrame of responses).
"""

from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.indicators.evaluate import (
    evaluate_indicator_columns,
    evaluate_indicator_denominator,
    evaluate_indicator_estimated,
    parameter_values,
)
from prisonsurvey.questionnaire.indicators.load import (
    INDICATORS_FILE,
    IndicatorCheck,
    check_indicators,
    check_instrument_indicators,
    load_indicators,
)
from prisonsurvey.questionnaire.indicators.model import (
    UNIT_SCALES,
    CatalogueParameter,
    Indicator,
    IndicatorCatalogue,
    IndicatorKind,
    ResolvedExpressions,
)

__all__ = [
    "INDICATORS_FILE",
    "UNIT_SCALES",
    "CatalogueParameter",
    "IndCode",
    "Indicator",
    "IndicatorCatalogue",
    "IndicatorCheck",
    "IndicatorKind",
    "ResolvedExpressions",
    "check_indicators",
    "check_instrument_indicators",
    "evaluate_indicator_columns",
    "evaluate_indicator_denominator",
    "evaluate_indicator_estimated",
    "load_indicators",
    "parameter_values",
]
