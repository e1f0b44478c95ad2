"""Import every real Central/KoBo/XML export of the harness and compare with the answers given.

Fixtures: tests/fixtures/odk-harness/ (exports made by ODK Central's and KoBoToolbox's own export
code from respondents filled by ODK Web Forms and JavaRosa; respondents/ holds the answers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType
from prisonsurvey.responses.importer import import_files
from prisonsurvey.responses.store import Store

from .harness import FIXTURES, harness_questionnaire

UUIDS = {
    "79f3b1d6-0f31-4710-b3c4-36e143026ce1": "r1",
    "a165fe17-aa6d-4574-823c-14b63d8f4860": "r2",
    "e93dc9c9-81b3-4af5-96bf-e124a4798411": "r3",
}

CENTRAL = [
    ["central/prison_harness.csv.zip"],
    ["central/prison_harness.nogroup.csv.zip"],
    ["central/prison_harness.split.csv.zip"],
    ["central/csv/prison_harness.csv", "central/csv/prison_harness-children.csv"],
    [
        "central/csv_no_group_paths/prison_harness.csv",
        "central/csv_no_group_paths/prison_harness-children.csv",
    ],
    [
        "central/csv_split_select_multiples/prison_harness.csv",
        "central/csv_split_select_multiples/prison_harness-children.csv",
    ],
]
KOBO_XLSX = sorted(str(p.relative_to(FIXTURES)) for p in (FIXTURES / "kobo").glob("*.xlsx"))
KOBO_CSV = sorted(str(p.relative_to(FIXTURES)) for p in (FIXTURES / "kobo").glob("*.csv"))
XML = ["submissions", "javarosa"]
ALL = [*CENTRAL, *[[f] for f in KOBO_XLSX], *[[f] for f in KOBO_CSV], *[[f] for f in XML]]


def _respondents() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in (FIXTURES / "respondents").glob("r*.json")}


def _expected(q: Questionnaire, answers: dict[str, Any], name: str, prefix: str = "") -> Any:
    for path, value in answers.items():
        if path.startswith(prefix) and path.split("/")[-1] == name:
            question = q.question(name)
            if question.type is QuestionType.SELECT_ONE:
                return q.choice_list(question).by_name()[value].code
            if question.type is QuestionType.SELECT_MULTIPLE:
                names = value.split() if isinstance(value, str) else list(value)
                lookup = q.choice_list(question).by_name()
                return sorted(lookup[n].code for n in names)
            if question.type is QuestionType.DATE:
                return pd.Timestamp(value)
            return value
    return None


def _actual(value: Any, qtype: QuestionType) -> Any:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if qtype is QuestionType.SELECT_MULTIPLE:
        return sorted(int(c) for c in value.split())
    if qtype in (QuestionType.INTEGER, QuestionType.SELECT_ONE):
        return int(value)
    return value


def _respondent_of(row: pd.Series, fmt_is_xml: bool) -> str:
    if fmt_is_xml:
        return Path(str(row["_source_file"])).stem
    return UUIDS[str(row["_key"]).removeprefix("uuid:")]


def _import(project: Project, files: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = import_files(project, [FIXTURES / f for f in files])
    assert result.quarantined == 0 and result.new == 3 and result.read == 3
    with Store.open(project) as store:
        assert store.quarantine().empty
        return store.responses("prison_harness"), store.responses("prison_harness", "children")


@pytest.mark.parametrize("files", ALL, ids=lambda f: f[0])
def test_every_value_matches_the_answers(project: Project, files: list[str]) -> None:
    q = harness_questionnaire()
    answers = _respondents()
    root, children = _import(project, files)
    is_xml = files[0] in XML
    assert len(root) == 3
    for _, row in root.iterrows():
        given = answers[_respondent_of(row, is_xml)]
        for question in q.questions():
            if not question.holds_data or question.type is QuestionType.CALCULATE:
                continue
            if q.repeat_of(question.name) is not None:
                continue
            expected = _expected(q, given, question.name)
            assert _actual(row[question.name], question.type) == expected, question.name
    if files[0].endswith(".csv") and "kobo" in files[0]:
        assert children.empty  # KoBo CSV holds the root table only
        return
    assert len(children) == 2
    r1 = root.loc[root["consent"] == 1, "_key"]
    for _, child in children.iterrows():
        assert child["_parent_key"] in set(r1)
        index = int(str(child["_key"]).rsplit("[", 1)[1].rstrip("]"))
        prefix = f"children[{index}]/"
        for name in ("child_name", "child_age", "child_contact"):
            question = q.question(name)
            expected = _expected(q, answers["r1"], name, prefix)
            assert _actual(child[name], question.type) == expected, name


def _question_columns(df: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in df.columns if not c.startswith("_") or c in ("_key", "_parent_key")]
    keep = [c for c in keep if c not in ("start", "end", "n_children")]
    return df[keep].sort_values("_key").reset_index(drop=True)


@pytest.mark.parametrize("kobo", KOBO_XLSX)
def test_central_and_kobo_give_identical_typed_tables(tmp_path: Path, kobo: str) -> None:
    from .conftest import make_project

    central = _import(make_project(tmp_path / "c"), ["central/prison_harness.csv.zip"])
    other = _import(make_project(tmp_path / "k"), [kobo])
    for a, b in zip(central, other, strict=True):
        pd.testing.assert_frame_equal(_question_columns(a), _question_columns(b))


def test_select_multiple_indicators_come_from_the_choice_list(project: Project) -> None:
    # the split export only has columns for values observed; every choice gets an indicator
    root, children = _import(project, ["central/prison_harness.csv.zip"])
    assert [c for c in root.columns if c.startswith("services_")][:5] == [
        "services_1",
        "services_2",
        "services_3",
        "services_4",
        "services_5",
    ]
    r2 = root.set_index("_key").loc["uuid:a165fe17-aa6d-4574-823c-14b63d8f4860"]
    assert [r2[f"services_{c}"] for c in range(1, 6)] == [0, 0, 1, 0, 1]
    r3 = root.set_index("_key").loc["uuid:e93dc9c9-81b3-4af5-96bf-e124a4798411"]
    assert pd.isna(r3["services_1"])
    assert list(children["child_contact_3"]) == [1, 0]


def test_raw_rows_keep_the_original_text(project: Project) -> None:
    _import(project, ["kobo/prison_harness.English_en.xlsx"])
    with Store.open(project) as store:
        raw = store.raw_rows()
    root = raw[raw["table_name"] == "root"]
    assert len(root) == 3 and len(raw) == 5
    first = json.loads(root.sort_values("row_number")["data"].iloc[0])
    assert first["Which services do you use?"] == "Education Family visits"
    assert first["Any other comments?"].startswith('Food is "bad"')
    assert set(root["row_number"]) == {2, 3, 4}


def test_constraint_violations_are_imported_for_quality_checks(project: Project) -> None:
    # negative/bad_age.xml: age 15 breaks the constraint; typing is fine, so it is imported
    # (constraints are the quality checks' business) and its empty questions are classified
    from prisonsurvey.responses.missing import missing_kinds

    result = import_files(project, [FIXTURES / "negative" / "bad_age.xml"])
    assert (result.new, result.quarantined) == (1, 0)
    with Store.open(project) as store:
        root = store.responses("prison_harness")
    assert root["age"].tolist() == [15]
    kinds = missing_kinds(harness_questionnaire(), root)
    assert kinds.loc[0, "region"] == "unanswered" and kinds.loc[0, "services_other"] == "skipped"


def test_questionnaire_imported_from_the_xlsform_reads_the_same(tmp_path: Path) -> None:
    from prisonsurvey.project import init_project
    from prisonsurvey.xlsform.importer import import_xlsform

    from .conftest import make_project

    import_xlsform(FIXTURES / "harness_form.xlsx", tmp_path / "form")
    project = init_project(
        tmp_path / "x", instrument="prison_harness@1.0.0", questionnaire_path=str(tmp_path / "form")
    )
    text = (project.root / "survey.yaml").read_text()
    (project.root / "survey.yaml").write_text(
        text.replace("  version: 1.0.0\n", "  version: 1.0.0\n  form_versions: ['2024061501']\n")
    )
    project = Project.open(project.root)
    exports = (["central/prison_harness.csv.zip"], ["kobo/prison_harness.English_en.xlsx"])
    for n, files in enumerate(exports):
        theirs = _import(make_project(tmp_path / f"hand{n}"), files)
        ours = _import(project, files)
        for a, b in zip(theirs, ours, strict=True):
            pd.testing.assert_frame_equal(_question_columns(a), _question_columns(b))
        project = Project.open(project.root)
        (project.store_path).unlink()
