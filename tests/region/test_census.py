"""Census indicators of the regional report: each country's equal the single-project census
tables of its file, the region's are totals of the countries' numerators and denominators."""

from __future__ import annotations

import pandas as pd
import pytest

from prisonsurvey.estimation.census_file import tabulate_census_file
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.region.census import CENSUS_IDS
from prisonsurvey.region.run import Region


def _figure(region: Region, area: str, ind: str) -> pd.Series:
    t = region.census
    got = t.loc[(t["area"] == area) & (t["indicator"] == ind)]
    assert len(got) == 1
    return got.iloc[0]


def test_country_figures_equal_the_census_tables_of_its_file(region: Region) -> None:
    own = tabulate_census_file(
        region.root / "census-aaa.csv",
        find_instrument("facility-census"),
        by=(),
        parameters={"national_population": 4_850_000},
        ids=CENSUS_IDS,
    ).table.set_index("variable")
    for ind in CENSUS_IDS:
        got = _figure(region, "AAA", ind)
        assert got["estimate"] == pytest.approx(own.loc[ind, "estimate"], rel=1e-12)
        assert got["n"] == own.loc[ind, "n"]
    assert _figure(region, "AAA", "occupancy")["year"] == 2025


def test_regional_figures_are_totals_over_the_countries(region: Region) -> None:
    aaa = pd.read_csv(region.root / "census-aaa.csv")
    lus = pd.read_csv(region.root / "census-lus.csv")
    both = pd.concat([aaa, lus])
    occupancy = _figure(region, "region", "occupancy")
    assert occupancy["numerator"] == both["stock_total"].sum()
    assert occupancy["denominator"] == both["capacity_official"].sum()
    assert occupancy["estimate"] == pytest.approx(
        100 * both["stock_total"].sum() / both["capacity_official"].sum(), rel=1e-12
    )
    share = _figure(region, "region", "unsentenced_share")
    assert share["estimate"] == pytest.approx(
        100 * both["stock_untried"].sum() / both["stock_total"].sum(), rel=1e-12
    )
    held = _figure(region, "region", "prison_population")
    assert held["estimate"] == both["stock_total"].sum()
    # LUS states no national population: its rate is not published and the regional rate is
    # over the national populations of the countries that have one
    assert pd.isna(_figure(region, "LUS", "prison_population_rate")["estimate"])
    rate = _figure(region, "region", "prison_population_rate")
    assert rate["denominator"] == 4_850_000
    assert rate["estimate"] == pytest.approx(1e5 * aaa["stock_total"].sum() / 4_850_000)
    assert "not included: LUS, BOR, CIS" in rate["note"]


def test_countries_without_a_census_show_no_number(region: Region) -> None:
    for ind in CENSUS_IDS:
        for area in ("BOR", "CIS"):
            got = _figure(region, area, ind)
            assert pd.isna(got["estimate"]) and got["status"] == "not_collected"
            assert got["note"] == "no facility census round"
