"""A purpose-built programme of four small rounds, one for each comparability class."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.region.rounds import core, region_yaml, write_package

from prisonsurvey.adaptation import load_adapted
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.region.run import Region, build_region

PT_ADAPTATION = """\
base: regional-inmate@1.0.0
id: lusitania-inmate
version: 1.0.0
title: {pt: Inquérito prisional da Lusitânia}
languages: [pt]
default_language: pt
overrides:
  sleep_place:
    label: {pt: "Onde você costuma dormir nesta unidade?"}
  health_care_needed:
    relevant: ${age} >= 21
declared_changes:
  health_care_needed: only people aged 21 or more are asked about health care
"""

EN_ADAPTATION = """\
base: regional-inmate@1.0.0
id: borealia-inmate
version: 1.0.0
title: {en: Borealia prison survey}
languages: [en]
default_language: en
not_fielded:
  m10_programmes: the prison service runs its own register of education and work
"""


def _adapted(folder: Path, text: str) -> Questionnaire:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adaptation.yaml").write_text(text, "utf-8")
    result = load_adapted(folder / "adaptation.yaml")
    assert result.questionnaire is not None, result.issues.to_list()
    return result.questionnaire


def _without_floor(q: Questionnaire) -> Questionnaire:
    """The core with the 'floor' answer of sleep_place removed (an undeclared break)."""
    lists = dict(q.choice_lists)
    old = lists["sleep_place"]
    lists["sleep_place"] = old.model_copy(
        update={"choices": tuple(c for c in old.choices if c.name != "floor")}
    )
    return q.model_copy(update={"id": "cisalpina-inmate", "choice_lists": lists})


CENSUS = Path(__file__).parents[2] / "examples" / "country" / "census" / "census_2025.csv"
"""Arcadia's facility census: AAA's census, and its first 12 facilities LUS's."""


@pytest.fixture(scope="session")
def programme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("programme")
    base = core()
    lines = CENSUS.read_text("utf-8").splitlines(keepends=True)
    (root / "census-aaa.csv").write_text("".join(lines), "utf-8")
    (root / "census-lus.csv").write_text("".join(lines[:13]), "utf-8")
    write_package(root / "aaa", base, 240, 1, scenario=False)
    write_package(root / "lus", _adapted(root / "lus-adapt", PT_ADAPTATION), 180, 2, scenario=False)
    write_package(root / "bor", _adapted(root / "bor-adapt", EN_ADAPTATION), 150, 3, scenario=False)
    write_package(root / "cis", _without_floor(base), 120, 4, scenario=False)
    region_yaml(
        root,
        [
            {
                "country": "AAA",
                "name": {"en": "Aland <b>&amp;</b>"},
                "year": 2026,
                "source": "aaa",
                "prison_population": 5000,
                "population": 4850000,
                "census": "census-aaa.csv",
            },
            {
                "country": "LUS",
                "name": {"pt": "Lusitânia", "en": "Lusitania"},
                "year": 2025,
                "source": "lus",
                "adaptation": "lus-adapt/adaptation.yaml",
                "prison_population": 3000,
                "census": "census-lus.csv",
            },
            {
                "country": "BOR",
                "name": {"en": "Borealia"},
                "year": 2026,
                "source": "bor",
                "adaptation": "bor-adapt/adaptation.yaml",
                "prison_population": 1500,
                "comparability": {
                    "victim_any_violence": {
                        "class": "not_comparable",
                        "reason": "<script>alert(1)</script> asked of the last 12 months",
                    }
                },
            },
            {
                "country": "CIS",
                "name": {"en": "Cisalpina"},
                "year": 2026,
                "source": "cis",
                "prison_population": 800,
            },
        ],
        "indicators: [no_own_bed, food_insufficient, health_care_denied, victim_any_violence,"
        " in_any_programme, in_paid_work, mean_age, mean_work_hours, children_under18_total]",
    )
    return root


@pytest.fixture(scope="session")
def region(programme: Path) -> Region:
    return build_region(programme)
