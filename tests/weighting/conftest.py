"""Reference data from R survey 4.1-1 (see tests/reference/README.md, made by reference.R)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from prisonsurvey.weighting import Margin, controls_from_mapping

REF = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="session")
def sample_all() -> pd.DataFrame:
    """tests/reference/data/prison_survey_5k.parquet: 5,916 sampled inmates (gen_data.py)."""
    return pd.read_parquet(REF / "data" / "prison_survey_5k.parquet")


@pytest.fixture(scope="session")
def respondents(sample_all: pd.DataFrame) -> pd.DataFrame:
    """The analysis rows of reference.R (responded == 1), in file order."""
    return sample_all[sample_all["responded"] == 1].reset_index(drop=True)


@pytest.fixture(scope="session")
def controls() -> dict[str, pd.DataFrame]:
    """tests/reference/data/prison_controls_5k.json as control tables."""
    raw = json.loads((REF / "data" / "prison_controls_5k.json").read_text())
    return controls_from_mapping(raw)


@pytest.fixture(scope="session")
def r_weights() -> pd.DataFrame:
    """tests/reference/r_calibrated_weights_5k.csv.gz: every adjusted weight, 17 digits."""
    return pd.read_csv(REF / "r_calibrated_weights_5k.csv.gz")


@pytest.fixture(scope="session")
def r_factors() -> pd.DataFrame:
    """tests/reference/r_replicate_factors_5k.csv.gz: JKn and bootstrap PSU multipliers."""
    return pd.read_csv(REF / "r_replicate_factors_5k.csv.gz")


@pytest.fixture(scope="session")
def r_reference() -> dict[str, object]:
    """tests/reference/r_reference_5k.json."""
    data: dict[str, object] = json.loads((REF / "r_reference_5k.json").read_text())
    return data


@pytest.fixture(scope="session")
def margins_cs_cl(controls: dict[str, pd.DataFrame]) -> list[Margin]:
    """The two raking margins of reference.R: country x sex and country x legal status."""
    csl = controls["country_sex_legal_status"]
    return [
        Margin.from_frame(csl, ["country", "sex"]),
        Margin.from_frame(csl, ["country", "legal_status"]),
    ]


@pytest.fixture(scope="session")
def margins_cal2(controls: dict[str, pd.DataFrame]) -> list[Margin]:
    """reference.R's cal2 margins: stratum populations + national sex and legal status."""
    csl = controls["country_sex_legal_status"]
    return [
        Margin.from_frame(controls["strata"], ["stratum"], "population"),
        Margin.from_frame(csl, ["sex"]),
        Margin.from_frame(csl, ["legal_status"]),
    ]
