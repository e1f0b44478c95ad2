"""region.yaml: the commented file `region init` writes, located errors, round sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.errors import InputError
from prisonsurvey.region.load import init_region, load_region


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_init_writes_a_commented_file_whose_round_source_is_checked(tmp_path: Path) -> None:
    path = init_region(tmp_path / "americas")
    text = path.read_text("utf-8")
    assert text.startswith("# Regional programme")
    assert "id: americas" in text
    with pytest.raises(InputError) as err:
        load_region(path)
    (issue,) = err.value.issues
    assert issue.code == "REG003"
    assert issue.location.line == _line_of(path, "source: arcadia/")
    (tmp_path / "americas" / "arcadia").mkdir()
    (tmp_path / "americas" / "arcadia" / "release.json").write_text("{}", "utf-8")
    config = load_region(path)
    assert config.rounds[0].country == "ARC"
    assert config.rounds[0].prison_population == 9800
    assert config.languages == ("es", "en", "pt", "fr")


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_region(tmp_path)
    with pytest.raises(InputError) as err:
        init_region(tmp_path)
    assert next(iter(err.value.issues)).code == "REG004"


def test_errors_are_located_at_their_node(tmp_path: Path) -> None:
    path = tmp_path / "region.yaml"
    path.write_text(
        "programme: {id: Bad Id}\n"
        "rounds:\n"
        "  - country: ARC\n"
        "    name: {en: Arcadia}\n"
        "    year: 2026\n"
        "    source: a\n"
        "    prison_popultion: 100\n"
        "  - country: arc\n"
        "    name: {en: Again}\n"
        "    source: b\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        load_region(tmp_path)
    found = {(i.code, i.location.line, i.message.split(":")[0]) for i in err.value.issues}
    assert ("REG002", 1, "'programme.id'") in found
    assert any(i.location.line == 7 and "prison_popultion" in i.message for i in err.value.issues)
    assert any(i.location.line == 8 and "rounds.1.country" in i.message for i in err.value.issues)
    assert any("rounds.1.year" in i.message and "required" in i.message for i in err.value.issues)


def test_missing_file_and_cli_exit_codes(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_region(tmp_path)
    assert next(iter(err.value.issues)).code == "REG001"
    runner = CliRunner()
    result = runner.invoke(app, ["region", "report", str(tmp_path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "REG001" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(
        app, ["region", "report", str(tmp_path), "-o", str(tmp_path / "o"), "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.output)["issues"][0]["code"] == "REG001"
    result = runner.invoke(app, ["region", "init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "region.yaml").is_file()


def test_a_missing_census_file_is_located_and_exits_2(tmp_path: Path) -> None:
    path = init_region(tmp_path / "americas")
    (tmp_path / "americas" / "arcadia").mkdir()
    (tmp_path / "americas" / "arcadia" / "release.json").write_text("{}", "utf-8")
    text = path.read_text("utf-8").replace(
        "    source: arcadia/\n", "    source: arcadia/\n    census: arcadia/census.csv\n", 1
    )
    assert "census: arcadia/census.csv" in text
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        load_region(path)
    (issue,) = err.value.issues
    assert issue.code == "REG009"
    assert issue.location.line == _line_of(path, "census: arcadia/census.csv")
    assert "arcadia/census.csv" in issue.message
    result = CliRunner().invoke(
        app, ["region", "report", str(path.parent), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "REG009" in result.output
    assert "Traceback" not in result.output
