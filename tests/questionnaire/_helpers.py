"""Write small questionnaire folders inline and read issue locations."""

from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = """\
id: demo
version: 1.0.0
title: {es: Demo, en: Demo}
languages: [es, en]
default_language: es
modules: [m1.yaml]
"""

CHOICES = """\
yes_no:
  refused: 99
  choices:
    - {code: 1, name: 'yes', label: {es: Sí, en: 'Yes'}}
    - {code: 2, name: 'no', label: {es: 'No', en: 'No'}}
    - {code: 99, name: refused, label: {es: No responde, en: Refused}}
"""

M1 = """\
name: m1
label: {es: Módulo, en: Module}
items:
  - name: age
    type: integer
    label: {es: Edad, en: Age}
"""


class Folder:
    """Writes a questionnaire folder; every file can be replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(
        self,
        m1: str | None = None,
        *,
        root: str = ROOT,
        choices: str | None = CHOICES,
        extra: dict[str, str | bytes] | None = None,
    ) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "questionnaire.yaml").write_text(textwrap.dedent(root), encoding="utf-8")
        if choices is not None:
            (self.path / "choices.yaml").write_text(textwrap.dedent(choices), encoding="utf-8")
        (self.path / "m1.yaml").write_text(textwrap.dedent(m1 or M1), encoding="utf-8")
        for name, content in (extra or {}).items():
            target = self.path / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content), encoding="utf-8")
        return self.path


Where = tuple[str, str, int | None, int | str | None]


def where(issues: object) -> list[Where]:
    """``(code, file name, line, column)`` of each issue."""
    out: list[Where] = []
    for issue in issues:  # type: ignore[attr-defined]
        loc = issue.location
        out.append((issue.code, Path(loc.file).name, loc.line, loc.column))
    return out


HEADER = "name: m1\nlabel: {es: Módulo, en: Module}\nitems:\n"


def module(items: str) -> str:
    """A module file ``m1`` whose items (indented by 2) start on line 4."""
    return HEADER + items
