"""Read a country's CSV list of codes (facility frame, national offences) for an adaptation."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prisonsurvey.adaptation.codes import AdpCode
from prisonsurvey.errors import Issue, Location


@dataclass(frozen=True)
class CodeRow:
    """One row of a code table: its row number as the file shows it, its code and its cells."""

    number: int
    code: int
    cells: dict[str, str]


def read_code_table(
    path: Path, code_column: str, columns: list[str]
) -> tuple[list[CodeRow], list[Issue]] | Issue:
    """Read a UTF-8 CSV whose ``code_column`` holds whole-number codes.

    Returns:
        The rows with a valid code and one located issue (``ADP006``) per row without; or, when
        the file cannot be read or lacks a column, one issue without a location for the caller
        to place at the entry of adaptation.yaml that names the file.
    """
    wanted = [code_column, *columns]
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in wanted if c not in header]
            if missing:
                return Issue(
                    AdpCode.BAD_FRAME.value,
                    f"{path.name} has no column {', '.join(missing)}; its columns are "
                    f"{', '.join(header)}",
                    Location(),
                )
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError) as err:
        return Issue(
            AdpCode.BAD_FRAME.value,
            f"cannot read {path.name}: {err}; save it as UTF-8 CSV",
            Location(),
        )
    rows: list[CodeRow] = []
    issues: list[Issue] = []
    for number, row in enumerate(raw_rows, start=2):
        raw = (row.get(code_column) or "").strip()
        if not raw.isdigit():
            issues.append(
                Issue(
                    AdpCode.BAD_FRAME.value,
                    f"code '{raw}' is not a whole number; codes must be numeric",
                    Location(file=str(path), row=number, column=code_column),
                )
            )
            continue
        cells = {c: (row.get(c) or "").strip() for c in columns}
        rows.append(CodeRow(number, int(raw), cells))
    return rows, issues


def code_choice(
    list_name: str, row: CodeRow, label: str, languages: list[str], filters: dict[str, Any]
) -> dict[str, Any]:
    """The choice-list entry of one code (same label in every language, its filters)."""
    return {
        "code": row.code,
        "name": f"{list_name[:1]}{row.code}",
        "label": {lang: label for lang in languages},
        "filters": filters,
    }
