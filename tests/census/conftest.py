"""Shared fixtures: the facility census questionnaire and its indicator catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.questionnaire.indicators import IndicatorCatalogue, load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "questionnaires" / "facility-census" / "1.0.0"
CATALOGUE = INSTRUMENT / "indicators.yaml"
COUNTRY = ROOT / "examples" / "country"
CENSUS = COUNTRY / "census" / "census_2025.csv"
FRAME = COUNTRY / "facilities.csv"


@pytest.fixture(scope="session")
def census_questionnaire() -> Questionnaire:
    return load_questionnaire_or_raise(INSTRUMENT)


@pytest.fixture(scope="session")
def census_catalogue(census_questionnaire: Questionnaire) -> IndicatorCatalogue:
    return load_indicators(CATALOGUE, census_questionnaire)
