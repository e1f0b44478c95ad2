"""Every census indicator on four hand-built facilities, against values worked out by hand.

Codes from questionnaires/facility-census/1.0.0/choices.yaml, data_source: 1 records,
2 estimate, 98 not available. Facility D has no stock figures (stock_source 98), so it is outside
every universe that needs the stock; its calculate stock_total is 0 as the form computes it.

    facility        A      B      C      D
    stock_total   120     80    300      0 (not available)
    capacity      100    100    150     50  (C's capacity is an estimate)
    stock_source    1      2      1     98
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.estimation.census_catalogue import (
    IMPLAUSIBLE,
    NOT_ADDING_UP,
    SumRule,
    census_catalogue_table,
    check_sums,
)
from prisonsurvey.questionnaire.indicators import IndicatorCatalogue

NA = np.nan
FACILITIES: dict[str, list[object]] = {
    "facility": [1, 2, 3, 4],
    "facility_function": [2, 1, 3, 3],
    "stock_total": [120, 80, 300, 0],
    "stock_source": [1, 2, 1, 98],
    "capacity_official": [100, 100, 150, 50],
    "capacity_source": [1, 1, 2, 1],
    "stock_untried": [30, 60, 90, 0],
    "stock_unsentenced_national": [40, 64, 120, 0],
    "stock_female": [0, 80, 20, 0],
    "stock_foreign": [6, 2, 12, NA],
    "stock_male_age_u18": [NA, NA, 2, NA],
    "stock_female_age_u18": [NA, 3, 0, NA],
    "children_living": [NA, 8, 2, NA],
    "deaths_total": [2, 1, 3, NA],
    "deaths_natural": [1, 0, 2, NA],
    "deaths_suicide": [1, 0, 0, NA],
    "deaths_homicide": [0, 1, 0, NA],
    "deaths_accident": [0, 0, 0, NA],
    "deaths_overdose": [0, 0, 0, NA],
    "deaths_unknown": [0, 0, 1, NA],
    "population_start_year": [100, 60, 340, NA],
    "incidents_source": [1, 2, 1, 98],
    "flows_source": [1, 1, 1, 98],
    "escapes": [1, 0, 3, NA],
    "staff_custodial": [20, 10, 30, 5],
    "staff_source": [1, 1, 2, 1],
    "enrolled_education": [30, NA, 60, NA],
    "enrolled_work": [24, NA, 90, NA],
    "programmes_source": [1, 98, 1, 98],
}

# (value, numerator, denominator, facilities counted, without data, with estimates)
# A, B, C are in every stock universe; D is left out ("without data").
EXPECTED: dict[str, tuple[float, float, float, int, int, int]] = {
    # 120 + 80 + 300 = 500; B's stock is an estimate
    "prison_population": (500, 500, NA, 3, 1, 1),
    # 500 / 1,000,000 * 100,000 = 50
    "prison_population_rate": (50, 500, 1e6, 3, 1, 1),
    # 500 / (100 + 100 + 150) * 100 = 142.857...; estimates: B (stock), C (capacity)
    "occupancy": (500 / 350 * 100, 500, 350, 3, 1, 2),
    # over 100%: A (120 > 100) and C (300 > 150): (120 + 300) / 500 * 100 = 84
    "held_over_capacity": (84, 420, 500, 3, 1, 2),
    # (30 + 60 + 90) / 500 * 100 = 36
    "unsentenced_share": (36, 180, 500, 3, 1, 1),
    # (40 + 64 + 120) / 500 * 100 = 44.8
    "unsentenced_share_national": (44.8, 224, 500, 3, 1, 1),
    # 180 / 1,000,000 * 100,000 = 18
    "pretrial_rate": (18, 180, 1e6, 3, 1, 1),
    # (0 + 80 + 20) / 500 * 100 = 20
    "female_share": (20, 100, 500, 3, 1, 1),
    # (6 + 2 + 12) / 500 * 100 = 4
    "foreign_share": (4, 20, 500, 3, 1, 1),
    # A 0 (not asked), B 0 + 3, C 2 + 0: 5
    "under18_held": (5, 5, NA, 3, 1, 1),
    # 5 / 3 facilities
    "under18_per_facility": (5 / 3, 5, 3, 3, 1, 1),
    # children (A none, 8, 2) per 100 women (0 + 80 + 20): 10 / 100 * 100 = 10
    "children_per_100_women": (10, 10, 100, 3, 1, 1),
    # average population (100+120)/2 + (60+80)/2 + (340+300)/2 = 110 + 70 + 320 = 500;
    # deaths 2 + 1 + 3 = 6: 6 / 500 * 10,000 = 120; estimates: B (incidents and stock)
    "mortality_rate": (120, 6, 500, 3, 1, 1),
    # suicides 1 / 500 * 10,000 = 20
    "suicide_rate": (20, 1, 500, 3, 1, 1),
    # causes over the 6 deaths of A, B, C; B's incidents are estimated
    "deaths_natural_share": (50, 3, 6, 3, 1, 1),
    "deaths_suicide_share": (100 / 6, 1, 6, 3, 1, 1),
    "deaths_homicide_share": (100 / 6, 1, 6, 3, 1, 1),
    "deaths_accident_share": (0, 0, 6, 3, 1, 1),
    "deaths_overdose_share": (0, 0, 6, 3, 1, 1),
    "deaths_unknown_share": (100 / 6, 1, 6, 3, 1, 1),
    # escapes 1 + 0 + 3 = 4: 4 / 500 * 10,000 = 80
    "escape_rate": (80, 4, 500, 3, 1, 1),
    # 500 / (20 + 10 + 30) = 8.333...; D has staff but no stock; estimates: B (stock), C (staff)
    "inmates_per_custodial_staff": (500 / 60, 500, 60, 3, 1, 2),
    # programmes of A and C only (B and D not available): (30 + 60) / (120 + 300) * 100
    "education_share": (90 / 420 * 100, 90, 420, 2, 2, 0),
    # (24 + 90) / 420 * 100
    "work_share": (114 / 420 * 100, 114, 420, 2, 2, 0),
}


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12)


@pytest.fixture(scope="module")
def national(census_catalogue: IndicatorCatalogue) -> pd.DataFrame:
    data = pd.DataFrame(FACILITIES)
    result = census_catalogue_table(
        data, census_catalogue, by=(), parameters={"national_population": 1_000_000}
    )
    assert not result.issues
    return result.table.set_index("variable")


def test_every_indicator_has_a_hand_computed_value(census_catalogue: IndicatorCatalogue) -> None:
    assert set(EXPECTED) == set(census_catalogue.ids())


@pytest.mark.parametrize("ind_id", list(EXPECTED))
def test_national_value(national: pd.DataFrame, ind_id: str) -> None:
    value, num, den, n, missing, estimated = EXPECTED[ind_id]
    row = national.loc[ind_id]
    assert row["domain"] == ""
    assert _same(float(row["estimate"]), value), (row["estimate"], value)
    assert _same(float(row["numerator"]), num)
    assert _same(float(row["denominator"]), den)
    assert (row["n"], row["n_missing"], row["n_estimated"]) == (n, missing, estimated)
    assert bool(row["note"]) == (missing > 0 or estimated > 0)


def test_breakdowns_split_the_national_sums(census_catalogue: IndicatorCatalogue) -> None:
    data = pd.DataFrame(FACILITIES)
    result = census_catalogue_table(
        data,
        census_catalogue,
        by=["facility_function"],
        parameters={"national_population": 1_000_000},
        ids=["occupancy", "prison_population_rate"],
    )
    t = result.table
    occ = t[(t["variable"] == "occupancy") & (t["domain"] == "facility_function")]
    # function 1 (B): 80/100; 2 (A): 120/100; 3 (C, D without stock): 300/150
    assert occ["level"].tolist() == ["1", "2", "3"]
    assert occ["estimate"].tolist() == pytest.approx([80.0, 120.0, 200.0])
    assert occ["n_missing"].tolist() == [0, 0, 1]
    # A rate per national population is published nationally only.
    assert t[t["variable"] == "prison_population_rate"]["domain"].tolist() == [""]


def test_labels_replace_codes(census_catalogue: IndicatorCatalogue) -> None:
    result = census_catalogue_table(
        pd.DataFrame(FACILITIES),
        census_catalogue,
        by=["facility_function"],
        ids=["occupancy"],
        level_labels={"facility_function": {1: "Pretrial", 2: "Sentenced"}},
    )
    assert result.table["level"].tolist() == ["Total", "Pretrial", "Sentenced", "3"]


def test_unknown_breakdown_and_missing_parameter_are_input_errors(
    census_catalogue: IndicatorCatalogue,
) -> None:
    data = pd.DataFrame(FACILITIES)
    with pytest.raises(InputError) as err:
        census_catalogue_table(data, census_catalogue, by=["region"], ids=["occupancy"])
    assert err.value.issues.codes() == ["CEN001"]
    assert err.value.issues.errors[0].location.column == "region"
    with pytest.raises(InputError) as err:
        census_catalogue_table(data, census_catalogue, by=())
    assert err.value.issues.codes() == ["IND017"]


def test_implausible_occupancy_is_warned_and_flagged(census_catalogue: IndicatorCatalogue) -> None:
    data = pd.DataFrame(FACILITIES)
    # A reports 17 people for 100 places (as the OAS once published for a country): 17%.
    data.loc[0, "stock_total"] = 17
    result = census_catalogue_table(data, census_catalogue, by=["facility"], ids=["occupancy"])
    warnings = [(i.code, i.location.row) for i in result.issues]
    # the unit (data row 2 of the file) and its published per-facility figure
    assert (IMPLAUSIBLE, 2) in warnings
    assert all(i.severity.value == "warning" for i in result.issues)
    t = result.table
    facility_a = t[(t["domain"] == "facility") & (t["level"] == "1")].iloc[0]
    assert facility_a["estimate"] == pytest.approx(17.0)
    assert facility_a["status"] == "flagged"
    national_row = t[t["domain"] == ""].iloc[0]
    # (17 + 80 + 300) / 350 * 100 = 113.4: plausible
    assert national_row["estimate"] == pytest.approx(397 / 350 * 100)
    assert national_row["status"] == ""


def test_parts_not_adding_up_are_located() -> None:
    data = pd.DataFrame(
        {
            "facility": [7, 8, 9],
            "stock_male": [10, 10, 10],
            "stock_male_untried": [4, 4, NA],
            "stock_male_final": [6, 5, NA],
        }
    )
    rule = SumRule("stock_male", ("stock_male_untried", "stock_male_final"))
    issues = check_sums(data, [rule], "census.csv")
    # facility 8: 4 + 5 = 9 != 10, in data row 2 = file row 3; facility 9 gives no parts
    assert [(i.code, i.location.row, i.location.column) for i in issues] == [
        (NOT_ADDING_UP, 3, "stock_male")
    ]
    assert issues.errors == []
