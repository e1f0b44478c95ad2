"""Turn pydantic validation errors into located issues with a fix in each message.

Each error's ``loc`` (``("modules", 2, "items", 5, "question", "lable")``) is mapped, through
the :class:`~prisonsurvey.questionnaire.source_map.SourceMap`, to the YAML node it came from:
an unknown key points at the key and suggests the closest valid one (QNR007), a missing field
at the mapping that lacks it (QNR009), a wrong value at the value (QNR008).
"""

from __future__ import annotations

import difflib
import re

from pydantic import BaseModel, ValidationError

from prisonsurvey.errors import Issue, Location
from prisonsurvey.questionnaire.codes import QnrCode
from prisonsurvey.questionnaire.model import Choice, Group, Question
from prisonsurvey.questionnaire.source_map import ModelPath, SourceMap
from prisonsurvey.questionnaire.text_fields import TEXT_FIELDS

_TAGS = frozenset({"question", "group"})


def _issue(code: QnrCode, message: str, location: Location) -> Issue:
    return Issue(code.value, message, location)


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """Return "did you mean 'x'?" for the closest option, or the list of valid keys."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "valid keys: " + ", ".join(options)


def _fields(model: type[BaseModel], drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name not in drop)


def strip_tags(loc: tuple[str | int, ...]) -> ModelPath:
    """Drop the discriminator tags pydantic inserts after an item index."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if part in _TAGS and i >= 2 and isinstance(loc[i - 1], int) and loc[i - 2] == "items":
            continue
        out.append(part)
    return tuple(out)


def _owner_keys(loc: tuple[str | int, ...]) -> tuple[str, tuple[str, ...]]:
    """Name and valid keys of the object that holds the last element of ``loc``."""
    if loc and loc[0] == "choice_lists":
        if len(loc) <= 3:
            return "choice list", ("dont_know", "refused", "not_applicable", "choices")
        return "choice", _fields(Choice)
    parent = loc[-2] if len(loc) >= 2 else None
    if parent == "question":
        return "question", _fields(Question)
    return "group", _fields(Group)


def _describe(path: ModelPath) -> str:
    """Name the value at ``path`` for a message: ``label``, ``items entry 3``."""
    if not path:
        return "value"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) >= 2 else "list"
        return f"{parent} entry {last + 1}"
    return str(last)


def _in_text(path: ModelPath) -> bool:
    return len(path) >= 2 and path[-2] in TEXT_FIELDS


def _type_hint(kind: str) -> str:
    hints = {
        "dict_type": "write a mapping, e.g. `label: {es: ..., en: ...}`",
        "string_type": "write text; put numbers, true/false and yes/no in quotes",
        "int_type": "write a whole number",
        "int_parsing": "write a whole number",
        "int_from_float": "write a whole number",
        "bool_type": "write true or false",
        "bool_parsing": "write true or false",
        "tuple_type": "write a list (one '- ' line per entry)",
        "list_type": "write a list (one '- ' line per entry)",
        "model_type": "write a mapping of `key: value` lines",
        "model_attributes_type": "write a mapping of `key: value` lines",
    }
    return hints.get(kind, "fix the value")


def validation_issues(err: ValidationError, source: SourceMap) -> list[Issue]:
    """Return one located issue per problem pydantic found (one per position at most)."""
    issues: list[Issue] = []
    seen: set[tuple[str, int | None, int | str | None]] = set()
    for error in err.errors():
        loc = tuple(error["loc"])
        path = strip_tags(loc)
        kind = error["type"]
        if kind not in ("extra_forbidden", "missing"):
            path = source.existing(path)  # drops union members such as 'str' or 'bool'
        name = _describe(path)
        if kind == "extra_forbidden":
            owner, keys = _owner_keys(loc)
            where = source.locate(path, key=True)
            message = f"unknown field '{name}' for a {owner}; {suggest(name, keys)}"
            code = QnrCode.UNKNOWN_FIELD
        elif kind == "missing":
            where = source.locate(path[:-1])
            message = f"required field '{name}' is missing here; add `{name}: ...`"
            code = QnrCode.MISSING_FIELD
        elif kind == "enum":
            allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
            got = str(error["input"])
            where = source.locate(path)
            close = difflib.get_close_matches(got, allowed, n=1, cutoff=0.5)
            tip = f"did you mean '{close[0]}'? " if close else ""
            message = f"{name} '{got}' is not allowed; {tip}use one of: {', '.join(allowed)}"
            code = QnrCode.WRONG_TYPE
        elif kind in ("model_type", "model_attributes_type") and path and path[-2:-1] == ("items",):
            where = source.locate(path)
            message = (
                f"{name} must be a question or group written as `key: value` lines "
                "(name, type, label, ...), not a single value"
            )
            code = QnrCode.WRONG_TYPE
        elif kind == "string_type" and error.get("input") is None and _in_text(path):
            where = source.locate(path, key=True)
            message = (
                f"'{name}' is read as a language code without text: inside {{...}} a comma "
                "ends a text. Quote texts that contain commas or colons, e.g. "
                "`es: 'Sí, cuando lo necesita'`"
            )
            code = QnrCode.WRONG_TYPE
        else:
            where = source.locate(path)
            got = error.get("input")
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            message = f"{name}: {error['msg'].lower()} (got {shown}); {_type_hint(kind)}"
            code = QnrCode.WRONG_TYPE
        key = (where.file, where.line, where.column)
        if key in seen:
            continue
        seen.add(key)
        issues.append(_issue(code, message, where))
    return issues
