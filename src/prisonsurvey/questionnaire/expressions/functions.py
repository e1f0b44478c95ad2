"""The functions the expression language knows, with their number of arguments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    """How a function may be called.

    Attributes:
        name: Function name as written (``count-selected``, ``jr:choice-name``).
        min_args: Fewest arguments.
        max_args: Most arguments, ``None`` for any number.
        evaluable: Whether :func:`~prisonsurvey.questionnaire.expressions.evaluate` supports it
            on a table (some functions only make sense inside a form engine).
    """

    name: str
    min_args: int
    max_args: int | None
    evaluable: bool = True

    def arity_text(self) -> str:
        """Describe the accepted number of arguments in words."""
        if self.max_args == self.min_args:
            n = self.min_args
            return f"exactly {n} argument{'s' if n != 1 else ''}"
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def _sig(name: str, lo: int, hi: int | None, evaluable: bool = True) -> Signature:
    return Signature(name, lo, hi, evaluable)


SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        _sig("selected", 2, 2),
        _sig("count-selected", 1, 1),
        _sig("selected-at", 2, 2),
        _sig("string-length", 0, 1),
        _sig("if", 3, 3),
        _sig("coalesce", 2, 2),
        _sig("today", 0, 0),
        _sig("now", 0, 0),
        _sig("int", 1, 1),
        _sig("round", 1, 2),
        _sig("not", 1, 1),
        _sig("concat", 0, None),
        _sig("number", 0, 1),
        _sig("string", 0, 1),
        _sig("boolean", 1, 1),
        _sig("boolean-from-string", 1, 1),
        _sig("count", 1, 1),
        _sig("sum", 1, 1),
        _sig("max", 1, None),
        _sig("min", 1, None),
        _sig("regex", 2, 2),
        _sig("true", 0, 0),
        _sig("false", 0, 0),
        _sig("contains", 2, 2),
        _sig("starts-with", 2, 2),
        _sig("ends-with", 2, 2),
        _sig("substr", 2, 3),
        _sig("substring-before", 2, 2),
        _sig("substring-after", 2, 2),
        _sig("normalize-space", 0, 1),
        _sig("floor", 1, 1),
        _sig("ceiling", 1, 1),
        _sig("abs", 1, 1),
        _sig("pow", 2, 2),
        _sig("once", 1, 1),
        _sig("date", 1, 1),
        _sig("decimal-date-time", 1, 1),
        _sig("jr:choice-name", 2, 2),
        _sig("position", 0, 1, evaluable=False),
        _sig("indexed-repeat", 3, None, evaluable=False),
        _sig("uuid", 0, 1, evaluable=False),
        _sig("format-date", 2, 2, evaluable=False),
        _sig("format-date-time", 2, 2, evaluable=False),
        _sig("join", 2, 2, evaluable=False),
        _sig("random", 0, 0, evaluable=False),
    )
}
"""Known functions by name."""

AGGREGATES = frozenset({"count", "sum", "max", "min", "join", "indexed-repeat"})
"""Functions that take the answers of a repeat as a whole."""
