"""The indicator catalogue of an instrument: model, loading with located issues, evaluation.

An instrument folder may hold ``indicators.yaml`` (see "Indicator catalogue" in
``docs/questionnaire-format.md``): the survey indicators an analyst publishes from it, each
with multilingual titles, a kind (proportion, mean, ratio, total or rate), its expressions in
the questionnaire's expression language (numerator, denominator, variable, universe), the
domains it is broken down by, the unit and the source it follows.

:func:`check_indicators` reads the file against a loaded
:class:`~prisonsurvey.questionnaire.model.Questionnaire` and collects every problem as an
:class:`~prisonsurvey.errors.Issue` with an ``IND`` code (:class:`IndCode`) and a
``file:line:column`` location; :func:`load_indicators` returns the catalogue or raises
:class:`~prisonsurvey.errors.InputError`. Loading resolves choice names to codes, so that
:func:`evaluate_indicator_columns` can compute, on any DataFrame of responses, the two columns
an estimator needs: the numerator value of each row and whether the row is in the universe.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from prisonsurvey.errors import InputError, Issue, Issues, Location, Severity, UsageError
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
    evaluate,
    parse,
    resolve,
    to_xpath,
)
from prisonsurvey.questionnaire.load import load_questionnaire
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType, Text
from prisonsurvey.questionnaire.yaml_source import YamlDocument, YamlPath, read_yaml

INDICATORS_FILE = "indicators.yaml"
"""Name of the catalogue inside an instrument folder."""


class IndCode(StrEnum):
    """Every indicator-catalogue issue code. Codes are stable and never reused."""

    BAD_STRUCTURE = "IND001"
    """The file or an entry does not have the expected shape."""
    UNKNOWN_FIELD = "IND002"
    """A key that the catalogue or an indicator does not have (often misspelled)."""
    MISSING_FIELD = "IND003"
    """A required key is absent (id, title, kind, universe, or an expression the kind needs)."""
    WRONG_VALUE = "IND004"
    """A value of the wrong type or not one of the allowed values."""
    DUPLICATE_ID = "IND005"
    """Two indicators share an id."""
    BAD_ID = "IND006"
    """An id is not snake_case of at most 32 characters."""
    UNUSED_EXPRESSION = "IND007"
    """An expression the indicator's kind does not use (e.g. ``variable`` on a proportion)."""
    WRONG_INSTRUMENT = "IND008"
    """The catalogue names another instrument than the questionnaire it is checked against."""
    EXPRESSION_SYNTAX = "IND010"
    """An expression cannot be parsed."""
    UNKNOWN_REFERENCE = "IND011"
    """An expression refers to a variable the questionnaire does not have."""
    EXPRESSION_MISFIT = "IND012"
    """An expression does not fit the questionnaire (unknown choice, wrong function use)."""
    REPEAT_REFERENCE = "IND013"
    """An expression refers to a question inside a repeat outside ``count()``/``sum()``."""
    NOT_A_CONDITION = "IND014"
    """A universe or proportion numerator is not a true/false condition."""
    EXTERNAL_DENOMINATOR = "IND015"
    """``denominator_external`` names no declared parameter, or is used with the wrong kind."""
    BAD_PARAMETER = "IND016"
    """A ``parameters`` declaration does not have the expected shape."""
    MISSING_PARAMETER = "IND017"
    """A parameter an indicator needs was given no value (or not a positive number)."""
    BAD_RANGE = "IND018"
    """``plausible_range`` is not two increasing numbers."""
    UNKNOWN_BREAKDOWN = "IND020"
    """A breakdown is not a question of the questionnaire."""
    BAD_BREAKDOWN = "IND021"
    """A breakdown cannot define domains (free text, select_multiple, note, in a repeat)."""
    MISSING_TRANSLATION = "IND030"
    """A title or description lacks a language the questionnaire promises, or is empty."""
    EXTRA_LANGUAGE = "IND031"
    """A title or description has a language the questionnaire does not declare (warning)."""


class IndicatorKind(StrEnum):
    """What an indicator estimates.

    With survey weights ``w`` over the rows of the universe: a proportion or a mean is
    ``sum(w * numerator) / sum(w)``; a ratio is ``sum(w * numerator) / sum(w * denominator)``; a
    rate is a ratio expressed per 100, 1,000, 10,000 or 100,000; a total is
    ``sum(w * numerator)``.
    """

    PROPORTION = "proportion"
    MEAN = "mean"
    RATIO = "ratio"
    TOTAL = "total"
    RATE = "rate"


