"""Load a weighting specification and control totals from files, with located errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml
from prisonsurvey.weighting import issues
from prisonsurvey.weighting.spec import WeightingSpec

_STEP_TAGS = frozenset({"eligibility", "nonresponse", "calibration", "trim"})


def _path(loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    # discriminated unions add the tag ('steps', 0, 'calibration', 'margins'); drop it
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in _STEP_TAGS and i > 0 and isinstance(loc[i - 1], int):
            continue
        out.append(part)
    return tuple(out)


def spec_from_document(doc: YamlDocument) -> WeightingSpec:
    """Validate parsed YAML into a specification; every problem becomes a located issue."""
    if doc.issues:
        raise InputError(
            Issue(issues.SPEC_SYNTAX, i.message, i.location, i.severity) for i in doc.issues
        )
    if not isinstance(doc.data, dict):
        issues.fail(
            issues.SPEC_SYNTAX,
            "a weighting specification must be a YAML mapping with 'name', 'base_weight' and "
            "'steps'",
            Location(doc.file, 1, 1),
        )
    try:
        return WeightingSpec.model_validate(doc.data)
    except ValidationError as err:
        found: list[Issue] = []
        for e in err.errors():
            path = _path(tuple(e["loc"]))
            dotted = ".".join(str(p) for p in path) or "(top level)"
            where = doc.locate(path, key=e["type"] == "extra_forbidden")
            msg = e["msg"].removeprefix("Value error, ")
            found.append(Issue(issues.SPEC_SCHEMA, f"{dotted}: {msg}", where))
        raise InputError(found) from None


def load_spec(path: Path | str) -> tuple[WeightingSpec, YamlDocument]:
    """Read a weighting specification YAML file.

    Returns:
        The specification and the parsed document (to locate later problems).

    Raises:
        InputError: With ``WGT001`` (not YAML / not a mapping) or ``WGT002`` issues.
    """
    p = Path(path)
    if not p.is_file():
        issues.fail(
            issues.SPEC_SYNTAX, f"weighting specification {p} does not exist", Location(str(p))
        )
    doc = read_yaml(p, str(p))
    return spec_from_document(doc), doc


def load_controls(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read control totals: a JSON object whose values are tables (lists of records).

    Entries that are not lists of records (numbers, text, id -> count maps) are kept as
    two-column tables when they are flat mappings, and skipped otherwise.
    """
    p = Path(path)
    try:
        raw: Any = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        issues.fail(issues.CONTROLS_TABLE, f"controls file {p} does not exist", Location(str(p)))
    except json.JSONDecodeError as err:
        issues.fail(
            issues.CONTROLS_TABLE,
            f"controls file is not valid JSON: {err.msg}",
            Location(str(p), err.lineno, err.colno),
        )
    if not isinstance(raw, dict):
        issues.fail(
            issues.CONTROLS_TABLE,
            'controls must be a JSON object of tables, e.g. {"country_sex": [{...}]}',
            Location(str(p), 1, 1),
        )
    return controls_from_mapping(raw)


def controls_from_mapping(raw: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Turn a mapping of name -> list of records (or flat id -> count map) into tables."""
    tables: dict[str, pd.DataFrame] = {}
    for name, value in raw.items():
        if isinstance(value, pd.DataFrame):
            tables[name] = value
        elif isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            tables[name] = pd.DataFrame(value)
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(v, int | float) for v in value.values())
        ):
            tables[name] = pd.DataFrame({"level": list(value), "count": list(value.values())})
    return tables
