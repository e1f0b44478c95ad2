"""Set aside fields the model rejected, so the cross-field rules can still run.

When a questionnaire has, say, a misspelled key in one question, the model cannot be built and
the cross-field rules (names, references, translations...) would wait until the key is fixed.
:func:`repair` removes the rejected *optional* fields (unknown keys, optional fields of the
wrong type) from a copy of the data so a provisional model can be built and checked; the
questionnaire still counts as invalid. Problems the checks then find inside a repaired object
are consequences of the removal (a missing label where ``lable`` was written) and are dropped
by :func:`outside_repaired`. A missing or wrong required field (``name``, ``type``, ``code``)
cannot be set aside: then no provisional model is built.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError

from prisonsurvey.errors import Issue
from prisonsurvey.questionnaire.model import Choice, ChoiceList, Group, Question, Questionnaire
from prisonsurvey.questionnaire.model_errors import strip_tags
from prisonsurvey.questionnaire.source_map import ModelPath, SourceMap


def _owner(path: ModelPath) -> tuple[ModelPath, str] | None:
    """The object holding the rejected field and the field's name."""
    if len(path) >= 5 and path[0] == "choice_lists" and path[2] == "choices":
        return path[:4], str(path[4])
    if len(path) >= 3 and path[0] == "choice_lists":
        return path[:2], str(path[2])
    if len(path) >= 3 and path[0] == "modules":
        last = max((i for i in range(len(path) - 1) if path[i] == "items"), default=None)
        if last is not None and last + 2 < len(path) and isinstance(path[last + 1], int):
            return path[: last + 2], str(path[last + 2])
        if last is None or last + 1 >= len(path):
            return path[:2], str(path[2])
        return None
    if len(path) >= 1 and path[0] not in ("modules", "choice_lists"):
        return (), str(path[0])
    return None


def _node(data: Any, path: ModelPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _model(path: ModelPath, node: Any) -> type[BaseModel]:
    if not path:
        return Questionnaire
    if path[0] == "choice_lists":
        return Choice if len(path) == 4 else ChoiceList
    kind = node.get("type") if isinstance(node, dict) else None
    return Group if kind in ("group", "repeat") or len(path) == 2 else Question


def repair(
    data: dict[str, Any], err: ValidationError
) -> tuple[dict[str, Any], list[ModelPath]] | None:
    """Return a copy of ``data`` without the rejected optional fields, and the objects touched.

    Returns ``None`` when some rejected field cannot be removed (it is required, or the
    problem is not in a field of a questionnaire, group, question, list or choice).
    """
    fixed = copy.deepcopy(data)
    owners: list[ModelPath] = []
    for error in err.errors():
        if error["type"] == "missing":
            return None
        found = _owner(strip_tags(tuple(error["loc"])))
        if found is None:
            return None
        owner, name = found
        try:
            node = _node(fixed, owner)
        except (KeyError, IndexError, TypeError):
            return None
        if not isinstance(node, dict):
            return None
        field = _model(owner, node).model_fields.get(name)
        if field is not None and field.is_required():
            return None
        node.pop(name, None)
        touched = owner if owner else (name,)  # at the root only the field itself
        if touched not in owners:
            owners.append(touched)
    return fixed, owners


def outside_repaired(issue: Issue, source: SourceMap, owners: list[ModelPath]) -> bool:
    """Whether ``issue`` lies outside every object :func:`repair` touched."""
    loc = issue.location
    for owner in owners:
        start = source.locate(owner)
        if start.file != loc.file or start.line is None or loc.line is None:
            continue
        end = source.last_line(owner)
        if start.line <= loc.line <= end:
            return False
    return True
