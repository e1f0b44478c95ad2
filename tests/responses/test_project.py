from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from prisonsurvey.errors import InputError
from prisonsurvey.project import Project, init_project, load_config, register_section
from prisonsurvey.project import model as project_model

from .conftest import make_project


def _codes_and_lines(err: InputError) -> list[tuple[str, int | None]]:
    return [(i.code, i.location.line) for i in err.issues]


def test_init_creates_a_project_that_opens(tmp_path: Path) -> None:
    project = make_project(tmp_path / "arc-2026")
    assert project.config.survey.id == "arc-2026"
    assert project.config.instrument.id == "prison_harness"
    assert project.questionnaire.id == "prison_harness"
    assert project.store_path == tmp_path / "arc-2026" / "data" / "store.duckdb"
    assert (tmp_path / "arc-2026" / "data").is_dir()


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    make_project(tmp_path / "p")
    with pytest.raises(InputError) as exc:
        init_project(tmp_path / "p")
    assert exc.value.issues.codes() == ["PRJ006"]


def test_init_needs_id_at_version(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        init_project(tmp_path / "p", instrument="regional-inmate")
    assert exc.value.issues.codes() == ["PRJ004"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "survey.yaml"
    path.write_text(text)
    return path


def test_unknown_section_is_located_with_a_suggestion(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "survey:\n  id: x\ninstrument:\n  id: a\n  version: 1.0.0\nfram: f.csv\n"
    )
    with pytest.raises(InputError) as exc:
        load_config(path)
    assert _codes_and_lines(exc.value) == [("PRJ003", 6)]
    assert exc.value.issues.errors[0].location.column == 1
    assert "'frame'" in exc.value.issues.errors[0].message


def test_missing_and_bad_values_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "survey:\n  id: Bad Id\ninstrument:\n  id: a\n")
    with pytest.raises(InputError) as exc:
        load_config(path)
    found = sorted(_codes_and_lines(exc.value), key=lambda x: x[1] or 0)
    assert found == [("PRJ004", 2), ("PRJ004", 3)]  # survey.id pattern; instrument.version


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "survey: [\n")
    with pytest.raises(InputError) as exc:
        load_config(path)
    assert exc.value.issues.codes() == ["PRJ002"]
    with pytest.raises(InputError) as exc:
        Project.open(tmp_path / "nowhere")
    assert exc.value.issues.codes() == ["PRJ001"]


def test_other_parts_can_register_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Quality(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        max_unanswered: float = 0.1

    monkeypatch.setattr(project_model, "_EXTRA_SECTIONS", {})
    register_section("quality", Quality)
    base = "survey:\n  id: x\ninstrument:\n  id: a\n  version: 1.0.0\n"
    config = load_config(_write(tmp_path, base + "quality:\n  max_unanswered: 0.2\n"))
    assert config.sections["quality"] == Quality(max_unanswered=0.2)
    with pytest.raises(InputError) as exc:
        load_config(_write(tmp_path, base + "quality:\n  max_unanswred: 0.2\n"))
    assert _codes_and_lines(exc.value) == [("PRJ004", 7)]


def test_questionnaire_must_match_the_instrument(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    text = (tmp_path / "p" / "survey.yaml").read_text().replace("version: 1.0.0", "version: 2.0.0")
    (tmp_path / "p" / "survey.yaml").write_text(text)
    with pytest.raises(InputError) as exc:
        _ = Project.open(project.root).questionnaire
    assert exc.value.issues.codes() == ["PRJ008"]


def test_reserved_sections_are_read_on_demand(tmp_path: Path) -> None:
    class Tabulate(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        min_cell: int = 30

    project = make_project(tmp_path / "p")
    path = project.root / "survey.yaml"
    path.write_text(path.read_text() + "tabulate:\n  min_cell: 50\n")
    opened = Project.open(project.root)
    assert opened.config.raw_sections == {"tabulate": {"min_cell": 50}}
    assert opened.section("tabulate", Tabulate) == Tabulate(min_cell=50)
    assert opened.section("quality", Tabulate) is None
    path.write_text(path.read_text().replace("min_cell: 50", "min_cel: 50"))
    with pytest.raises(InputError) as exc:
        Project.open(project.root).section("tabulate", Tabulate)
    issue = exc.value.issues.errors[0]
    assert issue.code == "PRJ004" and issue.location.line == len(path.read_text().splitlines())
