"""The rules a catalogue must follow against its questionnaire, as pydantic validation errors.

The models' validators call these functions. A rule that finds problems returns them as
:class:`pydantic_core.InitErrorDetails` whose type is the ``IND`` code and whose context says
how to place and word the issue (``message``; ``key`` to point at the key rather than the
value; ``offset`` of the character inside an expression; ``labelled`` to start the message with
the indicator's name; ``severity``; ``at`` to name a sibling field). :func:`raise_problems`
raises them as one :class:`~pydantic.ValidationError`, so that pydantic prefixes each with its
position and :mod:`prisonsurvey.questionnaire.indicators.located` turns it into a located issue.

Rules that need the questionnaire run only when the models are validated with a
:class:`CatalogueContext` (``model_validate(data, context=context.as_pydantic())``); a
catalogue built in code skips them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError, ValidationInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from prisonsurvey.errors import Location, Severity
from prisonsurvey.questionnaire.compiled import variables_of
from prisonsurvey.questionnaire.expressions import (
    COMPARISONS,
    LOGICAL,
    SIGNATURES,
    BinOp,
    Call,
    Expr,
    ExpressionError,
    Not,
    Ref,
    VarInfo,
    check_all,
    parse,
    resolve,
    to_xpath,
)
from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType
from prisonsurvey.questionnaire.yaml_source import YamlDocument, YamlPath

ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
"""Indicator ids and parameter names: snake_case of at most 32 characters."""

_ID = re.compile(ID_PATTERN)
_CONTEXT_KEY = "indicator_catalogue"
_BOOLEAN_FUNCTIONS = frozenset(
    {
        "selected",
        "regex",
        "true",
        "false",
        "boolean",
        "boolean-from-string",
        "contains",
        "starts-with",
        "ends-with",
    }
)
_AGGREGATES = frozenset({"count", "sum"})
_BAD_BREAKDOWN_TYPES = frozenset(
    {QuestionType.TEXT, QuestionType.SELECT_MULTIPLE, QuestionType.NOTE, QuestionType.DATETIME}
)


@dataclass
class CatalogueContext:
    """What the validators of one catalogue file need besides the file.

    Attributes:
        questionnaire: The questionnaire the expressions refer to.
        doc: The catalogue document (to name where an earlier id was written).
        warnings: Whether rules report warnings (a second validation turns them off).
        parameters: Names declared under ``parameters`` (set while validating).
        resolved: Each expression checked, with choice names replaced by codes, by source text.
    """

    questionnaire: Questionnaire
    doc: YamlDocument | None = None
    warnings: bool = True
    parameters: tuple[str, ...] = ()
    resolved: dict[str, str] = field(default_factory=dict)
    variables: Mapping[str, VarInfo] = field(init=False)

    def __post_init__(self) -> None:
        self.variables = variables_of(self.questionnaire)

    def as_pydantic(self) -> dict[str, Any]:
        """The ``context`` argument for ``model_validate``."""
        return {_CONTEXT_KEY: self}

    def locate(self, path: YamlPath) -> Location:
        """Where the value at ``path`` was written (empty when validating data from code)."""
        return self.doc.locate(path) if self.doc is not None else Location()


def context_of(info: ValidationInfo) -> CatalogueContext | None:
    """The catalogue context of a validation, or ``None`` for a catalogue built in code."""
    context = info.context
    if isinstance(context, dict):
        found = context.get(_CONTEXT_KEY)
        if isinstance(found, CatalogueContext):
            return found
    return None


def problem(
    code: IndCode,
    message: str,
    loc: tuple[str | int, ...] = (),
    *,
    key: bool = False,
    offset: int | None = None,
    labelled: bool = True,
    severity: Severity = Severity.ERROR,
    at: str | None = None,
) -> InitErrorDetails:
    """One problem found by a rule, at ``loc`` below the value being validated.

    Args:
        code: The issue code.
        message: What is wrong and what to do, without the indicator's name.
        loc: Path below the validated value (``(2,)``: its third entry).
        key: Point at the key of the entry rather than its value.
        offset: Character of an expression the problem is at.
        labelled: Start the message with the indicator's (or parameter's) name.
        severity: Error or warning.
        at: A sibling field the problem is about, instead of the field validated.
    """
    context = {
        "message": message,
        "key": key,
        "offset": offset,
        "labelled": labelled,
        "severity": severity.value,
        "at": at,
    }
    return InitErrorDetails(
        type=PydanticCustomError(code.value, "{message}", context), loc=loc, input=None
    )


def raise_problems(title: str, problems: list[InitErrorDetails]) -> None:
    """Raise ``problems`` (if any) as one validation error."""
    if problems:
        raise ValidationError.from_exception_data(title, problems)


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or nothing."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def first_ids(entries: Any) -> dict[int, str]:
    """Position -> id of the indicators whose id is valid and not used by an earlier one."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        value = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(value, str) and _ID.match(value) and value not in seen:
            seen.add(value)
            out[i] = value
    return out


