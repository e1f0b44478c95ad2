"""``prisonsurvey validate``: exit codes, printed issues, JSON equal to the library result,
and the corpus of broken questionnaires (one clear message each, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.questionnaire.load import load_questionnaire

from ._helpers import Folder, module

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
VALID = HERE / "valid"

CORPUS: dict[str, tuple[str, str, int, int]] = {
    "syntax_error": ("QNR001", "m1_basics.yaml", 12, 9),
    "tabs": ("QNR002", "m1_basics.yaml", 10, 1),
    "duplicate_keys": ("QNR003", "m1_basics.yaml", 11, 5),
    "latin1": ("QNR004", "m1_basics.yaml", 2, 20),
    "empty_file": ("QNR005", "choices.yaml", 1, 1),
    "missing_module_file": ("QNR006", "questionnaire.yaml", 8, 5),
    "misspelled_field": ("QNR007", "m1_basics.yaml", 14, 5),
    "wrong_type": ("QNR008", "m1_basics.yaml", 14, 16),
    "invalid_name": ("QNR102", "m1_basics.yaml", 12, 11),
    "unknown_list": ("QNR111", "m1_basics.yaml", 10, 14),
    "missing_translation": ("QNR121", "m1_basics.yaml", 15, 12),
    "bad_version": ("QNR127", "questionnaire.yaml", 2, 10),
    "forward_reference": ("QNR134", "m1_basics.yaml", 7, 15),
    "calculation_cycle": ("QNR135", "m1_basics.yaml", 18, 18),
    "unknown_choice_name": ("EXP012", "m1_basics.yaml", 14, 33),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(CORPUS)


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_broken_questionnaire_gives_one_located_message(case: str) -> None:
    code, file, line, col = CORPUS[case]
    folder = BROKEN / case
    exit_code, out, err = run("validate", str(folder))
    assert exit_code == 1
    assert "Traceback" not in out + err
    lines = [x for x in err.splitlines() if x.startswith(str(folder))]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{folder / file}:{line}:{col}: {code} ")


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_json_equals_the_library_result(case: str) -> None:
    folder = BROKEN / case
    exit_code, out, _ = run("validate", str(folder), "--json")
    assert exit_code == 1
    assert json.loads(out) == json.loads(json.dumps(load_questionnaire(folder).to_dict()))


def test_valid_questionnaire_prints_a_summary() -> None:
    exit_code, out, err = run("validate", str(VALID))
    assert exit_code == 0
    assert err == ""
    assert out.startswith("broken-demo 1.0.0: valid; 1 modules, 3 questions, languages es, en")


def test_valid_json() -> None:
    exit_code, out, _ = run("validate", str(VALID), "--json")
    data = json.loads(out)
    assert exit_code == 0
    assert data == {
        "ok": True,
        "summary": {
            "id": "broken-demo",
            "version": "1.0.0",
            "modules": 1,
            "questions": 3,
            "languages": ["es", "en"],
        },
        "issues": [],
    }


def test_warnings_do_not_fail(folder: Folder) -> None:
    items = "  - name: age\n    type: integer\n    label: {es: a, en: b, fr: c}\n"
    exit_code, out, err = run("validate", str(folder(module(items))))
    assert exit_code == 0
    assert "QNR122" in err
    assert "valid" in out


@pytest.mark.parametrize("target", ["missing", "file.txt", "empty"])
def test_unreadable_input_exits_2(tmp_path: Path, target: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    exit_code, out, err = run("validate", str(tmp_path / target))
    assert exit_code == 2
    assert "QNR000" in err
    assert "Traceback" not in out + err


def test_unreadable_input_json(tmp_path: Path) -> None:
    exit_code, out, _ = run("validate", str(tmp_path / "nope"), "--json")
    assert exit_code == 2
    assert [i["code"] for i in json.loads(out)["issues"]] == ["QNR000"]
