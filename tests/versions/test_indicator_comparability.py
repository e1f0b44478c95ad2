"""Tabulating across versions warns about indicators whose definition changed in between."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prisonsurvey.questionnaire.indicators import load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.versions.indicators import INDICATOR_NOT_COMPARABLE, indicator_comparability

from .conftest import SHIPPED, Edit

# A breaking change: water_enough is now asked only of people held more than 30 days.
BREAKING: list[Edit] = [
    (
        "m5_conditions.yaml",
        r"^  - name: water_enough$",
        "  - name: water_enough\n    relevant: ${age} >= 30",
    ),
]


def test_breaking_universe_change_warns_for_the_indicators_using_it(
    shipped_copy: Callable[[str, list[Edit]], Path],
) -> None:
    old = load_questionnaire_or_raise(SHIPPED)
    new = load_questionnaire_or_raise(shipped_copy("2.0.0", BREAKING))
    catalogue = load_indicators(SHIPPED / "indicators.yaml", new)
    issues = indicator_comparability(catalogue, {"1.0.0": old, "2.0.0": new})
    flagged = {i.location.file.split("#")[1] for i in issues}
    assert {i.code for i in issues} == {INDICATOR_NOT_COMPARABLE}
    using = {
        ind.id
        for ind in catalogue.indicators
        if any("water_enough" in (src or "") for src in ind.expressions().values())
    }
    assert using and flagged == using


def test_same_version_twice_gives_no_warning() -> None:
    q = load_questionnaire_or_raise(SHIPPED)
    catalogue = load_indicators(SHIPPED / "indicators.yaml", q)
    assert indicator_comparability(catalogue, {"1.0.0": q}) == []