def duplicate_ids(entries: Any, context: CatalogueContext) -> list[InitErrorDetails]:
    """IND005 for every indicator whose valid id an earlier indicator already uses."""
    first = first_ids(entries)
    where = {value: i for i, value in first.items()}
    out = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        value = entry.get("id") if isinstance(entry, dict) else None
        if i in first or not isinstance(value, str) or value not in where:
            continue
        seen_at = context.locate(("indicators", where[value], "id"))
        out.append(
            problem(
                IndCode.DUPLICATE_ID,
                f"id '{value}' is used twice (first at {seen_at}); rename one",
                (i, "id"),
                labelled=False,
            )
        )
    return out


def text_problems(
    value: Mapping[str, str], name: str, context: CatalogueContext
) -> list[InitErrorDetails]:
    """A title or description must hold every promised language, none empty (IND030/IND031)."""
    languages = context.questionnaire.languages
    out = []
    for lang in languages:
        if lang not in value:
            out.append(
                problem(
                    IndCode.MISSING_TRANSLATION,
                    f"'{name}' has no '{lang}' text; the questionnaire promises "
                    f"{', '.join(languages)}",
                )
            )
        elif not value[lang].strip():
            out.append(
                problem(
                    IndCode.MISSING_TRANSLATION,
                    f"'{name}' in '{lang}' is empty; write the text",
                    (lang,),
                )
            )
    if context.warnings:
        out.extend(
            problem(
                IndCode.EXTRA_LANGUAGE,
                f"'{name}' has a '{lang}' text but the questionnaire does not declare "
                f"'{lang}'; remove it or add the language to the questionnaire",
                (lang,),
                key=True,
                severity=Severity.WARNING,
            )
            for lang in value
            if lang not in languages
        )
    return out


def breakdown_problems(names: tuple[str, ...], context: CatalogueContext) -> list[InitErrorDetails]:
    """Breakdowns must be questions with one value per respondent (IND020/IND021)."""
    out = []
    for i, name in enumerate(names):
        info = context.variables.get(name)
        if info is None:
            out.append(
                problem(
                    IndCode.UNKNOWN_BREAKDOWN,
                    f"breakdown '{name}' is not a question of the questionnaire"
                    f"{suggest(name, list(context.variables))}",
                    (i,),
                    labelled=False,
                )
            )
        elif info.in_repeat is not None or info.type in _BAD_BREAKDOWN_TYPES:
            where_text = "inside a repeat" if info.in_repeat else f"a {info.type.value}"
            out.append(
                problem(
                    IndCode.BAD_BREAKDOWN,
                    f"breakdown '{name}' is {where_text}; breakdowns must be one value per "
                    "respondent (select_one, integer, decimal, calculate or date)",
                    (i,),
                    labelled=False,
                )
            )
    return out


