"""The codebook model: small immutable records the writers read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    """One value of a categorical variable.

    Attributes:
        code: The numeric code in the data.
        label: Its label in the codebook's language.
        missing: The kind of missing value the code means (``dont_know``...), if any.
        n: Unweighted count, with data.
        weighted: Weighted count, with data and weights.
    """

    code: int
    label: str
    missing: str | None = None
    n: int | None = None
    weighted: float | None = None


@dataclass(frozen=True)
class Stats:
    """Summary statistics of a numeric variable (valid values only)."""

    n: int
    mean: float | None
    sd: float | None
    minimum: float | None
    median: float | None
    maximum: float | None
    weighted_mean: float | None = None


@dataclass(frozen=True)
class Variable:
    """One variable of the data file.

    Attributes:
        name: Variable name.
        module: Name of the module it belongs to.
        label: Short label (question text cut for statistical packages).
        question: Full question text.
        type: Question type.
        universe: Who is asked, in words (``None``: everyone).
        universe_expr: The same as an expression.
        categories: Codes and labels (select questions and labelled calculations).
        constraint: The constraint in words, if any.
        constraint_expr: The constraint as an expression.
        calculation: The calculation, for derived variables.
        sensitive: Asked in a self-administered block.
        identifying: Direct identifier; left out of published files.
        unit: Unit of a number.
        repeat: The repeat (roster) holding the variable, if any.
        indicator_columns: The 0/1 columns derived from a select_multiple.
        hint: Help text / interviewer instruction.
        stats: Summary statistics, with data.
        missing: Count of missing values by kind, with data.
    """

    name: str
    module: str
    label: str
    question: str
    type: str
    universe: str | None = None
    universe_expr: str | None = None
    categories: tuple[Category, ...] = ()
    constraint: str | None = None
    constraint_expr: str | None = None
    calculation: str | None = None
    sensitive: bool = False
    identifying: bool = False
    unit: str | None = None
    repeat: str | None = None
    indicator_columns: tuple[str, ...] = ()
    hint: str | None = None
    stats: Stats | None = None
    missing: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Module:
    """A module (top-level group) as listed in the table of contents."""

    name: str
    label: str
    note: str | None
    variables: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    """A whole codebook in one language.

    Attributes:
        instrument: Instrument id.
        version: Instrument version.
        title: Title in the codebook's language.
        lang: The language of the texts.
        languages: Every language the questionnaire has.
        modules: The modules in order, with their variables.
        variables: Every variable in order.
        n_rows: Number of rows described, with data.
        weighted: Whether weighted frequencies were computed.
    """

    instrument: str
    version: str
    title: str
    lang: str
    languages: tuple[str, ...]
    modules: tuple[Module, ...]
    variables: tuple[Variable, ...]
    n_rows: int | None = None
    weighted: bool = False

    def variable(self, name: str) -> Variable:
        """Return the variable called ``name``."""
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)
