"""Read ``survey.yaml`` into :class:`SurveyProjectConfig`, with located errors.

Codes:
    PRJ001  survey.yaml missing or not readable
    PRJ002  not valid YAML
    PRJ003  unknown top-level section (with a suggestion)
    PRJ004  a value is missing or has the wrong type/format
    PRJ005  the top level is not a mapping
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project.model import (
    CORE_SECTIONS,
    RESERVED_SECTIONS,
    SurveyProjectConfig,
    extra_sections,
)

FILENAME = "survey.yaml"

M = TypeVar("M", bound=BaseModel)


def _position(node: Any, loc: tuple[int | str, ...]) -> tuple[int | None, int | None]:
    """1-based line/column of the deepest YAML node that ``loc`` reaches."""
    line: int | None = None
    col: int | None = None
    current = node
    for part in loc:
        lc = getattr(current, "lc", None)
        if lc is None:
            break
        try:
            if isinstance(part, str) and hasattr(current, "keys") and part in current:
                kline, kcol = lc.key(part)
                line, col = kline + 1, kcol + 1
                current = current[part]
            elif isinstance(part, int) and isinstance(current, list) and part < len(current):
                iline, icol = lc.item(part)
                line, col = iline + 1, icol + 1
                current = current[part]
            else:
                break
        except (KeyError, TypeError, IndexError):
            break
    if line is None and getattr(node, "lc", None) is not None:
        line, col = node.lc.line + 1, node.lc.col + 1
    return line, col


def _plain(node: Any) -> Any:
    """Convert ruamel containers to plain Python containers."""
    if hasattr(node, "items"):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def load_config(path: Path) -> SurveyProjectConfig:
    """Load and validate a ``survey.yaml`` file.

    Args:
        path: The file, or the project folder holding it.

    Raises:
        InputError: Every problem found, located by line and column.
    """
    file = path / FILENAME if path.is_dir() else path
    where = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Issue(
                "PRJ001",
                f"cannot read the survey project file ({exc.__class__.__name__}); "
                "run `prisonsurvey init DIR` to create one or pass --project DIR",
                Location(where),
            )
        ) from exc
    try:
        doc = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError(
            Issue(
                "PRJ002",
                f"not valid YAML: {exc.problem}; check indentation and quoting",
                Location(where, mark.line + 1 if mark else None, mark.column + 1 if mark else None),
            )
        ) from exc
    if not hasattr(doc, "items"):
        raise InputError(
            Issue("PRJ005", "survey.yaml must be a mapping of sections", Location(where, 1, 1))
        )
    extras = extra_sections()
    known = list(dict.fromkeys([*CORE_SECTIONS, *extras, *RESERVED_SECTIONS]))
    issues: list[Issue] = []
    core: dict[str, Any] = {}
    sections: dict[str, BaseModel] = {}
    raw: dict[str, Any] = {}
    for key, value in doc.items():
        name = str(key)
        if name in CORE_SECTIONS:
            core[name] = _plain(value)
        elif name in extras:
            try:
                sections[name] = extras[name].model_validate(_plain(value))
            except ValidationError as exc:
                issues.extend(_validation_issues(exc, doc, where, prefix=(name,)))
        elif name in RESERVED_SECTIONS:
            raw[name] = _plain(value)
        else:
            line, col = _position(doc, (name,))
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known sections: {', '.join(known)}"
            issues.append(
                Issue("PRJ003", f"unknown section '{name}': {hint}", Location(where, line, col))
            )
    try:
        config = SurveyProjectConfig.model_validate(core)
    except ValidationError as exc:
        issues.extend(_validation_issues(exc, doc, where))
        raise InputError(issues) from exc
    if issues:
        raise InputError(issues)
    return config.model_copy(update={"sections": sections, "raw_sections": raw})


def load_section(path: Path, name: str, model: type[M]) -> M | None:
    """Validate the top-level section ``name`` of ``survey.yaml`` with ``model``.

    Returns:
        The section, or ``None`` when ``survey.yaml`` has no such section.

    Raises:
        InputError: The section does not fit ``model`` (``PRJ004``, located).
    """
    file = path / FILENAME if path.is_dir() else path
    doc = YAML(typ="rt").load(file.read_text(encoding="utf-8"))
    if not hasattr(doc, "items") or name not in doc:
        return None
    try:
        return model.model_validate(_plain(doc[name]))
    except ValidationError as exc:
        raise InputError(_validation_issues(exc, doc, str(file), prefix=(name,))) from exc


def _validation_issues(
    exc: ValidationError, doc: Any, where: str, prefix: tuple[str, ...] = ()
) -> list[Issue]:
    out: list[Issue] = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        line, col = _position(doc, loc)
        dotted = ".".join(str(p) for p in loc)
        if err["type"] == "missing":
            msg = f"'{dotted}' is required; add it"
        elif err["type"] == "extra_forbidden":
            msg = f"'{dotted}' is not a known key here; remove it or check the spelling"
        else:
            msg = f"'{dotted}': {err['msg']}"
        out.append(Issue("PRJ004", msg, Location(where, line, col)))
    return out
