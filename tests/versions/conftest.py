"""Builders of small questionnaires and of a 1.1.0 fixture of the shipped instrument."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prisonsurvey.questionnaire.model import Questionnaire

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "questionnaires" / "regional-inmate" / "1.0.0"

T = {"en": "x", "es": "x"}


def text(en: str, es: str | None = None) -> dict[str, str]:
    return {"en": en, "es": es if es is not None else en}


def base_dict() -> dict[str, Any]:
    """A two-language questionnaire with one module and a few questions of each kind."""
    return {
        "id": "mini",
        "version": "1.0.0",
        "title": text("Mini"),
        "languages": ("en", "es"),
        "default_language": "en",
        "choice_lists": {
            "yn": {
                "name": "yn",
                "dont_know": 98,
                "choices": [
                    {"code": 1, "name": "yes", "label": text("Yes", "Sí")},
                    {"code": 2, "name": "no", "label": text("No")},
                    {"code": 98, "name": "dont_know", "label": text("Don't know", "No sabe")},
                ],
            },
            "care": {
                "name": "care",
                "choices": [
                    {"code": 1, "name": "partner", "label": text("Partner", "Pareja")},
                    {"code": 2, "name": "relatives", "label": text("Relatives", "Familiares")},
                    {"code": 3, "name": "state", "label": text("State", "Estado")},
                ],
            },
        },
        "modules": [
            {
                "name": "m1",
                "label": text("Module 1"),
                "items": [
                    {"name": "age", "type": "integer", "label": text("Age?", "¿Edad?")},
                    {
                        "name": "has_kids",
                        "type": "select_one",
                        "choices": "yn",
                        "label": text("Children?", "¿Hijos?"),
                        "relevant": "${age} >= 18",
                    },
                    {
                        "name": "kids_care",
                        "type": "select_multiple",
                        "choices": "care",
                        "label": text("Who cares?", "¿Quién cuida?"),
                        "relevant": "${has_kids} = 1",
                    },
                    {
                        "name": "adult",
                        "type": "calculate",
                        "calculation": "if(${age} >= 18, 1, 0)",
                    },
                ],
            },
            {
                "name": "m2",
                "label": text("Module 2"),
                "items": [
                    {
                        "name": "food_ok",
                        "type": "select_one",
                        "choices": "yn",
                        "label": text("Enough food?", "¿Comida suficiente?"),
                    },
                ],
            },
        ],
    }


def build(data: dict[str, Any]) -> Questionnaire:
    return Questionnaire.model_validate(data)


def question(data: dict[str, Any], name: str) -> dict[str, Any]:
    for module in data["modules"]:
        for item in module["items"]:
            if item["name"] == name:
                return item  # type: ignore[no-any-return]
    raise KeyError(name)


Edit = tuple[str, str, str]
"""(file name, regular expression, replacement) applied once to a copy of the shipped folder."""


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Callable[[str, list[Edit]], Path]:
    """Copy the shipped regional-inmate 1.0.0 beside a new version folder with edits applied."""

    def make(version: str, edits: list[Edit]) -> Path:
        root = tmp_path / "regional-inmate"
        old = root / "1.0.0"
        if not old.exists():
            shutil.copytree(SHIPPED, old)
        new = root / version
        shutil.copytree(SHIPPED, new)
        qfile = new / "questionnaire.yaml"
        qfile.write_text(
            re.sub(r"(?m)^version: .*$", f"version: {version}", qfile.read_text("utf-8")),
            encoding="utf-8",
        )
        for file_name, pattern, replacement in edits:
            path = new / file_name
            before = path.read_text("utf-8")
            after, n = re.subn(pattern, replacement, before, count=1, flags=re.MULTILINE)
            assert n == 1, f"edit {pattern!r} did not apply to {file_name}"
            path.write_text(after, encoding="utf-8")
        return new

    return make
