"""The `prisonsurvey indicators` command: exit codes and --json equal to the library result."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.questionnaire.indicators import check_instrument_indicators

INSTRUMENT = Path(__file__).resolve().parents[2] / "questionnaires" / "regional-inmate" / "1.0.0"


def test_shipped_catalogue_is_valid_and_json_is_the_library_result() -> None:
    result = CliRunner().invoke(app, ["indicators", str(INSTRUMENT), "--json"])
    assert result.exit_code == 0, result.output
    expected = json.loads(
        json.dumps(check_instrument_indicators(INSTRUMENT).to_dict(), ensure_ascii=False)
    )
    assert json.loads(result.stdout) == expected
    assert expected["ok"] is True
    assert len(expected["indicators"]) >= 15


def test_broken_catalogue_exits_1_with_located_issue(tmp_path: Path) -> None:
    bad = tmp_path / "indicators.yaml"
    bad.write_text(
        "instrument: regional-inmate\n"
        "indicators:\n"
        "  - id: x\n"
        "    title: {es: a, en: a, pt: a, fr: a}\n"
        "    kind: proportion\n"
        "    numerator: ${sleep_plac} = 1\n"
        "    universe: ${age} >= 18\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["indicators", str(INSTRUMENT), "--catalogue", str(bad), "--json"]
    )
    assert result.exit_code == 1
    issues = json.loads(result.stdout)["issues"]
    assert [(i["code"], i["location"]["line"], i["location"]["column"]) for i in issues] == [
        ("IND011", 6, 16)
    ]


def test_missing_folder_or_catalogue_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["indicators", str(tmp_path / "nope")])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        app, ["indicators", str(INSTRUMENT), "--catalogue", str(tmp_path / "none.yaml"), "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["issues"][0]["code"] == "IND001"
