"""Located, collected problems with user input.

Every problem with something a user wrote (a YAML file, a spreadsheet, a CSV export, a design
specification) is an :class:`Issue` with a stable code, a severity, a message that says what to
do, and a :class:`Location`. Validation collects every issue before failing; code that must stop
raises :class:`InputError` carrying the collected issues. The CLI turns an ``InputError`` into a
printed list and exit code 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad an issue is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Location:
    """Where an issue is.

    For YAML and text files ``line`` and ``column`` are 1-based. For spreadsheets ``sheet``,
    ``row`` (1-based, as the spreadsheet shows it) and ``column`` (a header name or letter) are
    used; for CSV files ``row`` and ``column``.
    """

    file: str = ""
    line: int | None = None
    column: int | str | None = None
    sheet: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        parts: list[str] = [self.file] if self.file else []
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
            return ":".join(parts)
        tail: list[str] = []
        if self.sheet is not None:
            tail.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            tail.append(f"row {self.row}")
        if self.column is not None:
            tail.append(f"column '{self.column}'")
        if tail:
            return (parts[0] + ": " if parts else "") + ", ".join(tail)
        return parts[0] if parts else "<input>"


@dataclass(frozen=True)
class Issue:
    """One problem found in user input.

    Attributes:
        code: Stable identifier such as ``QNR012``; tests assert codes, not wording.
        message: What is wrong and how to fix it.
        location: Where the problem is.
        severity: Error, warning or info.
    """

    code: str
    message: str
    location: Location = field(default_factory=Location)
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary (what ``--json`` prints)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        data["where"] = str(self.location)
        return data


class Issues:
    """An ordered collection of issues with helpers to query it."""

    def __init__(self, items: Iterable[Issue] = ()) -> None:
        self._items: list[Issue] = list(items)

    def add(self, issue: Issue) -> None:
        """Append one issue."""
        self._items.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        """Append several issues."""
        self._items.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    @property
    def errors(self) -> list[Issue]:
        """Issues of severity error."""
        return [i for i in self._items if i.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        """Whether any issue is an error."""
        return any(i.severity is Severity.ERROR for i in self._items)

    def codes(self) -> list[str]:
        """The codes in order (handy in tests)."""
        return [i.code for i in self._items]

    def sorted(self) -> list[Issue]:
        """Issues ordered by file, line, column, then code."""
        return sorted(
            self._items,
            key=lambda i: (
                i.location.file,
                i.location.line or 0,
                str(i.location.column or ""),
                i.location.row or 0,
                i.code,
            ),
        )

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-ready list of issues."""
        return [i.to_dict() for i in self._items]


class InputError(Exception):
    """User input cannot be used; carries every issue found.

    The CLI prints each issue and exits with code 2.
    """

    def __init__(self, issues: Iterable[Issue] | Issue) -> None:
        items = [issues] if isinstance(issues, Issue) else list(issues)
        self.issues = Issues(items)
        super().__init__("\n".join(str(i) for i in items))


class UsageError(Exception):
    """A library function was called wrongly by code (not by user input)."""
