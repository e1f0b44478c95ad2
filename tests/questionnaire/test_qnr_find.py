"""find_instrument: name, name@version, folder paths, latest version, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.questionnaire.find import (
    ENV_VAR,
    available_instruments,
    find_instrument,
    questionnaire_roots,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for version in ("1.0.0", "1.10.0", "1.9.3", "2.0.0-rc.1", "notes"):
        folder = tmp_path / "zz-test-inst" / version
        folder.mkdir(parents=True)
        if version != "notes":
            (folder / "questionnaire.yaml").write_text("id: zz-test-inst\n")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    return tmp_path


def test_latest_version_by_semantic_order(shelf: Path) -> None:
    assert find_instrument("zz-test-inst") == shelf / "zz-test-inst" / "1.10.0"


def test_given_version(shelf: Path) -> None:
    assert find_instrument("zz-test-inst@1.9.3") == shelf / "zz-test-inst" / "1.9.3"
    assert find_instrument("zz-test-inst@2.0.0-rc.1") == shelf / "zz-test-inst" / "2.0.0-rc.1"


def test_existing_folder_is_returned_as_is(tmp_path: Path) -> None:
    assert find_instrument(tmp_path) == tmp_path
    assert find_instrument(str(tmp_path)) == tmp_path


@pytest.mark.parametrize("name", ["zz-test-inst@9.9.9", "no-such-instrument", "a/b/c"])
def test_unknown_instrument_or_version(shelf: Path, name: str) -> None:
    with pytest.raises(InputError) as err:
        find_instrument(name)
    assert err.value.issues.codes() == ["QNR012"]
    assert "zz-test-inst@1.10.0" in err.value.issues.errors[0].message


def test_env_roots_come_first(shelf: Path) -> None:
    assert questionnaire_roots()[0] == shelf
    assert "zz-test-inst@1.0.0" in available_instruments()


def test_repository_questionnaires_are_found_from_a_checkout() -> None:
    assert REPO / "questionnaires" in questionnaire_roots()
    shipped = {p.parent.parent.name for p in (REPO / "questionnaires").glob("*/*/*.yaml")}
    for name in sorted(shipped):
        assert find_instrument(name).parent == REPO / "questionnaires" / name