def _is_condition(expr: Expr) -> bool:
    """Whether ``expr`` is true/false by construction (not a number or text read as one)."""
    if isinstance(expr, BinOp):
        if expr.op in COMPARISONS:
            return True
        if expr.op in LOGICAL:
            return _is_condition(expr.left) and _is_condition(expr.right)
        return False
    if isinstance(expr, Not):
        return True
    if isinstance(expr, Call):
        if expr.name == "if":
            return _is_condition(expr.args[1]) and _is_condition(expr.args[2])
        return expr.name in _BOOLEAN_FUNCTIONS
    return False


def _repeat_refs(expr: Expr, variables: Mapping[str, VarInfo]) -> list[Ref]:
    """References to questions inside a repeat that are not aggregated by count()/sum()."""
    if isinstance(expr, Call) and expr.name in _AGGREGATES:
        return []
    if isinstance(expr, Ref):
        info = variables.get(expr.name)
        return [expr] if info is not None and info.in_repeat is not None else []
    out: list[Ref] = []
    for child in expr.children():
        out.extend(_repeat_refs(child, variables))
    return out


def expression_problems(
    source: str, role: str, condition: bool, context: CatalogueContext
) -> list[InitErrorDetails]:
    """Check one expression against the questionnaire; remember its resolved form if good.

    Args:
        source: The expression as written.
        role: ``numerator``, ``denominator``, ``variable``, ``universe`` or ``estimated``.
        condition: Whether it must be a true/false condition.
        context: The catalogue context (its ``resolved`` receives the resolved text).

    Returns:
        The problems found (IND010 to IND014), each at its character.
    """
    try:
        expr = parse(source)
    except ExpressionError as err:
        return [
            problem(
                IndCode.EXPRESSION_SYNTAX,
                f"{role} cannot be read ({err.code}): {err.message}",
                offset=err.offset,
            )
        ]
    out = []
    for found in check_all(expr, context.variables):
        code = IndCode.UNKNOWN_REFERENCE if found.code == "EXP010" else IndCode.EXPRESSION_MISFIT
        out.append(problem(code, f"{role} ({found.code}): {found.message}", offset=found.offset))
    for node in expr.walk():
        if isinstance(node, Call):
            sig = SIGNATURES.get(node.name)
            if sig is not None and not sig.evaluable:
                out.append(
                    problem(
                        IndCode.EXPRESSION_MISFIT,
                        f"{role} uses {node.name}(), which only works inside a form; "
                        "indicators are computed on a table of responses",
                        offset=max(node.offset, 0),
                    )
                )
    out.extend(
        problem(
            IndCode.REPEAT_REFERENCE,
            f"{role} refers to '{ref.name}', which is asked inside a repeat; indicators have "
            "one row per respondent, so use count() or sum() over it",
            offset=max(ref.offset, 0),
        )
        for ref in _repeat_refs(expr, context.variables)
    )
    if condition and not _is_condition(expr):
        out.append(
            problem(
                IndCode.NOT_A_CONDITION,
                f"{role} must be a condition such as ${{x}} = 1 or selected(${{x}}, 'name'); "
                "a bare value counts any non-empty answer (even 0) as true",
                offset=0,
            )
        )
    if not out:
        context.resolved[source] = to_xpath(resolve(expr, context.variables))
    return out


def details_of(err: ValidationError) -> list[InitErrorDetails]:
    """The errors of ``err`` as details that can be raised again with more problems."""
    out = []
    for e in err.errors():
        kind = e["type"]
        ctx = dict(e.get("ctx") or {})
        if kind.startswith("IND"):
            out.append(
                InitErrorDetails(
                    type=PydanticCustomError(kind, "{message}", ctx), loc=e["loc"], input=None
                )
            )
        else:
            out.append(InitErrorDetails(type=kind, loc=e["loc"], input=e["input"], ctx=ctx))
    return out


def wrong_instrument(value: object, expected: str) -> str:
    """The IND008 message: the catalogue names another instrument."""
    return (
        f"the catalogue is for instrument '{value}' but the questionnaire is '{expected}'; "
        "check it against the right questionnaire or fix 'instrument'"
    )
