"""Submissions from two versions imported into one project come out as one harmonised table."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd

from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses import Store, import_files, missing_kinds

from .conftest import base_dict, build, question, text


def _v110() -> Questionnaire:
    new = copy.deepcopy(base_dict())
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
    return build(new)


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "round"
    (root / "q").mkdir(parents=True)
    (root / "q" / "mini-1.0.0.json").write_text(build(base_dict()).model_dump_json(), "utf-8")
    (root / "q" / "mini-1.1.0.json").write_text(_v110().model_dump_json(), "utf-8")
    (root / "survey.yaml").write_text(
        "survey: {id: mini-round}\n"
        "instrument:\n"
        "  id: mini\n"
        "  version: 1.1.0\n"
        "  path: q/mini-1.1.0.json\n"
        "  previous:\n"
        "    - {version: 1.0.0, path: q/mini-1.0.0.json}\n",
        "utf-8",
    )
    return Project.open(root)


def test_two_versions_import_into_one_harmonised_table(tmp_path: Path) -> None:
    project = _project(tmp_path)
    old = tmp_path / "old.csv"
    old.write_text(
        "_key,FormVersion,age,has_kids,kids_care,food_ok\n"
        "uuid:a,1.0.0,30,1,1 3,1\n"
        "uuid:b,1.0.0,45,2,,2\n",
        "utf-8",
    )
    new = tmp_path / "new.csv"
    new.write_text(
        "_key,FormVersion,age,has_kids,kids_care,food_enough,water_ok\nuuid:c,1.1.0,25,1,5,98,1\n",
        "utf-8",
    )
    first = import_files(project, [old])
    second = import_files(project, [new])
    assert (first.new, second.new) == (2, 1)
    with Store.open(project, read_only=True) as store:
        data = store.responses("mini").set_index("_key")
    assert data["_version"].tolist() == ["1.0.0", "1.0.0", "1.1.0"]
    # the rename carried the 1.0.0 answers into the new column
    assert data["food_enough"].tolist() == [1, 2, 98]
    assert "food_ok" not in data.columns
    # the recode turned 3 into 5, in the answer and its indicator columns
    assert data.loc["uuid:a", "kids_care"] == "1 5"
    assert data.loc["uuid:a", "kids_care_5"] == 1
    assert data.loc["uuid:c", "kids_care_5"] == 1
    # water_ok did not exist in 1.0.0: not asked there, not unanswered
    kinds = missing_kinds(project.questionnaire, data)
    assert kinds["water_ok"].tolist() == ["not_asked", "not_asked", None]
    assert pd.isna(data.loc["uuid:a", "water_ok"])
