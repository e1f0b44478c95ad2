"""Shared fixtures: the shipped instrument and its indicator catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.questionnaire.indicators import IndicatorCatalogue, load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire

INSTRUMENT = Path(__file__).resolve().parents[2] / "questionnaires" / "regional-inmate" / "1.0.0"


@pytest.fixture(scope="session")
def inmate_questionnaire() -> Questionnaire:
    return load_questionnaire_or_raise(INSTRUMENT)


@pytest.fixture(scope="session")
def inmate_catalogue(inmate_questionnaire: Questionnaire) -> IndicatorCatalogue:
    return load_indicators(INSTRUMENT / "indicators.yaml", inmate_questionnaire)
