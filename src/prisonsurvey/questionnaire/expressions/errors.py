"""The error raised for expressions that cannot be parsed, checked or evaluated."""

from __future__ import annotations

from dataclasses import replace

from prisonsurvey.errors import Issue, Location, Severity

CODES: dict[str, str] = {
    "EXP001": "syntax error",
    "EXP002": "unterminated string or reference",
    "EXP003": "wrong number of arguments",
    "EXP004": "unknown function",
    "EXP005": "empty expression",
    "EXP006": "expression nested too deeply",
    "EXP010": "unknown reference",
    "EXP011": "selected()/count-selected() on a question that is not select_multiple",
    "EXP012": "unknown choice",
    "EXP013": "'.' used where there is no current answer",
    "EXP014": "bare name where a ${reference} is expected",
    "EXP015": "count() of something that is not a ${reference}",
    "EXP016": "a select_multiple compared with '=' or '!=' to a choice",
    "EXP020": "function cannot be evaluated on a table",
}
"""Every code an :class:`ExpressionError` can carry, with a short title."""


class ExpressionError(Exception):
    """A problem with an expression: bad syntax, unknown name, wrong use of a function.

    Attributes:
        code: Stable identifier such as ``EXP001`` (see :data:`CODES`).
        message: What is wrong and how to fix it.
        offset: 0-based character offset in the expression source where the problem starts.
    """

    def __init__(self, code: str, message: str, offset: int = 0) -> None:
        self.code = code
        self.message = message
        self.offset = offset
        super().__init__(f"{code} at character {offset + 1}: {message}")

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, str, int]]:
        return (type(self), (self.code, self.message, self.offset))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExpressionError):
            return NotImplemented
        return (self.code, self.message, self.offset) == (other.code, other.message, other.offset)

    def __hash__(self) -> int:
        return hash((self.code, self.message, self.offset))

    def to_issue(self, location: Location, *, severity: Severity = Severity.ERROR) -> Issue:
        """Return a located :class:`~prisonsurvey.errors.Issue` for this error.

        Args:
            location: Where the expression text starts. When ``location.column`` is an integer
                (a text file), the column is moved forward by :attr:`offset` so that it points
                at the problem itself.
            severity: Severity of the issue.

        Returns:
            The issue, with this error's code and message.
        """
        if isinstance(location.column, int) and location.line is not None:
            location = replace(location, column=location.column + self.offset)
        return Issue(self.code, self.message, location, severity)
