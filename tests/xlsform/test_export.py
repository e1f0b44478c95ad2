"""The rows the XLSForm export writes, pinned for a small questionnaire, and its options."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from prisonsurvey.errors import InputError, UsageError
from prisonsurvey.xlsform import build_sheets, export_xlsform, xlsform_version

from .sample import sample_questionnaire

GOLDEN = Path(__file__).parent / "golden" / "sample_sheets.json"
ES = "label::Español (es)"
EN = "label::English (en)"


def _sheets_as_json() -> dict[str, object]:
    sheets = build_sheets(sample_questionnaire())
    return {
        "survey_header": list(sheets.survey_header),
        "survey": list(sheets.survey),
        "choices_header": list(sheets.choices_header),
        "choices": list(sheets.choices),
        "settings": list(sheets.settings),
    }


def test_rows_match_golden() -> None:
    got = _sheets_as_json()
    if os.environ.get("PRISONSURVEY_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_survey_rows_carry_every_feature() -> None:
    sheets = build_sheets(sample_questionnaire())
    rows = {r["name"]: r for r in sheets.survey if r["type"] not in ("end_group", "end_repeat")}
    order = [r["name"] for r in sheets.survey]
    assert order[:4] == ["start", "end", "deviceid", "audit"]
    assert rows["pregnant"]["relevant"] == "${sex} = 2 and ${age} < 50"
    assert rows["pregnant"]["required"] == "${age} < 45"
    assert rows["reported"]["relevant"] == "selected(${harm}, '3')"
    assert rows["age"]["constraint"] == ". >= 18 and . <= 99"
    assert rows["age"]["constraint_message::English (en)"] == "Between 18 and 99"
    assert rows["facility"]["choice_filter"] == "region = ${region}"
    assert rows["facility"]["required_message::Español (es)"] == "Elija el centro"
    assert rows["kids"]["type"] == "begin_repeat"
    assert rows["kids"]["repeat_count"] == "${children}"
    assert rows["age_group"]["calculation"] == "if(${age} < 30, 1, 2)"
    assert rows["comments"]["appearance"] == "multiline"
    assert rows["sex"]["guidance_hint::English (en)"] == "Sex at birth"
    assert "[Show card: Card A" in rows["harm"]["guidance_hint::English (en)"]
    assert rows["m1_profile_intro"]["type"] == "note"
    # Self-administered module: hand-over note first, take-back note last, inside the group.
    m2 = order.index("m2_safety")
    assert order[m2 + 1] == "m2_safety_handover"
    assert order[order.index("reported") + 1] == "m2_safety_takeback"
    # A sensitive question in an interviewer module gets its own notes with its relevance.
    assert order[order.index("abuse") - 1] == "abuse_handover"
    assert rows["abuse_handover"]["relevant"] == "${visits} = 1"
    # Every text column is per language; no unnamed default language.
    assert "label" not in sheets.survey_header
    assert ES in sheets.survey_header and EN in sheets.survey_header


def test_choices_are_numeric_codes_with_filters() -> None:
    sheets = build_sheets(sample_questionnaire())
    assert all(r["name"].lstrip("-").isdigit() for r in sheets.choices)
    facility = [r for r in sheets.choices if r["list_name"] == "facility"]
    pairs = [(r["name"], r["region"]) for r in facility]
    assert pairs == [("101", "1"), ("102", "1"), ("201", "2")]
    assert "region" in sheets.choices_header


def test_settings() -> None:
    settings = build_sheets(sample_questionnaire(), form_id="sample_2026").settings[0]
    assert settings["form_id"] == "sample_2026"
    assert settings["version"] == "001002003"
    assert settings["default_language"] == "Español (es)"
    assert settings["form_title"] == "Encuesta de prueba"
    assert settings["instance_name"] == "concat(${facility}, '-', ${age})"
    assert "public_key" not in settings


def test_public_key_is_written_without_whitespace() -> None:
    key = "MIIBIjANBgkqhkiG9w0BAQEFAAOC\n  AQ8AMIIBCgKCAQEA"
    settings = build_sheets(sample_questionnaire(), public_key=key).settings[0]
    assert settings["public_key"] == "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"


def test_output_is_byte_identical(tmp_path: Path) -> None:
    a = export_xlsform(sample_questionnaire(), tmp_path / "a.xlsx")
    b = export_xlsform(sample_questionnaire(), tmp_path / "sub" / "b.xlsx")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    with zipfile.ZipFile(a) as z:
        core = z.read("docProps/core.xml").decode()
        assert "2000-01-01T00:00:00Z" in core
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_workbook_has_the_three_sheets(tmp_path: Path) -> None:
    path = export_xlsform(sample_questionnaire(), tmp_path / "f.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in wb["survey"][1]]
    assert header[:2] == ["type", "name"]


def test_facility_frame_replaces_the_list(tmp_path: Path) -> None:
    frame = tmp_path / "frame.csv"
    frame.write_text("code,name,region\n301,Penal Este,1\n302,Penal Oeste,2\n", encoding="utf-8")
    path = export_xlsform(sample_questionnaire(), tmp_path / "f.xlsx", facilities=frame)
    wb = load_workbook(path)
    ws = wb["choices"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)]
    facility = [r for r in rows if r["list_name"] == "facility"]
    assert [(r["name"], r[EN], r["region"]) for r in facility] == [
        ("301", "Penal Este", "1"),
        ("302", "Penal Oeste", "2"),
    ]


@pytest.mark.parametrize(
    ("text", "code", "row", "column"),
    [
        ("name\nPenal\n", "XLS011", 1, None),
        ("code,name\nX1,Penal\n", "XLS012", 2, "code"),
        ("code,name\n1,Penal\n1,Otro\n", "XLS013", 3, "code"),
        ("code,name\n1,\n", "XLS014", 2, "name"),
    ],
)
def test_bad_facility_frame_is_located(
    tmp_path: Path, text: str, code: str, row: int, column: str | None
) -> None:
    frame = tmp_path / "frame.csv"
    frame.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        export_xlsform(sample_questionnaire(), tmp_path / "f.xlsx", facilities=frame)
    issue = next(iter(err.value.issues))
    assert (issue.code, issue.location.row, issue.location.column) == (code, row, column)
    assert issue.location.file == str(frame)


@pytest.mark.parametrize(
    ("semver", "expected"),
    [("1.2.3", "001002003"), ("0.0.1", "000000001"), ("10.0.0", "010000000")],
)
def test_xlsform_version(semver: str, expected: str) -> None:
    assert xlsform_version(semver) == expected


def test_xlsform_versions_follow_semver_order() -> None:
    versions = ["0.9.9", "1.0.0", "1.0.10", "1.2.0", "1.10.0", "2.0.0", "10.0.0"]
    made = [xlsform_version(v) for v in versions]
    assert made == sorted(made)
    assert [int(v) for v in made] == sorted(int(v) for v in made)


@pytest.mark.parametrize("bad", ["1.2", "1.2.3-rc1", "1.1000.0", "v1.0.0"])
def test_xlsform_version_rejects(bad: str) -> None:
    with pytest.raises(UsageError):
        xlsform_version(bad)


def test_invalid_expression_is_bad_input(tmp_path: Path) -> None:
    q = sample_questionnaire()
    m3 = q.modules[2]
    items = tuple(
        i.model_copy(update={"relevant": "${visits} = 'maybe'"}) if i.name == "visit_days" else i
        for i in m3.items
    )
    q = q.model_copy(update={"modules": (*q.modules[:2], m3.model_copy(update={"items": items}))})
    with pytest.raises(InputError) as err:
        export_xlsform(q, tmp_path / "f.xlsx")
    assert "EXP012" in err.value.issues.codes()
    assert not (tmp_path / "f.xlsx").exists()
