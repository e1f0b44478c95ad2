"""The example census of Arcadia is consistent with its frame and regenerates identically."""

from __future__ import annotations

import csv
import importlib.util
from types import ModuleType

import numpy as np
import pandas as pd

from prisonsurvey.estimation.census_catalogue import check_sums

from .conftest import CENSUS, COUNTRY, FRAME


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_census", COUNTRY / "make_census.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_row_per_frame_facility_with_its_capacity_and_population() -> None:
    census = pd.read_csv(CENSUS)
    frame = pd.read_csv(FRAME)
    assert census["facility"].tolist() == frame["code"].tolist()
    assert census["capacity_official"].tolist() == frame["official_capacity"].tolist()
    assert census["stock_total"].tolist() == frame["population"].tolist()
    cap = census[["capacity_official_male", "capacity_official_female"]].fillna(0).sum(axis=1)
    assert cap.tolist() == frame["official_capacity"].tolist()


def test_parts_add_up() -> None:
    census = pd.read_csv(CENSUS)
    assert list(check_sums(census, source=str(CENSUS))) == []
    untried = census[["stock_male_untried", "stock_female_untried"]].fillna(0).sum(axis=1)
    assert np.array_equal(untried.to_numpy(), census["stock_untried"].to_numpy())


def test_columns_are_census_questions(census_questionnaire: object) -> None:
    from prisonsurvey.questionnaire.compiled import variables_of
    from prisonsurvey.questionnaire.model import Questionnaire, QuestionType

    assert isinstance(census_questionnaire, Questionnaire)
    variables = variables_of(census_questionnaire)
    columns = pd.read_csv(CENSUS, nrows=0).columns.tolist()
    extra = [c for c in columns if c not in variables]
    assert extra == ["region"]
    data_questions = [n for n, v in variables.items() if v.type is not QuestionType.NOTE]
    assert [c for c in columns if c != "region"] == data_questions


def test_generator_is_deterministic() -> None:
    gen = _generator()
    rng = np.random.default_rng(gen.SEED)
    with FRAME.open(encoding="utf-8") as fh:
        rows = [gen.facility_row(rng, f) for f in csv.DictReader(fh)]
    with CENSUS.open(encoding="utf-8") as fh:
        shipped = list(csv.DictReader(fh))
    assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows] == shipped