UNIT_SCALES: dict[str, float] = {
    "percent": 100.0,
    "proportion": 1.0,
    "per_100": 100.0,
    "per_1000": 1_000.0,
    "per_10000": 10_000.0,
    "per_100000": 100_000.0,
    "count": 1.0,
    "number": 1.0,
    "years": 1.0,
    "months": 1.0,
    "days": 1.0,
    "hours": 1.0,
    "currency": 1.0,
}
"""Allowed units and the factor an estimate is multiplied by to be shown in that unit."""

_SHARE_UNITS = frozenset(
    {"percent", "proportion", "per_100", "per_1000", "per_10000", "per_100000"}
)

_ROLES: dict[IndicatorKind, tuple[str, ...]] = {
    IndicatorKind.PROPORTION: ("numerator",),
    IndicatorKind.MEAN: ("variable",),
    IndicatorKind.TOTAL: ("variable",),
    IndicatorKind.RATIO: ("numerator", "denominator"),
    IndicatorKind.RATE: ("numerator", "denominator"),
}
"""The expressions each kind needs besides ``universe``."""

_EXPRESSION_KEYS = ("numerator", "denominator", "variable", "universe")
_INDICATOR_KEYS = (
    "id",
    "title",
    "description",
    "kind",
    *_EXPRESSION_KEYS,
    "breakdowns",
    "reference",
    "unit",
    "denominator_external",
    "estimated",
    "plausible_range",
)
_CATALOGUE_KEYS = ("instrument", "default_breakdowns", "parameters", "indicators")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResolvedExpressions(_Frozen):
    """An indicator's expressions with choice names replaced by codes (set by the loader).

    Attributes:
        numerator: Resolved numerator (proportion, ratio, rate).
        denominator: Resolved denominator (ratio, rate).
        variable: Resolved variable (mean, total).
        universe: Resolved universe.
    """

    numerator: str | None = None
    denominator: str | None = None
    variable: str | None = None
    universe: str
    estimated: str | None = None


class CatalogueParameter(_Frozen):
    """A value an indicator needs that the responses do not hold (such as the national population).

    Attributes:
        name: Name the indicators refer to in ``denominator_external``.
        description: What value to give, per language.
        file: Catalogue file declaring it.
        line: Line of the declaration (1-based).
        column: Column of the declaration (1-based).
    """

    name: str
    description: Text = Field(default_factory=dict)
    file: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def location(self) -> Location:
        """Where the parameter is declared."""
        return Location(self.file, self.line, self.column)


class Indicator(_Frozen):
    """One indicator of the catalogue.

    Attributes:
        id: Stable identifier (snake_case, at most 32 characters).
        title: Title per language.
        description: What the indicator measures and how to read it, per language.
        kind: What is estimated.
        numerator: Proportion: the condition counted; ratio and rate: the numeric numerator.
        denominator: Ratio and rate: the numeric denominator.
        variable: Mean and total: the numeric variable.
        universe: Condition selecting the rows counted in the denominator; don't know and
            refused answers are excluded here explicitly.
        breakdowns: Variables whose categories define the domains it is published for.
        reference: The standards and instruments it follows.
        unit: How the estimate is shown (a key of :data:`UNIT_SCALES`).
        denominator_external: Ratio and rate: a catalogue parameter used as the denominator
            instead of an expression (e.g. the national population of a rate per 100,000); its
            value is given when tabulating.
        estimated: Condition marking the rows whose figures are (partly) estimated; counted and
            named in the tables' notes.
        plausible_range: ``(low, high)`` in the indicator's unit; values outside are warned
            about, for every unit and for every published figure.
        resolved: The expressions with choice names as codes, filled when the catalogue is
            loaded against a questionnaire; needed to evaluate the indicator.
    """

    id: str
    title: Text
    description: Text = Field(default_factory=dict)
    kind: IndicatorKind
    numerator: str | None = None
    denominator: str | None = None
    variable: str | None = None
    universe: str
    breakdowns: tuple[str, ...] = ()
    reference: str | None = None
    unit: str = "percent"
    denominator_external: str | None = None
    estimated: str | None = None
    plausible_range: tuple[float, float] | None = None
    resolved: ResolvedExpressions | None = None

    @property
    def scale(self) -> float:
        """Factor that turns the estimate into :attr:`unit` (100 for percent)."""
        return UNIT_SCALES.get(self.unit, 1.0)

    def expressions(self) -> dict[str, str]:
        """The expressions as written, by role (``numerator``, ..., ``universe``)."""
        out = {
            role: getattr(self, role)
            for role in _ROLES[self.kind]
            if getattr(self, role) is not None
        }
        out["universe"] = self.universe
        if self.estimated is not None:
            out["estimated"] = self.estimated
        return out


