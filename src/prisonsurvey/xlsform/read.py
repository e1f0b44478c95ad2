"""Read the sheets of an XLSForm workbook into rows that remember where each cell was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.xlsform.import_spelling import canonical_column

_PREFIXES = ("bind::", "control::", "body::", "media::")
_LANG_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$")


@dataclass(frozen=True)
class SheetRow:
    """One non-empty row of a sheet: cell texts by header, and its 1-based row number."""

    row: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """Return the trimmed text in ``column`` ('' when blank or absent)."""
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Sheet:
    """A sheet's header (as written) and its non-empty rows."""

    name: str
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class XlsformBook:
    """The ``survey``, ``choices`` and ``settings`` sheets of a workbook (absent ones empty)."""

    path: Path
    sheets: dict[str, Sheet] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        """Return the sheet ``name`` or an empty one."""
        return self.sheets.get(name, Sheet(name, (), ()))

    def location(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        """Return the location of a cell in this workbook."""
        return Location(str(self.path), sheet=sheet, row=row, column=column)


def split_column(header: str) -> tuple[str, str | None]:
    """Split a header into its column and language, with every spelling pyxform accepts.

    ``label::Español (es)``, ``Label:English`` and ``label`` give ``("label", "Español (es)")``,
    ``("label", "English")`` and ``("label", None)``; column names are compared without case,
    with spaces read as ``_`` and old names (``list name``, ``caption``, ``jr:count``) read as
    today's (see :mod:`prisonsurvey.xlsform.import_spelling`).
    """
    text = " ".join(header.split())
    if text.lower().startswith(_PREFIXES):
        text = text.split("::", 1)[1]
    language: str | None = None
    if "::" in text:
        column, language = text.split("::", 1)
    elif ":" in text and not text.lower().startswith("jr:"):
        column, language = text.split(":", 1)
    else:
        column = text
    if language is not None:
        language = language.strip() or None
    return canonical_column(column), language


def language_code(language: str) -> str | None:
    """Return the IANA code in ``Español (es)``, or ``None`` if the name carries none."""
    match = _LANG_CODE.search(language)
    return match.group(1).lower() if match else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as pyxform reads them
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsform(path: Path) -> XlsformBook:
    """Read an XLSForm workbook.

    Raises:
        InputError: The file cannot be opened as a workbook or has no ``survey`` sheet.
    """
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as err:
        raise InputError(
            Issue("XLS100", f"cannot open the workbook: {err}", Location(str(path)))
        ) from err
    except Exception as err:  # zipfile.BadZipFile and openpyxl's own errors
        raise InputError(
            Issue("XLS100", f"not an .xlsx workbook: {err}", Location(str(path)))
        ) from err
    sheets: dict[str, Sheet] = {}
    try:
        for ws in wb.worksheets:
            name = ws.title.strip().lower()
            if name not in ("survey", "choices", "settings"):
                continue
            rows_iter = ws.iter_rows(values_only=True)
            first = next(rows_iter, None)
            header = tuple(_text(v) for v in first or ())
            rows: list[SheetRow] = []
            for number, values in enumerate(rows_iter, start=2):
                cells = {
                    header[i]: _text(v)
                    for i, v in enumerate(values)
                    if i < len(header) and header[i] and _text(v)
                }
                if cells:
                    rows.append(SheetRow(number, cells))
            sheets[name] = Sheet(name, header, tuple(rows))
    finally:
        wb.close()
    if "survey" not in sheets:
        raise InputError(
            Issue(
                "XLS101",
                "the workbook has no 'survey' sheet; is this an XLSForm?",
                Location(str(path)),
            )
        )
    return XlsformBook(path, sheets)
