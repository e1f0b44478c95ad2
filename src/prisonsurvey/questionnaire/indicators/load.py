"""Load an indicator catalogue file into the model, every problem located.

``indicators.yaml`` (see "Indicator catalogue" in ``docs/questionnaire-format.md``) is read
with :func:`~prisonsurvey.questionnaire.yaml_source.read_yaml` and validated as a
:class:`CatalogueFile` with a
:class:`~prisonsurvey.questionnaire.indicators.rules.CatalogueContext`: pydantic checks
shapes and types, the validators check the rules against the questionnaire, and
:func:`~prisonsurvey.questionnaire.indicators.located.catalogue_issues` turns every error into
an :class:`~prisonsurvey.errors.Issue` with an ``IND`` code and a ``file:line:column``
location. The file then becomes an
:class:`~prisonsurvey.questionnaire.indicators.model.IndicatorCatalogue` whose indicators carry
their resolved expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from prisonsurvey.errors import InputError, Issue, Issues, Location
from prisonsurvey.questionnaire.indicators.codes import IndCode
from prisonsurvey.questionnaire.indicators.located import catalogue_issues
from prisonsurvey.questionnaire.indicators.model import (
    CatalogueParameter,
    Indicator,
    IndicatorCatalogue,
    ResolvedExpressions,
    check_text,
)
from prisonsurvey.questionnaire.indicators.rules import (
    ID_PATTERN,
    CatalogueContext,
    breakdown_problems,
    context_of,
    details_of,
    duplicate_ids,
    problem,
    raise_problems,
    wrong_instrument,
)
from prisonsurvey.questionnaire.load import load_questionnaire
from prisonsurvey.questionnaire.model import Questionnaire, Text
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml

INDICATORS_FILE = "indicators.yaml"
"""Name of the catalogue inside an instrument folder."""


class ParameterSpec(BaseModel):
    """A parameter as declared in the file: ``name: {description: {...}}``.

    Attributes:
        description: What value to give, per language.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: Text

    _text = field_validator("description")(check_text)


_ParameterName = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class CatalogueFile(BaseModel):
    """What ``indicators.yaml`` holds.

    Attributes:
        instrument: Id of the instrument the expressions refer to.
        default_breakdowns: Breakdowns of the indicators that name none.
        parameters: Values from outside the responses, by name.
        indicators: The indicators in publication order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    default_breakdowns: tuple[str, ...] = ()
    parameters: (
        dict[Annotated[str, StringConstraints(pattern=ID_PATTERN)], ParameterSpec] | None
    ) = None
    indicators: Annotated[tuple[Indicator, ...], Field(min_length=1)]

    @field_validator("instrument")
    @classmethod
    def _same_instrument(cls, value: str, info: ValidationInfo) -> str:
        context = context_of(info)
        if context is not None and value != context.questionnaire.id:
            message = wrong_instrument(value, context.questionnaire.id)
            raise_problems(
                cls.__name__, [problem(IndCode.WRONG_INSTRUMENT, message, labelled=False)]
            )
        return value

    @field_validator("default_breakdowns")
    @classmethod
    def _breakdowns(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        context = context_of(info)
        if context is not None:
            raise_problems(cls.__name__, breakdown_problems(value, context))
        return value

    @field_validator("parameters", mode="before")
    @classmethod
    def _declare(cls, value: Any, info: ValidationInfo) -> Any:
        context = context_of(info)
        if context is not None and isinstance(value, dict):
            # before the indicators are validated, which refer to them
            context.parameters = tuple(value)
        return value

    @field_validator("indicators", mode="wrap")
    @classmethod
    def _unique_ids(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        context = context_of(info)
        problems = duplicate_ids(value, context) if context is not None else []
        try:
            out = handler(value)
        except ValidationError as err:
            if not problems:
                raise
            problems = [*details_of(err), *problems]
        raise_problems(cls.__name__, problems)
        return out


_KEYS = {
    "catalogue": tuple(CatalogueFile.model_fields),
    "indicator": tuple(name for name in Indicator.model_fields if name != "resolved"),
    "parameter": tuple(ParameterSpec.model_fields),
}
"""The keys a catalogue file, an indicator and a parameter may have, in documented order."""


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


def _validate(
    doc: YamlDocument, context: CatalogueContext
) -> tuple[CatalogueFile | None, list[Issue]]:
    try:
        return CatalogueFile.model_validate(doc.data, context=context.as_pydantic()), []
    except ValidationError as err:
        return None, catalogue_issues(err, doc, context, _KEYS)


def _catalogue(parsed: CatalogueFile, context: CatalogueContext) -> IndicatorCatalogue:
    """The catalogue of a valid file: default breakdowns applied, expressions resolved."""
    indicators = []
    for ind in parsed.indicators:
        update: dict[str, Any] = {
            "resolved": ResolvedExpressions(
                **{role: context.resolved[text] for role, text in ind.expressions().items()}
            )
        }
        if "breakdowns" not in ind.model_fields_set:
            update["breakdowns"] = parsed.default_breakdowns
        indicators.append(ind.model_copy(update=update))
    parameters = []
    for name, spec in (parsed.parameters or {}).items():
        where = context.doc.locate(("parameters", name), key=True) if context.doc else Location()
        parameters.append(
            CatalogueParameter(
                name=name,
                description=spec.description,
                file=where.file,
                line=where.line,
                column=where.column if isinstance(where.column, int) else None,
            )
        )
    return IndicatorCatalogue(
        instrument=parsed.instrument, indicators=tuple(indicators), parameters=tuple(parameters)
    )


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
    context = CatalogueContext(questionnaire, doc)
    parsed, issues = _validate(doc, context)
    found = Issues(issues)
    if parsed is None and not found.has_errors:
        # only warnings: validate again without them to get the catalogue
        context.warnings = False
        parsed, _ = _validate(doc, context)
    catalogue = _catalogue(parsed, context) if parsed is not None else None
    return IndicatorCheck(catalogue, Issues(found.sorted()))


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