class IndicatorCatalogue(_Frozen):
    """The indicators of one instrument.

    Attributes:
        instrument: Id of the instrument the expressions refer to.
        indicators: The indicators in publication order.
        parameters: Values the indicators need from outside the responses.
    """

    instrument: str
    indicators: tuple[Indicator, ...] = ()
    parameters: tuple[CatalogueParameter, ...] = ()

    def ids(self) -> list[str]:
        """The indicator ids in order."""
        return [i.id for i in self.indicators]

    def get(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id.

        Raises:
            KeyError: No such indicator.
        """
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)


@dataclass
class IndicatorCheck:
    """What checking a catalogue gave.

    Attributes:
        catalogue: The catalogue, or ``None`` when any error was found (warnings keep it).
        issues: Every problem found, in file order.
    """

    catalogue: IndicatorCatalogue | None
    issues: Issues = field(default_factory=Issues)

    @property
    def ok(self) -> bool:
        """Whether the catalogue is usable."""
        return self.catalogue is not None and not self.issues.has_errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result: ``ok``, the issues and a summary of each indicator."""
        indicators = self.catalogue.indicators if self.catalogue is not None else ()
        return {
            "ok": self.ok,
            "instrument": self.catalogue.instrument if self.catalogue is not None else None,
            "issues": self.issues.to_list(),
            "indicators": [
                {
                    "id": ind.id,
                    "kind": ind.kind.value,
                    "unit": ind.unit,
                    "title": ind.title,
                    "breakdowns": list(ind.breakdowns),
                    "reference": ind.reference,
                }
                for ind in indicators
            ],
        }


# --- checking -------------------------------------------------------------------------------


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


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


class _Checker:
    """Checks one catalogue document against a questionnaire, collecting issues."""

    def __init__(self, doc: YamlDocument, questionnaire: Questionnaire) -> None:
        self.doc = doc
        self.q = questionnaire
        self.variables = variables_of(questionnaire)
        self.issues = Issues()
        self.parameters: dict[str, CatalogueParameter] = {}

    def add(
        self,
        code: IndCode,
        message: str,
        where: Location,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.issues.add(Issue(code.value, message, where, severity))

    def at(self, path: YamlPath, *, key: bool = False) -> Location:
        return self.doc.locate(path, key=key)

    def unknown_keys(self, data: dict[str, Any], allowed: tuple[str, ...], path: YamlPath) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    IndCode.UNKNOWN_FIELD,
                    f"unknown key '{key}'{_suggest(str(key), allowed)}; allowed keys are "
                    f"{', '.join(allowed)}",
                    self.at((*path, key), key=True),
                )

    def catalogue(self) -> IndicatorCatalogue | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.add(
                IndCode.BAD_STRUCTURE,
                "the catalogue must be a mapping with 'instrument' and 'indicators'",
                self.at(()),
            )
            return None
        self.unknown_keys(data, _CATALOGUE_KEYS, ())
        instrument = data.get("instrument")
        if instrument is None:
            self.add(
                IndCode.MISSING_FIELD,
                f"missing 'instrument'; write 'instrument: {self.q.id}'",
                self.at(()),
            )
        elif instrument != self.q.id:
            self.add(
                IndCode.WRONG_INSTRUMENT,
                f"the catalogue is for instrument '{instrument}' but the questionnaire is "
                f"'{self.q.id}'; check it against the right questionnaire or fix 'instrument'",
                self.at(("instrument",)),
            )
        defaults = self.breakdowns(data.get("default_breakdowns", []), ("default_breakdowns",))
        self.parameters = self.declared_parameters(data.get("parameters"))
        entries = data.get("indicators")
        if not isinstance(entries, list) or not entries:
            self.add(
                IndCode.BAD_STRUCTURE,
                "'indicators' must be a non-empty list of indicators (each starting with '- id:')",
                self.at(("indicators",)),
            )
            return None
        seen: dict[str, Location] = {}
        indicators: list[Indicator] = []
        for i, entry in enumerate(entries):
            ind = self.indicator(entry, ("indicators", i), defaults, seen)
            if ind is not None:
                indicators.append(ind)
        if self.issues.has_errors:
            return None
        return IndicatorCatalogue(
            instrument=self.q.id,
            indicators=tuple(indicators),
            parameters=tuple(self.parameters.values()),
        )

    def declared_parameters(self, value: Any) -> dict[str, CatalogueParameter]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(
                IndCode.BAD_PARAMETER,
                "'parameters' must map each parameter name to its description, e.g. "
                f"national_population: {{description: {{{self.q.default_language}: ...}}}}",
                self.at(("parameters",)),
            )
            return {}
        out: dict[str, CatalogueParameter] = {}
        for name, spec in value.items():
            path: YamlPath = ("parameters", name)
            where = self.at(path, key=True)
            if not isinstance(name, str) or not _ID.match(name):
                self.add(
                    IndCode.BAD_PARAMETER,
                    f"parameter name '{name}' must be snake_case of at most 32 characters",
                    where,
                )
                continue
            if not isinstance(spec, dict):
                self.add(
                    IndCode.BAD_PARAMETER,
                    f"parameter '{name}' must be a mapping with a 'description'",
                    self.at(path),
                )
                continue
            self.unknown_keys(spec, ("description",), path)
            description = self.text(spec, "description", path, f"parameter '{name}'", required=True)
            out[name] = CatalogueParameter(
                name=name,
                description=description,
                file=where.file,
                line=where.line,
                column=where.column if isinstance(where.column, int) else None,
            )
        return out

    def indicator(
        self,
        entry: Any,
        path: YamlPath,
        defaults: tuple[str, ...],
        seen: dict[str, Location],
    ) -> Indicator | None:
        if not isinstance(entry, dict):
            self.add(
                IndCode.BAD_STRUCTURE,
                "each indicator must be a mapping starting with 'id:'",
                self.at(path),
            )
            return None
        errors_before = len(self.issues.errors)
        self.unknown_keys(entry, _INDICATOR_KEYS, path)
        ind_id = self.ident(entry.get("id"), path, seen)
        label = f"indicator '{ind_id}'" if ind_id else "indicator"
        kind = self.kind(entry.get("kind"), path, label)
        title = self.text(entry, "title", path, label, required=True)
        description = self.text(entry, "description", path, label, required=False)
        unit = self.unit(entry.get("unit"), kind, path, label)
        reference = entry.get("reference")
        if reference is not None and not isinstance(reference, str):
            self.add(IndCode.WRONG_VALUE, "'reference' must be text", self.at((*path, "reference")))
        breakdowns = (
            self.breakdowns(entry["breakdowns"], (*path, "breakdowns"))
            if "breakdowns" in entry
            else defaults
        )
        external = self.external(entry, kind, path, label)
        plausible = self.plausible(entry.get("plausible_range"), path, label)
        resolved = self.expressions(
            entry, kind, path, label, external="denominator_external" in entry
        )
        if len(self.issues.errors) > errors_before or kind is None or ind_id is None:
            return None
        assert resolved is not None
        return Indicator(
            id=ind_id,
            title=title,
            description=description,
            kind=kind,
            numerator=entry.get("numerator"),
            denominator=entry.get("denominator"),
            variable=entry.get("variable"),
            universe=entry["universe"],
            breakdowns=breakdowns,
            reference=reference if isinstance(reference, str) else None,
            unit=unit,
            denominator_external=external,
            estimated=entry.get("estimated"),
            plausible_range=plausible,
            resolved=resolved,
        )

    def external(
        self, entry: dict[str, Any], kind: IndicatorKind | None, path: YamlPath, label: str
    ) -> str | None:
        value = entry.get("denominator_external")
        if value is None:
            return None
        where = self.at((*path, "denominator_external"))
        if kind not in (IndicatorKind.RATIO, IndicatorKind.RATE):
            self.add(
                IndCode.EXTERNAL_DENOMINATOR,
                f"{label}: only a ratio or a rate has a denominator; remove "
                "'denominator_external' or make the kind ratio or rate",
                where,
            )
            return None
        if "denominator" in entry:
            self.add(
                IndCode.EXTERNAL_DENOMINATOR,
                f"{label}: give either 'denominator' or 'denominator_external', not both",
                where,
            )
            return None
        if value not in self.parameters:
            declared = list(self.parameters)
            self.add(
                IndCode.EXTERNAL_DENOMINATOR,
                f"{label}: '{value}' is not a declared parameter"
                f"{_suggest(str(value), declared)}; declare it under 'parameters:' "
                f"(declared: {', '.join(declared) or 'none'})",
                where,
            )
            return None
        return str(value)

    def plausible(self, value: Any, path: YamlPath, label: str) -> tuple[float, float] | None:
        if value is None:
            return None
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and value[0] < value[1]
        )
        if not ok:
            self.add(
                IndCode.BAD_RANGE,
                f"{label}: 'plausible_range' must be [low, high] with low < high, in the "
                "indicator's unit, e.g. [20, 1000]",
                self.at((*path, "plausible_range")),
            )
            return None
        return float(value[0]), float(value[1])

    def ident(self, value: Any, path: YamlPath, seen: dict[str, Location]) -> str | None:
        if value is None:
            self.add(IndCode.MISSING_FIELD, "missing 'id'; give the indicator an id", self.at(path))
            return None
        where = self.at((*path, "id"))
        if not isinstance(value, str) or not _ID.match(value):
            self.add(
                IndCode.BAD_ID,
                f"id '{value}' must be snake_case: a lowercase letter, then lowercase letters, "
                "digits or '_', at most 32 characters",
                where,
            )
            return None
        if value in seen:
            self.add(
                IndCode.DUPLICATE_ID,
                f"id '{value}' is used twice (first at {seen[value]}); rename one",
                where,
            )
            return None
        seen[value] = where
        return value

    def kind(self, value: Any, path: YamlPath, label: str) -> IndicatorKind | None:
        kinds = [k.value for k in IndicatorKind]
        if value is None:
            self.add(
                IndCode.MISSING_FIELD,
                f"{label}: missing 'kind'; use one of {', '.join(kinds)}",
                self.at(path),
            )
            return None
        if value not in kinds:
            self.add(
                IndCode.WRONG_VALUE,
                f"{label}: kind '{value}' is not one of {', '.join(kinds)}"
                f"{_suggest(str(value), kinds)}",
                self.at((*path, "kind")),
            )
            return None
        return IndicatorKind(value)

    def unit(self, value: Any, kind: IndicatorKind | None, path: YamlPath, label: str) -> str:
        default = "percent" if kind is IndicatorKind.PROPORTION else "number"
        if value is None:
            return default
        units = list(UNIT_SCALES)
        where = self.at((*path, "unit"))
        if value not in UNIT_SCALES:
            self.add(
                IndCode.WRONG_VALUE,
                f"{label}: unit '{value}' is not one of {', '.join(units)}"
                f"{_suggest(str(value), units)}",
                where,
            )
            return default
        if kind is IndicatorKind.PROPORTION and value not in _SHARE_UNITS:
            self.add(
                IndCode.WRONG_VALUE,
                f"{label}: a proportion is shown as percent, proportion or per_100..per_100000, "
                f"not '{value}'",
                where,
            )
        return str(value)

    def text(
        self, entry: dict[str, Any], key: str, path: YamlPath, label: str, *, required: bool
    ) -> Text:
        value = entry.get(key)
        if value is None:
            if required:
                self.add(
                    IndCode.MISSING_FIELD,
                    f"{label}: missing '{key}'; write it in {', '.join(self.q.languages)}",
                    self.at(path),
                )
            return {}
        where = self.at((*path, key))
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            self.add(
                IndCode.WRONG_VALUE,
                f"{label}: '{key}' must map each language code to a text, e.g. "
                f"{{{self.q.default_language}: ...}}",
                where,
            )
            return {}
        for lang in self.q.languages:
            if lang not in value:
                self.add(
                    IndCode.MISSING_TRANSLATION,
                    f"{label}: '{key}' has no '{lang}' text; the questionnaire promises "
                    f"{', '.join(self.q.languages)}",
                    where,
                )
            elif not value[lang].strip():
                self.add(
                    IndCode.MISSING_TRANSLATION,
                    f"{label}: '{key}' in '{lang}' is empty; write the text",
                    self.at((*path, key, lang)),
                )
        for lang in value:
            if lang not in self.q.languages:
                self.add(
                    IndCode.EXTRA_LANGUAGE,
                    f"{label}: '{key}' has a '{lang}' text but the questionnaire does not "
                    f"declare '{lang}'; remove it or add the language to the questionnaire",
                    self.at((*path, key, lang), key=True),
                    Severity.WARNING,
                )
        return dict(value)

    def breakdowns(self, value: Any, path: YamlPath) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(
                IndCode.WRONG_VALUE,
                "breakdowns must be a list of variable names, e.g. [sex, age_group]",
                self.at(path),
            )
            return ()
        for i, name in enumerate(value):
            info = self.variables.get(name)
            where = self.at((*path, i))
            if info is None:
                self.add(
                    IndCode.UNKNOWN_BREAKDOWN,
                    f"breakdown '{name}' is not a question of the questionnaire"
                    f"{_suggest(name, list(self.variables))}",
                    where,
                )
            elif info.in_repeat is not None or info.type in _BAD_BREAKDOWN_TYPES:
                where_text = "inside a repeat" if info.in_repeat else f"a {info.type.value}"
                self.add(
                    IndCode.BAD_BREAKDOWN,
                    f"breakdown '{name}' is {where_text}; breakdowns must be one value per "
                    "respondent (select_one, integer, decimal, calculate or date)",
                    where,
                )
        return tuple(value)

    def expressions(
        self,
        entry: dict[str, Any],
        kind: IndicatorKind | None,
        path: YamlPath,
        label: str,
        *,
        external: bool = False,
    ) -> ResolvedExpressions | None:
        needed = (*_ROLES[kind], "universe") if kind is not None else ("universe",)
        if external:
            needed = tuple(r for r in needed if r != "denominator")
        out: dict[str, str] = {}
        for role in (*_EXPRESSION_KEYS, "estimated"):
            source = entry.get(role)
            if role == "estimated" and source is None:
                continue
            if role not in needed and role != "estimated":
                if source is not None and kind is not None:
                    self.add(
                        IndCode.UNUSED_EXPRESSION,
                        f"{label}: a {kind.value} does not use '{role}'; it uses "
                        f"{', '.join(needed)}",
                        self.at((*path, role), key=True),
                    )
                continue
            if source is None:
                self.add(
                    IndCode.MISSING_FIELD,
                    f"{label}: a {kind.value if kind else 'indicator'} needs '{role}'",
                    self.at(path),
                )
                continue
            if not isinstance(source, str):
                self.add(
                    IndCode.WRONG_VALUE,
                    f"{label}: '{role}' must be an expression written as text, e.g. "
                    "${sleep_place} = 1",
                    self.at((*path, role)),
                )
                continue
            condition = role in ("universe", "estimated") or (
                kind is IndicatorKind.PROPORTION and role == "numerator"
            )
            text = self.expression(source, (*path, role), label, role, condition)
            if text is not None:
                out[role] = text
        if "universe" not in out or any(r not in out for r in needed):
            return None
        return ResolvedExpressions(**out)

    def expression(
        self, source: str, path: YamlPath, label: str, role: str, condition: bool
    ) -> str | None:
        try:
            expr = parse(source)
        except ExpressionError as err:
            self.add(
                IndCode.EXPRESSION_SYNTAX,
                f"{label}: {role} cannot be read ({err.code}): {err.message}",
                self.doc.locate_offset(path, err.offset),
            )
            return None
        problems = check_all(expr, self.variables)
        for problem in problems:
            code = (
                IndCode.UNKNOWN_REFERENCE if problem.code == "EXP010" else IndCode.EXPRESSION_MISFIT
            )
            self.add(
                code,
                f"{label}: {role} ({problem.code}): {problem.message}",
                self.doc.locate_offset(path, problem.offset),
            )
        for node in expr.walk():
            if isinstance(node, Call):
                sig = SIGNATURES.get(node.name)
                if sig is not None and not sig.evaluable:
                    self.add(
                        IndCode.EXPRESSION_MISFIT,
                        f"{label}: {role} uses {node.name}(), which only works inside a form; "
                        "indicators are computed on a table of responses",
                        self.doc.locate_offset(path, max(node.offset, 0)),
                    )
                    problems.append(ExpressionError("EXP020", node.name, node.offset))
        for ref in _repeat_refs(expr, self.variables):
            self.add(
                IndCode.REPEAT_REFERENCE,
                f"{label}: {role} refers to '{ref.name}', which is asked inside a repeat; "
                f"indicators have one row per respondent, so use count() or sum() over it",
                self.doc.locate_offset(path, max(ref.offset, 0)),
            )
        if condition and not _is_condition(expr):
            self.add(
                IndCode.NOT_A_CONDITION,
                f"{label}: {role} must be a condition such as ${{x}} = 1 or "
                "selected(${x}, 'name'); a bare value counts any non-empty answer (even 0) "
                "as true",
                self.doc.locate_offset(path, 0),
            )
            return None
        if problems:
            return None
        return to_xpath(resolve(expr, self.variables))


