"""Turn the validation errors of a catalogue file into located ``IND`` issues.

Each pydantic error's ``loc`` (``("indicators", 3, "kind")``) is the path of the YAML node it
came from, so :meth:`~prisonsurvey.questionnaire.yaml_source.YamlDocument.locate` gives its
``file:line:column``. Errors pydantic finds itself (an unknown key, a missing key, a value of the
wrong type) get the code and the message of the key they are about; errors raised by the rules
(:mod:`prisonsurvey.questionnaire.indicators.rules`) carry theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from prisonsurvey.errors import Issue, Location, Severity
from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.indicators.model import RANGE_MESSAGE, UNIT_SCALES, IndicatorKind
from prisonsurvey.questionnaire.indicators.rules import (
    CatalogueContext,
    first_ids,
    suggest,
    wrong_instrument,
)
from prisonsurvey.questionnaire.yaml_source import YamlDocument, YamlPath

_EXPRESSIONS = frozenset({"numerator", "denominator", "variable", "universe", "estimated"})
_INDICATORS = "'indicators' must be a non-empty list of indicators (each starting with '- id:')"


class _Owner:
    """What an error is about: the file, an indicator or a parameter, and which of its keys."""

    def __init__(self, loc: tuple[str | int, ...], data: Any) -> None:
        self.kind = "catalogue"
        self.path: YamlPath = ()
        self.label = ""
        self.raw: dict[str, Any] = {}
        entries = data.get("indicators") if isinstance(data, dict) else None
        if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
            self.kind = "indicator"
            self.path = loc[:2]
            ids = first_ids(entries)
            self.label = f"indicator '{ids[loc[1]]}'" if loc[1] in ids else "indicator"
            entry = entries[loc[1]] if isinstance(entries, list) else None
            self.raw = entry if isinstance(entry, dict) else {}
        elif len(loc) >= 2 and loc[0] == "parameters":
            self.kind = "parameter"
            self.path = loc[:2]
            self.label = f"parameter '{loc[1]}'"
        self.field = str(loc[len(self.path)]) if len(loc) > len(self.path) else None

    def labelled(self, message: str) -> str:
        return f"{self.label}: {message}" if self.label else message

    def raw_kind(self) -> str:
        value = self.raw.get("kind")
        return value if value in {k.value for k in IndicatorKind} else "indicator"


def catalogue_issues(
    err: ValidationError,
    doc: YamlDocument,
    context: CatalogueContext,
    keys: Mapping[str, tuple[str, ...]],
) -> list[Issue]:
    """Return one located issue per problem of a catalogue file.

    Args:
        err: The validation error of the file.
        doc: The catalogue document.
        context: The context the file was validated with.
        keys: The keys allowed in the catalogue, an indicator and a parameter (by ``kind``).
    """
    out: list[Issue] = []
    seen: set[tuple[str, str, Location]] = set()
    errors = err.errors()
    # pydantic counts only the entries that validated: a list of broken entries is not empty
    broken = any(len(e["loc"]) >= 2 and e["loc"][0] == "indicators" for e in errors)
    for error in errors:
        if broken and error["type"] == "too_short":
            continue
        issue = _issue(error, doc, context, keys)
        mark = (issue.code, issue.message, issue.location)
        # several bad values of one text are one issue; the rules report each problem
        if error["type"].startswith("IND") or mark not in seen:
            seen.add(mark)
            out.append(issue)
    return out


def _issue(
    error: ErrorDetails,
    doc: YamlDocument,
    context: CatalogueContext,
    keys: Mapping[str, tuple[str, ...]],
) -> Issue:
    loc = tuple(error["loc"])
    owner = _Owner(loc, doc.data)
    kind = error["type"]
    if kind.startswith("IND"):
        ctx = error.get("ctx") or {}
        path = (*loc[:-1], ctx["at"]) if ctx.get("at") else loc
        message = str(ctx["message"])
        where = (
            doc.locate_offset(path, ctx["offset"])
            if ctx.get("offset") is not None
            else doc.locate(path, key=bool(ctx.get("key")))
        )
        text = owner.labelled(message) if ctx.get("labelled") else message
        return Issue(kind, text, where, Severity(ctx.get("severity", "error")))
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = keys[owner.kind]
        return Issue(
            IndCode.UNKNOWN_FIELD.value,
            f"unknown key '{name}'{suggest(name, allowed)}; allowed keys are {', '.join(allowed)}",
            doc.locate(loc, key=True),
        )
    if kind == "missing":
        code, message = _missing(owner, context)
        return Issue(code.value, message, doc.locate(loc))
    code, message, key = _wrong(owner, error, context)
    path = (*owner.path, owner.field) if owner.field not in (None, "[key]") else owner.path
    return Issue(code.value, message, doc.locate(path, key=key))


def _missing(owner: _Owner, context: CatalogueContext) -> tuple[IndCode, str]:
    """Code and message of a required key that is not there."""
    q = context.questionnaire
    languages = ", ".join(q.languages)
    if owner.kind == "catalogue":
        if owner.field == "indicators":
            return IndCode.BAD_STRUCTURE, _INDICATORS
        return IndCode.MISSING_FIELD, f"missing 'instrument'; write 'instrument: {q.id}'"
    if owner.field == "id":
        return IndCode.MISSING_FIELD, "missing 'id'; give the indicator an id"
    if owner.field == "kind":
        kinds = ", ".join(k.value for k in IndicatorKind)
        return IndCode.MISSING_FIELD, owner.labelled(f"missing 'kind'; use one of {kinds}")
    if owner.field == "universe":
        return IndCode.MISSING_FIELD, owner.labelled(f"a {owner.raw_kind()} needs 'universe'")
    return IndCode.MISSING_FIELD, owner.labelled(
        f"missing '{owner.field}'; write it in {languages}"
    )


def _wrong(
    owner: _Owner, error: ErrorDetails, context: CatalogueContext
) -> tuple[IndCode, str, bool]:
    """Code, message and whether to point at the key, for a value of the wrong shape."""
    q = context.questionnaire
    value = error["input"]
    name = owner.field
    if owner.kind == "catalogue":
        if name is None:
            return (
                IndCode.BAD_STRUCTURE,
                "the catalogue must be a mapping with 'instrument' and 'indicators'",
                False,
            )
        if name == "instrument":
            return IndCode.WRONG_INSTRUMENT, wrong_instrument(value, q.id), False
        if name == "parameters":
            return (
                IndCode.BAD_PARAMETER,
                "'parameters' must map each parameter name to its description, e.g. "
                f"national_population: {{description: {{{q.default_language}: ...}}}}",
                False,
            )
        if name == "indicators":
            return IndCode.BAD_STRUCTURE, _INDICATORS, False
        return IndCode.WRONG_VALUE, _BREAKDOWNS, False
    if owner.kind == "parameter":
        parameter = owner.path[1]
        if name == "[key]":
            return (
                IndCode.BAD_PARAMETER,
                f"parameter name '{parameter}' must be snake_case of at most 32 characters",
                True,
            )
        if name is None:
            return (
                IndCode.BAD_PARAMETER,
                f"parameter '{parameter}' must be a mapping with a 'description'",
                False,
            )
        return IndCode.WRONG_VALUE, owner.labelled(_text_shape(name, q.default_language)), False
    return _wrong_in_indicator(owner, name, value, context)


_BREAKDOWNS = "breakdowns must be a list of variable names, e.g. [sex, age_group]"


def _text_shape(name: str, language: str) -> str:
    return f"'{name}' must map each language code to a text, e.g. {{{language}: ...}}"


def _wrong_in_indicator(
    owner: _Owner, name: str | None, value: Any, context: CatalogueContext
) -> tuple[IndCode, str, bool]:
    if name is None:
        return IndCode.BAD_STRUCTURE, "each indicator must be a mapping starting with 'id:'", False
    if name == "id":
        return (
            IndCode.BAD_ID,
            f"id '{value}' must be snake_case: a lowercase letter, then lowercase letters, "
            "digits or '_', at most 32 characters",
            False,
        )
    if name == "kind":
        kinds = [k.value for k in IndicatorKind]
        return (
            IndCode.WRONG_VALUE,
            owner.labelled(
                f"kind '{value}' is not one of {', '.join(kinds)}{suggest(str(value), kinds)}"
            ),
            False,
        )
    if name == "unit":
        units = list(UNIT_SCALES)
        return (
            IndCode.WRONG_VALUE,
            owner.labelled(
                f"unit '{value}' is not one of {', '.join(units)}{suggest(str(value), units)}"
            ),
            False,
        )
    if name in _EXPRESSIONS:
        return (
            IndCode.WRONG_VALUE,
            owner.labelled(
                f"'{name}' must be an expression written as text, e.g. ${{sleep_place}} = 1"
            ),
            False,
        )
    if name == "denominator_external":
        declared = list(context.parameters)
        return (
            IndCode.EXTERNAL_DENOMINATOR,
            owner.labelled(
                f"'{value}' is not a declared parameter{suggest(str(value), declared)}; "
                f"declare it under 'parameters:' (declared: {', '.join(declared) or 'none'})"
            ),
            False,
        )
    if name == "plausible_range":
        return IndCode.BAD_RANGE, owner.labelled(RANGE_MESSAGE), False
    if name == "breakdowns":
        return IndCode.WRONG_VALUE, _BREAKDOWNS, False
    if name == "reference":
        return IndCode.WRONG_VALUE, "'reference' must be text", False
    language = context.questionnaire.default_language
    return IndCode.WRONG_VALUE, owner.labelled(_text_shape(name, language)), False
