"""The ``release:`` section of ``survey.yaml``: how a public-use file is protected.

Every key has a default, so a project without the section releases with k = 3 on the
instrument's declared keys::

    release:
      keys: {add: [education], remove: [disability]}   # change the declared keys
      k: 3                         # k-anonymity reached by local suppression
      threshold: 0.1               # individual risk above which a record counts as high risk
      drop: [interview_date]       # variables left out of the release
      include: []                  # identifying or free-text variables released all the same
      importance: [sex, age]       # keys suppressed last, most important first
      recode:                      # global recoding
        age: {bands: [18, 25, 30, 40, 50, 60]}
        facility: {to: region}     # replaced by a design column (stratum) of the same record
        citizenship: {pool_below: 5}
      top_code: {sentence_years: {top: 30}}
      pram: {variables: [marital_status], keep: 0.8}
      noise: {variables: [visit_cost], amount: 0.1}
      sensitive: [violence_staff]  # l-diversity of these within key patterns
      seed: 2026
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


DEFAULT_AGE_BANDS = (18, 25, 30, 40, 50, 60)
"""Bands given by default to integer categorical keys measured in years (age)."""


class KeyChanges(_Frozen):
    """Keys added to or removed from those the questionnaire declares."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


class Recode(_Frozen):
    """Global recoding of one variable (one of the three).

    Attributes:
        bands: Lower bounds of bands for a number (age to age groups).
        to: A design column whose value replaces it (facility to its stratum).
        pool_below: Categories with fewer records are pooled into one.
    """

    bands: tuple[float, ...] = ()
    to: str | None = None
    pool_below: int | None = None


class TopCode(_Frozen):
    """Top and bottom coding of a number."""

    top: float | None = None
    bottom: float | None = None


class Pram(_Frozen):
    """Post-randomisation of categorical variables with an invariant matrix."""

    variables: tuple[str, ...] = ()
    keep: float = Field(0.8, gt=0, le=1)


class Noise(_Frozen):
    """Additive noise on continuous variables (``amount`` times their standard deviation)."""

    variables: tuple[str, ...] = ()
    amount: float = Field(0.1, ge=0)


class ReleaseSection(_Frozen):
    """The whole ``release:`` section (see the module docstring)."""

    keys: KeyChanges = Field(default_factory=KeyChanges)
    k: int = Field(3, ge=1)
    threshold: float = Field(0.1, gt=0, lt=1)
    drop: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    importance: tuple[str, ...] = ()
    recode: dict[str, Recode] = Field(default_factory=dict)
    top_code: dict[str, TopCode] = Field(default_factory=dict)
    pram: Pram = Field(default_factory=Pram)
    noise: Noise = Field(default_factory=Noise)
    sensitive: tuple[str, ...] = ()
    seed: int = 2026


__all__ = [
    "DEFAULT_AGE_BANDS",
    "KeyChanges",
    "Noise",
    "Pram",
    "Recode",
    "ReleaseSection",
    "TopCode",
]
