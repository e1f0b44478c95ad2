"""The indicator catalogue of an instrument: frozen pydantic models and their rules.

An :class:`Indicator` is what an analyst publishes from an instrument: multilingual titles, a
:class:`IndicatorKind`, expressions in the questionnaire's expression language (numerator,
denominator, variable, universe), the domains it is broken down by, the unit and the source it
follows. The validators hold the rules of a catalogue: those between fields (a mean has a
variable and no numerator; a proportion is shown as a share) always, and those against the
questionnaire (expressions, breakdowns, languages) when validated with a
:class:`~prisonsurvey.questionnaire.indicators.rules.CatalogueContext`, as
:func:`~prisonsurvey.questionnaire.indicators.load.load_indicators` does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from prisonsurvey.errors import Location
from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.indicators.rules import (
    ID_PATTERN,
    breakdown_problems,
    context_of,
    expression_problems,
    problem,
    raise_problems,
    suggest,
    text_problems,
)
from prisonsurvey.questionnaire.model import Text


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


Unit = Literal[
    "percent",
    "proportion",
    "per_100",
    "per_1000",
    "per_10000",
    "per_100000",
    "count",
    "number",
    "years",
    "months",
    "days",
    "hours",
    "currency",
]
"""How an estimate is shown."""

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

SHARE_UNITS = frozenset({"percent", "proportion", "per_100", "per_1000", "per_10000", "per_100000"})
"""The units a proportion may be shown in."""

ROLES: dict[IndicatorKind, tuple[str, ...]] = {
    IndicatorKind.PROPORTION: ("numerator",),
    IndicatorKind.MEAN: ("variable",),
    IndicatorKind.TOTAL: ("variable",),
    IndicatorKind.RATIO: ("numerator", "denominator"),
    IndicatorKind.RATE: ("numerator", "denominator"),
}
"""The expressions each kind needs besides ``universe``."""

_DIVIDED = (IndicatorKind.RATIO, IndicatorKind.RATE)
RANGE_MESSAGE = (
    "'plausible_range' must be [low, high] with low < high, in the indicator's unit, "
    "e.g. [20, 1000]"
)
"""IND018: a range of the wrong shape, or one that does not increase."""
_Number = Annotated[float, Strict()]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResolvedExpressions(_Frozen):
    """An indicator's expressions with choice names replaced by codes (set by the loader).

    Attributes:
        numerator: Resolved numerator (proportion, ratio, rate).
        denominator: Resolved denominator (ratio, rate).
        variable: Resolved variable (mean, total).
        universe: Resolved universe.
        estimated: Resolved condition of estimated figures.
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


