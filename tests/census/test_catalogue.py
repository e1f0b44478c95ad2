"""The census catalogue loads against the census form; the format's census additions are checked.

Additions: ``parameters`` (values from outside the responses), ``denominator_external``,
``estimated`` (a condition) and ``plausible_range``. Errors are asserted by code and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.questionnaire.indicators import (
    IndicatorCatalogue,
    IndicatorKind,
    check_indicators,
    check_instrument_indicators,
    parameter_values,
)
from prisonsurvey.questionnaire.model import Questionnaire

from .conftest import CATALOGUE, INSTRUMENT

LANGS = {"es", "en", "pt", "fr"}
DESIGN_LIST = {
    "prison_population_rate",
    "occupancy",
    "held_over_capacity",
    "unsentenced_share",
    "unsentenced_share_national",
    "pretrial_rate",
    "female_share",
    "foreign_share",
    "under18_held",
    "under18_per_facility",
    "mortality_rate",
    "suicide_rate",
    "inmates_per_custodial_staff",
    "education_share",
    "work_share",
    "escape_rate",
    "children_per_100_women",
    "deaths_natural_share",
    "deaths_suicide_share",
    "deaths_homicide_share",
}


def test_shipped_catalogue_is_valid_and_complete() -> None:
    result = check_instrument_indicators(INSTRUMENT)
    assert result.ok, [str(i) for i in result.issues]
    assert not result.issues
    catalogue = result.catalogue
    assert catalogue is not None
    assert set(catalogue.ids()) >= DESIGN_LIST
    for ind in catalogue.indicators:
        assert set(ind.title) == LANGS, ind.id
        assert ind.reference, ind.id
        assert ind.estimated is not None, ind.id


def test_rates_per_national_population_use_the_declared_parameter(
    census_catalogue: IndicatorCatalogue,
) -> None:
    assert [p.name for p in census_catalogue.parameters] == ["national_population"]
    param = census_catalogue.parameters[0]
    assert set(param.description) == LANGS
    assert (
        param.location.line
        == CATALOGUE.read_text().splitlines().index("  national_population:") + 1
    )
    for ind_id in ("prison_population_rate", "pretrial_rate"):
        ind = census_catalogue.get(ind_id)
        assert ind.kind is IndicatorKind.RATE
        assert ind.denominator_external == "national_population"
        assert ind.unit == "per_100000"
        assert ind.breakdowns == ()
    assert census_catalogue.get("occupancy").plausible_range == (20.0, 1000.0)


def test_parameter_values_are_required_and_positive(census_catalogue: IndicatorCatalogue) -> None:
    assert parameter_values(census_catalogue, {"national_population": 5e6}) == {
        "national_population": 5e6
    }
    # Indicators that do not divide by it need no value.
    assert parameter_values(census_catalogue, {}, ["occupancy"]) == {}
    for given in ({}, {"national_population": 0.0}, {"national_population": float("nan")}):
        with pytest.raises(InputError) as err:
            parameter_values(census_catalogue, given)
        assert err.value.issues.codes() == ["IND017"]
        assert err.value.issues.errors[0].location == census_catalogue.parameters[0].location


HEAD = """instrument: facility-census
parameters:
  national_population:
    description: {es: Población, en: Population, pt: População, fr: Population}
indicators:
"""
TITLE = "    title: {es: T, en: T, pt: T, fr: T}\n"


def _check(tmp_path: Path, q: Questionnaire, body: str, head: str = HEAD) -> list[tuple[str, int]]:
    path = tmp_path / "indicators.yaml"
    path.write_text(head + body, encoding="utf-8")
    result = check_indicators(path, q)
    return [(i.code, i.location.line or 0) for i in result.issues]


def test_external_denominator_must_name_a_declared_parameter(
    tmp_path: Path, census_questionnaire: Questionnaire
) -> None:
    body = (
        "  - id: rate\n" + TITLE + "    kind: rate\n    numerator: ${stock_total}\n"
        "    denominator_external: national_populaton\n    universe: ${stock_total} >= 0\n"
    )
    assert _check(tmp_path, census_questionnaire, body) == [("IND015", 10)]


def test_external_denominator_only_on_ratios_and_not_with_a_denominator(
    tmp_path: Path, census_questionnaire: Questionnaire
) -> None:
    body = (
        "  - id: share\n" + TITLE + "    kind: proportion\n    numerator: ${stock_total} > 0\n"
        "    denominator_external: national_population\n    universe: ${stock_total} >= 0\n"
        "  - id: both\n" + TITLE + "    kind: ratio\n    numerator: ${stock_total}\n"
        "    denominator: ${capacity_official}\n"
        "    denominator_external: national_population\n    universe: ${stock_total} >= 0\n"
    )
    codes = _check(tmp_path, census_questionnaire, body)
    assert ("IND015", 10) in codes
    assert ("IND015", 17) in codes


def test_a_ratio_with_an_external_denominator_needs_no_denominator(
    tmp_path: Path, census_questionnaire: Questionnaire
) -> None:
    body = (
        "  - id: rate\n" + TITLE + "    kind: rate\n    numerator: ${stock_total}\n"
        "    denominator_external: national_population\n    universe: ${stock_total} >= 0\n"
        "    unit: per_100000\n"
    )
    assert _check(tmp_path, census_questionnaire, body) == []


def test_bad_parameters_ranges_and_estimated_conditions(
    tmp_path: Path, census_questionnaire: Questionnaire
) -> None:
    head = "instrument: facility-census\nparameters: [national_population]\nindicators:\n"
    body = (
        "  - id: occ\n" + TITLE + "    kind: ratio\n    numerator: ${stock_total}\n"
        "    denominator: ${capacity_official}\n    universe: ${capacity_official} > 0\n"
        "    plausible_range: [1000, 20]\n"
        "    estimated: ${stock_source}\n"
    )
    codes = _check(tmp_path, census_questionnaire, body, head)
    assert ("IND016", 2) in codes
    assert ("IND018", 10) in codes
    assert ("IND014", 11) in codes


def test_estimated_condition_resolves_choice_names(
    tmp_path: Path, census_questionnaire: Questionnaire
) -> None:
    body = (
        "  - id: occ\n" + TITLE + "    kind: ratio\n    numerator: ${stock_total}\n"
        "    denominator: ${capacity_official}\n    universe: ${capacity_official} > 0\n"
        "    estimated: ${stock_source} = 'estimat'\n"
    )
    assert _check(tmp_path, census_questionnaire, body) == [("IND012", 12)]
