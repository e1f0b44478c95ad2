from __future__ import annotations

import signal
import subprocess
import sys
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


def import_killed(project_root: Path, export: Path, hook: str) -> None:
    """Import ``export`` in a child process that runs ``hook`` first; it must die by SIGKILL.

    ``hook`` is Python lines run after ``os``, ``signal``, ``importer`` and ``import_direct``
    are imported; it sets up the kill (e.g. replaces a step with one that kills the process).
    """
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from prisonsurvey.project import Project\n"
        "from prisonsurvey.responses import import_direct, importer\n"
        f"{hook}"
        "importer.import_files(Project.open(Path(sys.argv[1])), [Path(sys.argv[2])])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(project_root), str(export)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
