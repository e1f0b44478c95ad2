"""import-xlsform: what it keeps, what it reports, and round trips through export."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from prisonsurvey.errors import InputError, Severity
from prisonsurvey.questionnaire.load import load_questionnaire, load_questionnaire_or_raise
from prisonsurvey.xlsform import export_xlsform, import_xlsform
from prisonsurvey.xlsform._logic import variables

from . import forms
from .xform_compare import signature

HARNESS = Path(__file__).resolve().parents[1] / "fixtures" / "odk-harness" / "harness_form.xlsx"


def _write(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_harness_form_round_trips_to_an_equivalent_xform(tmp_path: Path) -> None:
    result = import_xlsform(HARNESS, tmp_path / "q")
    assert all(i.severity is Severity.INFO for i in result.issues), result.issues.to_list()
    assert {"XLS114", "XLS115", "XLS118"} <= set(result.issues.codes())
    q = load_questionnaire_or_raise(tmp_path / "q")
    assert q.languages == ("en", "es")
    assert q.question("sex").choices == "sex"
    assert [c.code for c in q.choice_lists["sex"].choices] == [1, 2, 3]
    again = export_xlsform(q, tmp_path / "again.xlsx")
    original, warnings_a = forms.pyxform_convert(HARNESS, tmp_path / "original.xml")
    exported, warnings_b = forms.pyxform_convert(again, tmp_path / "again.xml")
    assert warnings_a == warnings_b == ()
    names = variables(q)
    a = signature(original.read_text(encoding="utf-8"), names)
    b = signature(exported.read_text(encoding="utf-8"), names)
    assert a["binds"] == b["binds"]
    assert a["choices"] == b["choices"]
    assert a["filters"] == b["filters"]
    added = {k for k in b["labels"] if k not in a["labels"]}
    assert all(k.split(":")[0] in {m.name for m in q.modules} for k in added)
    assert {k: b["labels"][k] for k in a["labels"]} == a["labels"]


@pytest.mark.parametrize("name", forms.FORMS)
def test_export_import_export_gives_the_same_xform(name: str, work: Path, tmp_path: Path) -> None:
    first = forms.xlsform(name, work)
    result = import_xlsform(first, tmp_path / "q")
    assert result.lossless, result.issues.to_list()
    loaded = load_questionnaire(tmp_path / "q")
    assert loaded.ok, [str(i) for i in loaded.issues]
    assert loaded.questionnaire is not None
    second = export_xlsform(loaded.questionnaire, tmp_path / "second.xlsx")
    a, _ = forms.xform(name, work)
    b, _ = forms.pyxform_convert(second, tmp_path / "second.xml")
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def test_what_cannot_be_represented_is_reported_where_it_is(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "odd.xlsx",
        {
            "survey": [
                ["type", "name", "label", "label::Español (es)", "image::English (en)", "relevant"],
                ["today", "today"],
                ["begin_group", "g1", "Group", "Grupo"],
                ["integer", "age", "Age", "Edad", "age.png"],
                ["geopoint", "where", "Where", "Dónde"],
                ["text", "Bad-Name", "Bad", "Malo"],
                ["text", "note_it", "Note only in English", None, None, "${age} >> 3"],
                ["select_one nolist", "pick", "Pick", "Elija"],
                ["end_group", "g1"],
            ],
            "choices": [["list_name", "name", "label", "label::Español (es)"]],
            "settings": [["form_id", "version"], ["Odd Form", "3"]],
        },
    )
    result = import_xlsform(path, tmp_path / "q")
    found = {(i.code, i.location.sheet, i.location.row, i.location.column) for i in result.issues}
    assert ("XLS110", "survey", 1, "label") in found  # text without a language
    assert ("XLS113", "survey", 2, "type") in found  # metadata not kept
    assert ("XLS111", "survey", 4, "image::English (en)") in found  # media column
    assert ("XLS112", "survey", 5, "type") in found  # geopoint
    assert ("XLS120", "survey", 6, "name") in found  # not snake_case
    assert ("XLS116", "survey", 7, "label") in found  # missing translation
    assert ("XLS117", "survey", 7, "relevant") in found  # bad expression
    assert ("XLS121", "survey", 8, "type") in found  # unknown list
    assert ("XLS122", "settings", 2, "form_id") in found
    assert ("XLS118", "settings", 2, "version") in found
    assert not result.lossless
    assert result.questionnaire.id == "odd-form"
    assert result.questionnaire.languages == ("en", "es")


@pytest.mark.parametrize(
    ("rows", "row"),
    [
        ([["type", "name"], ["begin_group", "g"], ["text", "a"]], 2),
        ([["type", "name"], ["text", "a"], ["end_group", "g"]], 3),
    ],
)
def test_unbalanced_groups_are_bad_input(
    tmp_path: Path, rows: list[list[object]], row: int
) -> None:
    path = _write(tmp_path / "f.xlsx", {"survey": rows})
    with pytest.raises(InputError) as err:
        import_xlsform(path, tmp_path / "q")
    issue = next(iter(err.value.issues))
    assert (issue.code, issue.location.sheet, issue.location.row) == ("XLS119", "survey", row)


def test_not_a_workbook_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_xlsform(path, tmp_path / "q")
    assert err.value.issues.codes() == ["XLS100"]