def check_text(value: Text, info: ValidationInfo) -> Text:
    """Validator of a multilingual text: every promised language, none empty."""
    context = context_of(info)
    if context is not None:
        assert info.field_name is not None
        raise_problems("text", text_problems(value, info.field_name, context))
    return value


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
        unit: How the estimate is shown (a key of :data:`UNIT_SCALES`); percent for a
            proportion and number for the other kinds when not given.
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

    id: Annotated[str, StringConstraints(pattern=ID_PATTERN)]
    title: Text
    description: Text = Field(default_factory=dict)
    kind: IndicatorKind
    numerator: str | None = Field(default=None, validate_default=True)
    denominator: str | None = None
    variable: str | None = Field(default=None, validate_default=True)
    universe: str
    breakdowns: tuple[str, ...] = ()
    reference: str | None = None
    unit: Unit = "percent"
    denominator_external: str | None = Field(default=None, validate_default=True)
    estimated: str | None = None
    plausible_range: tuple[_Number, _Number] | None = None
    resolved: ResolvedExpressions | None = None

    _text = field_validator("title", "description")(check_text)

    @model_validator(mode="before")
    @classmethod
    def _unit_by_kind(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "resolved" in data and context_of(info) is not None:
            # resolved expressions come from the loader, never from the file
            unknown = InitErrorDetails(type="extra_forbidden", loc=("resolved",), input=None)
            raise_problems(cls.__name__, [unknown])
        if isinstance(data, dict) and data.get("unit") is None:
            unit = "percent" if data.get("kind") == IndicatorKind.PROPORTION else "number"
            return {**data, "unit": unit}
        return data

    @field_validator("numerator", "denominator", "variable", "universe", "estimated")
    @classmethod
    def _expression(cls, value: str | None, info: ValidationInfo) -> str | None:
        role = info.field_name
        assert role is not None
        kind: IndicatorKind | None = info.data.get("kind")
        needed = (*ROLES[kind], "universe") if kind is not None else ("universe",)
        if role != "estimated" and value is None:
            # a missing denominator may be an external one: see _external
            if role in needed and role != "denominator":
                raise_problems(
                    cls.__name__, [problem(IndCode.MISSING_FIELD, f"a {kind} needs '{role}'")]
                )
            return value
        if role != "estimated" and role not in needed:
            if kind is not None:
                raise_problems(cls.__name__, [_unused(kind, role, needed)])
            return value
        context = context_of(info)
        if context is not None and value is not None:
            condition = role in ("universe", "estimated") or (
                kind is IndicatorKind.PROPORTION and role == "numerator"
            )
            raise_problems(cls.__name__, expression_problems(value, role, condition, context))
        return value

    @field_validator("breakdowns")
    @classmethod
    def _breakdowns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        context = context_of(info)
        if context is not None:
            raise_problems(cls.__name__, breakdown_problems(value, context))
        return value

    @field_validator("unit")
    @classmethod
    def _share_unit(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") is IndicatorKind.PROPORTION and value not in SHARE_UNITS:
            raise_problems(
                cls.__name__,
                [
                    problem(
                        IndCode.WRONG_VALUE,
                        "a proportion is shown as percent, proportion or per_100..per_100000, "
                        f"not '{value}'",
                    )
                ],
            )
        return value

    @field_validator("denominator_external")
    @classmethod
    def _external(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        # absent from info.data: written, but not valid text
        denominator_given = info.data.get("denominator", "") is not None
        problems = []
        if value is None:
            if kind in _DIVIDED and not denominator_given:
                problems.append(problem(IndCode.MISSING_FIELD, f"a {kind} needs 'denominator'"))
        elif kind not in _DIVIDED:
            problems.append(
                problem(
                    IndCode.EXTERNAL_DENOMINATOR,
                    "only a ratio or a rate has a denominator; remove 'denominator_external' "
                    "or make the kind ratio or rate",
                )
            )
        elif denominator_given:
            problems.append(
                problem(
                    IndCode.EXTERNAL_DENOMINATOR,
                    "give either 'denominator' or 'denominator_external', not both",
                )
            )
            problems.append(_unused(kind, "denominator", ("numerator", "universe")))
        else:
            context = context_of(info)
            if context is not None and value not in context.parameters:
                declared = list(context.parameters)
                problems.append(
                    problem(
                        IndCode.EXTERNAL_DENOMINATOR,
                        f"'{value}' is not a declared parameter{suggest(value, declared)}; "
                        f"declare it under 'parameters:' (declared: "
                        f"{', '.join(declared) or 'none'})",
                    )
                )
        raise_problems(cls.__name__, problems)
        return value

    @field_validator("plausible_range")
    @classmethod
    def _increasing(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not value[0] < value[1]:
            raise_problems(cls.__name__, [problem(IndCode.BAD_RANGE, RANGE_MESSAGE)])
        return value

    @property
    def scale(self) -> float:
        """Factor that turns the estimate into :attr:`unit` (100 for percent)."""
        return UNIT_SCALES.get(self.unit, 1.0)

    def expressions(self) -> dict[str, str]:
        """The expressions as written, by role (``numerator``, ..., ``universe``)."""
        out = {
            role: getattr(self, role)
            for role in ROLES[self.kind]
            if getattr(self, role) is not None
        }
        out["universe"] = self.universe
        if self.estimated is not None:
            out["estimated"] = self.estimated
        return out


def _unused(kind: IndicatorKind, role: str, needed: tuple[str, ...]) -> InitErrorDetails:
    return problem(
        IndCode.UNUSED_EXPRESSION,
        f"a {kind.value} does not use '{role}'; it uses {', '.join(needed)}",
        key=True,
        at=role,
    )


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