def check_indicators(path: Path, questionnaire: Questionnaire) -> IndicatorCheck:
    """Read and check an indicator catalogue against a questionnaire.

    Args:
        path: The catalogue file (usually ``<instrument folder>/indicators.yaml``).
        questionnaire: The loaded questionnaire whose variables the expressions use.

    Returns:
        The catalogue (``None`` if any error was found) and every issue, located as
        ``file:line:column``.
    """
    doc = read_yaml(path)
    if doc.issues or doc.data is None:
        return IndicatorCheck(None, Issues(doc.issues))
    checker = _Checker(doc, questionnaire)
    catalogue = checker.catalogue()
    issues = Issues(checker.issues.sorted())
    return IndicatorCheck(None if issues.has_errors else catalogue, issues)


def load_indicators(path: Path, questionnaire: Questionnaire) -> IndicatorCatalogue:
    """Load an indicator catalogue, resolving its expressions against ``questionnaire``.

    Args:
        path: The catalogue file.
        questionnaire: The loaded questionnaire.

    Returns:
        The catalogue; every indicator carries its resolved expressions.

    Raises:
        InputError: The catalogue has errors; carries every issue found.
    """
    result = check_indicators(path, questionnaire)
    if result.catalogue is None:
        raise InputError(result.issues)
    return result.catalogue


