"""Write sheets of rows to an ``.xlsx`` file, byte-identical for the same rows."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

Row = Mapping[str, str]
"""One spreadsheet row: column header -> cell text (missing or empty means a blank cell)."""

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = "2000-01-01T00:00:00Z"
_DOC_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[Row]]]) -> Path:
    """Write ``sheets`` (name, header, rows) to ``path`` deterministically.

    openpyxl stamps the current time into ``docProps/core.xml`` and into every zip entry; both
    are replaced by fixed values so that the same rows always give the same bytes.

    Returns:
        The path written.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(title=name)
        ws.append(list(header))
        for row in rows:
            ws.append([row.get(col) or None for col in header])
    return save_workbook(wb, path)


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save an openpyxl workbook so that the same content always gives the same bytes.

    Returns:
        The path written.
    """
    buffer = io.BytesIO()
    wb.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_normalise_zip(buffer.getvalue()))
    return path


def _normalise_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _DOC_TIME.sub(
                    lambda m: m.group(1) + _FIXED_DOC_TIME.encode() + m.group(2), content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()
