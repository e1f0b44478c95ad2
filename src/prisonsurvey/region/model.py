"""The ``region.yaml`` model of a regional programme: several national rounds, one core.

A regional programme folder holds ``region.yaml``::

    programme:
      id: americas-2026                 # lowercase letters, digits, '-' or '_'
      title: {es: ..., en: ...}         # per language
    core:                               # the regional core instrument the rounds adapt
      instrument: regional-inmate
      version: 1.0.0
    languages: [es, en, pt, fr]         # languages of the report
    indicators: []                      # core catalogue indicators to compare (empty: all)
    rules: {flag_min_n: 30, suppress_min_n: 10, min_count: 3}   # as in tabulate
    variance: replicate                 # or linearised; auto (default): replicate when a
                                        # round carries replicate weights
    rounds:
      - country: ARC                    # ISO-like code, 2-3 capital letters
        name: {es: Arcadia, en: Arcadia}
        year: 2026
        source: arcadia/                # a survey project folder or a release package
        population: 4850000             # national population (rates per 100,000)
        prison_population: 9800         # people in prison: weights are scaled to sum to it
        adaptation: adaptation.yaml     # release packages only: the adaptation fielded
        fieldwork: {start: 2026-03-02, end: 2026-05-29}
        response_rate: 0.91
        census: census_2025.csv         # the facility census round (one row per facility)
        comparability:                  # an analyst's judgement over the derived class
          no_own_bed: {class: comparable_note, reason: ...}
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from prisonsurvey.estimation.project_tables import RulesSection

Text = dict[str, str]
LANGUAGES = ("es", "en", "pt", "fr")
"""Languages the report is written in."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Comparability(StrEnum):
    """How a country's figure of an indicator compares with the regional core."""

    COMPARABLE = "comparable"
    COMPARABLE_NOTE = "comparable_note"
    """Comparable with a note: adapted wording, a different universe, recoded."""
    NOT_COMPARABLE = "not_comparable"
    NOT_COLLECTED = "not_collected"

    @property
    def shown(self) -> bool:
        """Whether a figure of this class is published (and pooled)."""
        return self in (Comparability.COMPARABLE, Comparability.COMPARABLE_NOTE)


class Programme(_Frozen):
    """Who runs the regional programme and what it is called."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: Text = Field(default_factory=dict)


class CoreRef(_Frozen):
    """The regional core instrument every round adapts."""

    instrument: str = "regional-inmate"
    version: str = "1.0.0"
    census: str = "facility-census@1.0.0"
    """The facility census instrument the rounds' census files follow."""

    @property
    def spec(self) -> str:
        """``instrument@version``."""
        return f"{self.instrument}@{self.version}"


class VarianceMethod(StrEnum):
    """How the standard errors of the report are computed."""

    AUTO = "auto"
    """Replicates when a round carries replicate weights, linearisation otherwise."""
    LINEARISED = "linearised"
    REPLICATE = "replicate"


class Variance(_Frozen):
    """The ``variance:`` section (or just its method, ``variance: replicate``).

    With replicates, each round keeps its own replicate set (its replicate weights, or
    replicates made for it with ``make``) and the regional design combines them block by block.
    """

    method: VarianceMethod = VarianceMethod.AUTO
    make: Literal["jkn", "jk1", "boot"] = "jkn"
    """Replicates made for a round that carries none: JKn, JK1 or Rao-Wu bootstrap."""
    replicates: int = Field(default=50, ge=2, le=5000)
    """Bootstrap replicates made per round."""
    seed: int = 2026

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"method": value} if isinstance(value, str) else value


class Fieldwork(_Frozen):
    """Fieldwork dates of a round (ISO dates, as text)."""

    start: str = ""
    end: str = ""


class Judgement(_Frozen):
    """An analyst's class for one indicator of one round, with the reason."""

    class_: Comparability = Field(alias="class")
    reason: str = Field(min_length=1)


class RoundRef(_Frozen):
    """One national round of the programme."""

    country: str = Field(pattern=r"^[A-Z]{2,3}$")
    name: Text
    year: int = Field(ge=1900, le=2200)
    source: str
    population: int | None = Field(default=None, gt=0)
    prison_population: float | None = Field(default=None, gt=0)
    adaptation: str | None = None
    fieldwork: Fieldwork = Field(default_factory=Fieldwork)
    response_rate: float | None = Field(default=None, ge=0, le=1)
    census: str | None = None
    """The round's facility census file (CSV, Parquet, ...), relative to region.yaml."""
    comparability: dict[str, Judgement] = Field(default_factory=dict)

    def label(self, lang: str) -> str:
        """The country's name in ``lang`` (any language, else the code)."""
        return self.name.get(lang) or next(iter(self.name.values()), self.country)


class RegionConfig(_Frozen):
    """The whole ``region.yaml``."""

    programme: Programme
    core: CoreRef = Field(default_factory=CoreRef)
    languages: tuple[str, ...] = LANGUAGES
    indicators: tuple[str, ...] = ()
    rules: RulesSection = Field(default_factory=RulesSection)
    variance: Variance = Field(default_factory=Variance)
    rounds: tuple[RoundRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _checks(self) -> RegionConfig:
        unknown = [lang for lang in self.languages if lang not in LANGUAGES]
        if unknown:
            raise ValueError(
                f"languages {', '.join(unknown)} have no report texts; use {', '.join(LANGUAGES)}"
            )
        seen: set[str] = set()
        for r in self.rounds:
            if r.country in seen:
                raise ValueError(f"country {r.country} has two rounds; keep one per country")
            seen.add(r.country)
        return self

    def title(self, lang: str) -> str:
        """The programme's title in ``lang`` (any language, else the id)."""
        return self.programme.title.get(lang) or next(
            iter(self.programme.title.values()), self.programme.id
        )