def check_instrument_indicators(folder: Path, catalogue: Path | None = None) -> IndicatorCheck:
    """Load the questionnaire in ``folder`` and check its indicator catalogue.

    Args:
        folder: An instrument folder (holding questionnaire.yaml).
        catalogue: The catalogue file; ``folder/indicators.yaml`` when not given.

    Returns:
        The check of the catalogue (see :func:`check_indicators`).

    Raises:
        InputError: The folder or the catalogue cannot be read, or the questionnaire has errors
            (the catalogue cannot be checked against it).
    """
    loaded = load_questionnaire(folder)
    if loaded.questionnaire is None or loaded.issues.has_errors:
        raise InputError(loaded.issues)
    path = catalogue if catalogue is not None else folder / INDICATORS_FILE
    if not path.is_file():
        raise InputError(
            Issue(
                IndCode.BAD_STRUCTURE.value,
                f"no indicator catalogue at {path}; write {INDICATORS_FILE} in the instrument "
                "folder or name the file with --catalogue",
                Location(str(path)),
            )
        )
    return check_indicators(path, loaded.questionnaire)


# --- evaluation -----------------------------------------------------------------------------


def _compiled(indicator: Indicator, role: str) -> Expr:
    if indicator.resolved is None:
        raise UsageError(
            f"indicator '{indicator.id}' has not been resolved against a questionnaire; "
            "load it with load_indicators()"
        )
    source = getattr(indicator.resolved, role)
    if source is None:
        raise UsageError(f"indicator '{indicator.id}' ({indicator.kind.value}) has no {role}")
    return parse(source)


