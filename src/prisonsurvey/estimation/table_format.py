"""The formats estimate tables are written in."""

from __future__ import annotations

from enum import StrEnum


class TableFormat(StrEnum):
    """Output formats."""

    XLSX = "xlsx"
    CSV = "csv"
    HTML = "html"
    MD = "md"
