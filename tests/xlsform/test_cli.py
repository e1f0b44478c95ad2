"""The instruments commands: files written, --json equal to the library result, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.xlsform import import_xlsform

from .test_import import HARNESS

FACILITY = Path(__file__).resolve().parents[2] / "questionnaires" / "facility-census" / "1.0.0"


def test_export_xlsform_writes_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "census.xlsx"
    result = CliRunner().invoke(
        app, ["export", "xlsform", str(FACILITY), "-o", str(out), "--form-id", "census_x", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == str(out)
    assert out.read_bytes()[:2] == b"PK"


def test_export_xlsform_bad_folder_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "xlsform", str(tmp_path / "none"), "-o", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 2
    assert "QNR000" in result.output


def test_export_xlsform_bad_frame_exits_2_with_location(tmp_path: Path) -> None:
    frame = tmp_path / "frame.csv"
    frame.write_text("code,name\nabc,Penal\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "export",
            "xlsform",
            str(FACILITY),
            "-o",
            str(tmp_path / "x.xlsx"),
            "--facilities",
            str(frame),
            "--json",
        ],
    )
    assert result.exit_code == 2
    issues = json.loads(result.stdout)["issues"]
    assert [(i["code"], i["location"]["row"], i["location"]["column"]) for i in issues] == [
        ("XLS012", 2, "code")
    ]


def test_preview_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "census.html"
    result = CliRunner().invoke(app, ["preview", str(FACILITY), "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in out.read_text(encoding="utf-8")


def test_preview_unknown_language_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["preview", str(FACILITY), "-o", str(tmp_path / "x.html"), "--lang", "de"]
    )
    assert result.exit_code == 2
    assert "PRV001" in result.output


def test_import_xlsform_json_equals_the_library(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import-xlsform", str(HARNESS), "-o", str(tmp_path / "cli"), "--json"]
    )
    assert result.exit_code == 0, result.output
    expected = import_xlsform(HARNESS, tmp_path / "cli").to_dict()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_import_xlsform_lossy_exits_1_and_unreadable_exits_2(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::English (en)"])
    ws.append(["geopoint", "where", "Where"])
    ws.append(["text", "ok", "OK"])
    wb.save(tmp_path / "f.xlsx")
    lossy = CliRunner().invoke(
        app, ["import-xlsform", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "q")]
    )
    assert lossy.exit_code == 1
    assert "XLS112" in lossy.output
    (tmp_path / "bad.xlsx").write_text("nope", encoding="utf-8")
    bad = CliRunner().invoke(
        app, ["import-xlsform", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "r")]
    )
    assert bad.exit_code == 2