def _as_bool(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values
    numbers = pd.to_numeric(values, errors="coerce")
    return pd.Series(numbers.fillna(0).to_numpy() != 0, index=values.index, dtype=bool)


def _as_float(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values.astype(np.float64)
    return pd.to_numeric(values, errors="coerce").astype(np.float64)


def evaluate_indicator_columns(
    indicator: Indicator, data: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Compute, for every row of ``data``, the indicator's numerator and universe membership.

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question (see the data conventions in
            ``docs/questionnaire-format.md``).

    Returns:
        ``(numerator, universe)`` indexed like ``data``. ``universe`` is boolean. ``numerator``
        is float: 1.0/0.0 for a proportion, the variable for a mean or total, the numerator of
        a ratio or rate; it is NaN outside the universe (and where a numeric value is missing),
        so an estimator that drops missing values estimates over the universe.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the expressions need is missing from ``data`` (EXP010).
    """
    universe = _as_bool(evaluate(_compiled(indicator, "universe"), data))
    role = (
        "variable" if indicator.kind in (IndicatorKind.MEAN, IndicatorKind.TOTAL) else "numerator"
    )
    raw = evaluate(_compiled(indicator, role), data)
    values = (
        _as_bool(raw).astype(np.float64)
        if indicator.kind is IndicatorKind.PROPORTION
        else _as_float(raw)
    )
    return values.where(universe), universe


def evaluate_indicator_denominator(indicator: Indicator, data: pd.DataFrame) -> pd.Series:
    """Compute the denominator column, so that every estimate is a ratio of weighted sums.

    For a ratio or rate this is the denominator expression; for a proportion, mean or total it
    is 1.0. Either way it is NaN outside the universe, so
    ``sum(w * numerator) / sum(w * denominator)`` over the rows gives the indicator (a total
    uses the numerator sum alone).

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question.

    Returns:
        Float series indexed like ``data``.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the expressions need is missing from ``data`` (EXP010).
    """
    universe = _as_bool(evaluate(_compiled(indicator, "universe"), data))
    if indicator.denominator_external is not None:
        raise UsageError(
            f"indicator '{indicator.id}' divides by the parameter "
            f"'{indicator.denominator_external}', not by a column; divide the numerator total "
            "by the parameter's value (see parameter_values())"
        )
    if indicator.kind in (IndicatorKind.RATIO, IndicatorKind.RATE):
        values = _as_float(evaluate(_compiled(indicator, "denominator"), data))
    else:
        values = pd.Series(1.0, index=data.index, dtype=np.float64)
    return values.where(universe)


def evaluate_indicator_estimated(indicator: Indicator, data: pd.DataFrame) -> pd.Series:
    """Whether each row's figures for ``indicator`` are (partly) estimated.

    Args:
        indicator: An indicator of a catalogue loaded with :func:`load_indicators`.
        data: Responses, one column per question.

    Returns:
        Boolean series indexed like ``data``; all false when the indicator has no ``estimated``
        condition.

    Raises:
        UsageError: The indicator was not loaded against a questionnaire.
        ExpressionError: A column the condition needs is missing from ``data`` (EXP010).
    """
    if indicator.estimated is None:
        return pd.Series(False, index=data.index, dtype=bool)
    return _as_bool(evaluate(_compiled(indicator, "estimated"), data))


def parameter_values(
    catalogue: IndicatorCatalogue,
    given: Mapping[str, float],
    indicator_ids: list[str] | tuple[str, ...] = (),
) -> dict[str, float]:
    """Check that every parameter the chosen indicators divide by has a positive value.

    Args:
        catalogue: A loaded catalogue.
        given: Values by parameter name (e.g. from ``--param national_population=4850000``).
        indicator_ids: The indicators to be computed (all when empty).

    Returns:
        The values of the parameters the chosen indicators need.

    Raises:
        InputError: A needed parameter has no value or a value that is not a positive number
            (IND017, located at its declaration in the catalogue).
    """
    declared = {p.name: p for p in catalogue.parameters}
    chosen = [catalogue.get(i) for i in indicator_ids] if indicator_ids else catalogue.indicators
    needed = dict.fromkeys(
        i.denominator_external for i in chosen if i.denominator_external is not None
    )
    issues = Issues()
    out: dict[str, float] = {}
    for name in needed:
        param = declared[name]
        users = ", ".join(i.id for i in chosen if i.denominator_external == name)
        value = given.get(name)
        if value is None or not np.isfinite(value) or value <= 0:
            what = "has no value" if value is None else f"is {value}, not a positive number"
            issues.add(
                Issue(
                    IndCode.MISSING_PARAMETER.value,
                    f"parameter '{name}' {what}; the indicators {users} divide by it: give "
                    f"its value when tabulating, e.g. --param {name}=N",
                    param.location,
                )
            )
            continue
        out[name] = float(value)
    if issues:
        raise InputError(issues)
    return out
