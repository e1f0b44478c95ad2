"""Country adaptations: the example validates, and each rule reports its code and location."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.adaptation import load_adapted
from prisonsurvey.cli import app
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "country"
CORE = REPO / "questionnaires" / "regional-inmate" / "1.0.0"


@pytest.fixture
def country(tmp_path: Path) -> Path:
    """A copy of the example country folder to edit."""
    folder = tmp_path / "country"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _write(folder: Path, text: str) -> Path:
    path = folder / "adaptation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_example_adaptation_validates_with_its_comparability_summary() -> None:
    result = load_adapted(EXAMPLE / "adaptation.yaml")
    assert result.issues.to_list() == []
    q = result.questionnaire
    assert q is not None and q.id == "arcadia-inmate" and q.languages == ("es", "en")
    summary = result.comparability
    assert summary is not None and summary.comparable
    core = load_questionnaire_or_raise(CORE)
    core_names = [x.name for x in core.questions() if x.holds_data]
    assert summary.not_fielded.keys() == {"sexual_orientation"}
    assert summary.adapted_items == {
        "offence_iccs": ("coded from the national question 'offence_national'",)
    }
    assert list(summary.kept) == [
        n for n in core_names if n not in ("sexual_orientation", "offence_iccs")
    ]
    assert summary.added == (
        "offence_national",
        "n1_arcadia",
        "nat_id_document",
        "nat_remote_hearing",
        "nat_remote_hearings_n",
        "nat_remote_private_lawyer",
        "nat_second_chance_known",
        "nat_second_chance_applied",
        "nat_voted",
    )
    # the national module sits right after the legal-status module
    names = [m.name for m in q.modules]
    assert names[names.index("m3_legal") + 1] == "n1_arcadia"
    # facilities come from the frame, with their region for choice filters
    facilities = q.choice_lists["facility"]
    assert len(facilities.choices) == 35 and facilities.local
    assert facilities.choices[0].code == 1001
    assert facilities.choices[0].filters == {"region": "capital"}
    # no Portuguese or French text is left in the adapted questionnaire
    assert set(q.question("age").label) == {"es", "en"}


def test_validate_cli_prints_the_summary_and_json_equals_library() -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["validate", str(EXAMPLE / "adaptation.yaml")])
    assert text.exit_code == 0, text.output
    assert "comparability with regional-inmate 1.0.0:" in text.stdout
    assert "1 not fielded" in text.stdout
    js = runner.invoke(app, ["validate", str(EXAMPLE), "--json"])
    assert js.exit_code == 0
    assert json.loads(js.stdout) == load_adapted(EXAMPLE).to_dict()


BASE = """\
base: regional-inmate@1.0.0
id: arcadia-inmate
version: 1.0.0
languages: [es, en]
"""


def test_undeclared_breaking_override_is_refused_until_declared(country: Path) -> None:
    path = _write(country, BASE + "overrides:\n  age:\n    relevant: ${consent} = 'yes'\n")
    result = load_adapted(path)
    assert not result.ok
    issue = next(i for i in result.issues if i.code == "ADP007")
    assert issue.location.file == str(path)
    assert issue.location.line == _line_of(path, "relevant:")
    declared = _write(
        country,
        BASE
        + "overrides:\n  age:\n    relevant: ${consent} = 'yes'\n"
        + "declared_changes:\n  age: asked again of everyone who consents\n",
    )
    ok = load_adapted(declared)
    assert ok.ok, ok.issues.to_list()
    assert ok.comparability is not None
    assert "age" in ok.comparability.adapted_items


def test_not_fielded_question_still_used_is_located(country: Path) -> None:
    path = _write(country, BASE + "not_fielded:\n  age: not asked\n")
    result = load_adapted(path)
    codes = {i.code for i in result.issues}
    assert "ADP005" in codes
    issue = next(i for i in result.issues if i.code == "ADP005")
    assert (issue.location.file, issue.location.line) == (str(path), _line_of(path, "  age:"))


def test_unknown_field_suggests_the_closest(country: Path) -> None:
    path = _write(country, BASE + "not_fieldd:\n  age: x\n")
    issue = next(i for i in load_adapted(path).issues if i.code == "ADP002")
    assert "not_fielded" in issue.message
    assert issue.location.line == _line_of(path, "not_fieldd")


def test_frame_without_the_named_column(country: Path) -> None:
    path = _write(
        country,
        BASE + "replace_choices:\n  facility: {from_csv: facilities.csv, code: codigo}\n",
    )
    issue = next(i for i in load_adapted(path).issues if i.code == "ADP006")
    assert "codigo" in issue.message
    assert issue.location.line == _line_of(path, "facility:")


def test_error_in_a_national_module_points_at_its_file(country: Path) -> None:
    module = country / "national_module.yaml"
    module.write_text(
        module.read_text("utf-8").replace("choices: yes_no_dk_rf", "choices: yes_no_dkrf", 1),
        encoding="utf-8",
    )
    path = _write(country, BASE + "modules:\n  - {file: national_module.yaml, after: m3_legal}\n")
    result = load_adapted(path)
    assert not result.ok
    issue = next(i for i in result.issues if i.code == "QNR111")
    assert issue.location.file == str(module)
    assert issue.location.line == _line_of(module, "yes_no_dkrf")


def test_added_language_takes_its_texts_and_reports_the_missing_ones(country: Path) -> None:
    (country / "ht.yaml").write_text(
        "title: Sondaj\nitems:\n  age:\n    label: Ki laj ou?\n", encoding="utf-8"
    )
    path = _write(
        country,
        BASE.replace("[es, en]", "[es, en, ht]") + "add_languages: {ht: ht.yaml}\n",
    )
    result = load_adapted(path)
    assert not result.ok  # every other text still lacks Haitian Creole
    assert any(i.code.startswith("QNR") for i in result.issues.errors)
    # the given text arrived: no missing-translation issue names the age label
    assert not any(
        "'age'" in i.message and "label" in i.message and "'ht'" in i.message
        for i in result.issues.errors
    )


def test_unknown_base_is_located(country: Path) -> None:
    path = _write(country, BASE.replace("regional-inmate@1.0.0", "regional-inmate@9.9.9"))
    issue = next(i for i in load_adapted(path).issues if i.code == "ADP004")
    assert issue.location.line == 1


def test_crosswalk_derives_the_core_code_from_national_codes() -> None:
    q = load_adapted(EXAMPLE / "adaptation.yaml").questionnaire
    assert q is not None
    national = q.question("offence_national")
    assert national.type.value == "select_one" and q.repeat_of("offence_national") is not None
    names = [x.name for x in q.questions()]
    assert names.index("offence_national") == names.index("offence_iccs") - 1
    iccs = q.question("offence_iccs")
    assert iccs.type.value == "calculate" and iccs.choices == "iccs_section"
    expr = compiled(q).get("offence_iccs", "calculation")
    assert expr is not None
    frame = pd.DataFrame({"offence_national": [101, 130, 160, 199, None]})
    got = evaluate(expr, frame).tolist()
    # offences.csv: 101 homicide -> 1, 130 rape -> 3, 160 drug trafficking -> 6, 199 other -> 11
    assert got[:4] == [1, 3, 6, 11] and (got[4] == "" or pd.isna(got[4]))


def test_crosswalk_to_a_code_the_core_list_lacks_is_located(country: Path) -> None:
    (country / "offences.csv").write_text("code,name,iccs\n101,Homicidio,1\n102,Otro,42\n", "utf-8")
    path = _write(
        country,
        BASE
        + "crosswalks:\n  - {question: offence_iccs, national_question: offence_national,\n"
        + "     from_csv: offences.csv, code: code, label: name, maps_to: iccs}\n",
    )
    issue = next(i for i in load_adapted(path).issues if i.code == "ADP006")
    assert issue.location.file.endswith("offences.csv")
    assert (issue.location.row, issue.location.column) == (3, "iccs")
