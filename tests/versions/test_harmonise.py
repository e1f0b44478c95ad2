"""Data from two versions with a rename and a recode become one table."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import UsageError
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.versions.harmonise import harmonise

from .conftest import base_dict, build, question, text


def _versions() -> tuple[Questionnaire, Questionnaire]:
    old = base_dict()
    new = copy.deepcopy(old)
    new["version"] = "1.1.0"
    food = question(new, "food_ok")
    food["name"] = "food_enough"
    food["renamed_from"] = "food_ok"
    new["choice_lists"]["care"]["choices"][2] = {
        "code": 5,
        "name": "state",
        "label": text("State", "Estado"),
    }
    question(new, "kids_care")["recode_from"] = {3: 5}
    new["modules"][1]["items"].append(
        {"name": "water_ok", "type": "select_one", "choices": "yn", "label": text("Water?")}
    )
    return build(old), build(new)


def _frames() -> dict[str, pd.DataFrame]:
    v1 = pd.DataFrame(
        {
            "_key": ["a", "b"],
            "age": [30, 40],
            "has_kids": pd.array([1, 1], dtype="Int64"),
            "kids_care": ["1 3", "3"],
            "kids_care_1": [1.0, 0.0],
            "kids_care_2": [0.0, 0.0],
            "kids_care_3": [1.0, 1.0],
            "adult": [1, 1],
            "food_ok": pd.array([1, 2], dtype="Int64"),
        }
    )
    v2 = pd.DataFrame(
        {
            "_key": ["c"],
            "age": [25],
            "has_kids": pd.array([2], dtype="Int64"),
            "kids_care": [np.nan],
            "kids_care_1": [np.nan],
            "kids_care_2": [np.nan],
            "kids_care_5": [np.nan],
            "adult": [1],
            "food_enough": pd.array([98], dtype="Int64"),
            "water_ok": pd.array([1], dtype="Int64"),
        }
    )
    return {"1.0.0": v1, "1.1.0": v2}


def test_two_versions_become_one_table() -> None:
    old, new = _versions()
    result = harmonise(_frames(), {"1.0.0": old, "1.1.0": new})
    data = result.data.set_index("_key")
    assert list(data["_version"]) == ["1.0.0", "1.0.0", "1.1.0"]
    # rename carried the old column
    assert data["food_enough"].tolist() == [1, 2, 98]
    assert "food_ok" not in data.columns
    # recode 3 -> 5 in the answer and in the indicator columns
    assert data.loc["a", "kids_care"] == "1 5"
    assert data.loc["b", "kids_care"] == "5"
    assert data.loc["a", "kids_care_5"] == 1.0 and data.loc["a", "kids_care_1"] == 1.0
    assert "kids_care_3" not in data.columns
    # the new question was not asked in 1.0.0: recorded, not confused with unanswered
    assert result.not_asked == {"water_ok": ("1.0.0",)}
    mask = result.not_asked_mask()
    assert mask["water_ok"].tolist() == [True, True, False]
    assert data.loc["c", "water_ok"] == 1


def test_unknown_version_is_a_usage_error() -> None:
    old, _ = _versions()
    with pytest.raises(UsageError):
        harmonise(_frames(), {"1.0.0": old})
