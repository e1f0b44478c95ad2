from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.project import Project, init_project

from .harness import FORM_VERSION, harness_questionnaire


def make_project(root: Path, form_versions: tuple[str, ...] = (FORM_VERSION,)) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "questionnaire.json").write_text(harness_questionnaire().model_dump_json())
    init_project(root, instrument="prison_harness@1.0.0", questionnaire_path="questionnaire.json")
    text = (root / "survey.yaml").read_text()
    if form_versions:
        line = f"  form_versions: [{', '.join(repr(v) for v in form_versions)}]\n"
        text = text.replace("  path: questionnaire.json\n", "  path: questionnaire.json\n" + line)
    (root / "survey.yaml").write_text(text)
    return Project.open(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")
