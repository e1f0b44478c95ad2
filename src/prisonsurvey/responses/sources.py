"""Read field exports into raw text tables, exactly as written.

Every reader returns :class:`RawTable` objects: all values as text (``""`` for empty), the
header as written, and for each row the file and the row number a person would look up (CSV:
record number with the header as row 1; XLSX: the spreadsheet row; XML: the line of the
element). Nothing is typed or renamed here.

Formats (see ``docs`` in :mod:`prisonsurvey.responses`): ODK Central ``.csv.zip`` or root
CSV, KoBoToolbox XLSX/CSV, a folder of submission XML files, plain CSV/XLSX.

Codes:
    IMP001  file or folder not found / empty
    IMP002  corrupt or unreadable zip / xlsx / xml
    IMP003  unsupported file type
    IMP004  not UTF-8 text
    IMP005  malformed CSV (wrong delimiter, ragged rows)
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from prisonsurvey.errors import InputError, Issue, Location, Severity

CENTRAL = "central"
KOBO = "kobo"
XML = "xml"
PLAIN = "plain"

_BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """One table of an export, as text.

    Attributes:
        repeat: ``None`` for the root (one row per submission), else the repeat name.
        format: ``central``, ``kobo``, ``xml`` or ``plain``.
        header: Column headers as written.
        data: All values as strings (``""`` when empty); columns are positions ``0..n-1``.
        files: Source file of each row.
        rows: Row number of each row as the file shows it.
        sheet: Spreadsheet sheet, if any.
        form_id: Form id named by the export (Central file name, XML ``id``), if any.
        notes: Non-fatal remarks about how the file was read (BOM removed...).
    """

    repeat: str | None
    format: str
    header: list[str]
    data: pd.DataFrame
    files: pd.Series
    rows: np.ndarray
    sheet: str | None = None
    form_id: str | None = None
    notes: list[Issue] = field(default_factory=list)

    def column(self, name: str) -> pd.Series | None:
        """The values of the first column headed ``name``, or ``None``."""
        if name in self.header:
            return self.data[self.header.index(name)]
        return None


def strip_bom(raw: bytes, where: str) -> tuple[bytes, list[Issue]]:
    """``raw`` without a UTF-8 byte order mark, and the note saying it was removed."""
    if not raw.startswith(_BOM):
        return raw, []
    note = Issue(
        "IMP006",
        "byte order mark (BOM) at the start of the file was removed",
        Location(where, 1, 1),
        severity=Severity.INFO,
    )
    return raw[len(_BOM) :], [note]


def _decode(raw: bytes, where: str) -> tuple[str, list[Issue]]:
    raw, notes = strip_bom(raw, where)
    try:
        return raw.decode("utf-8"), notes
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise InputError(
            Issue(
                "IMP004",
                f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}; probably Latin-1 or "
                "Windows-1252); save it again as 'CSV UTF-8' and re-run the import",
                Location(where, line, col),
            )
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Pick ``,``, ``;`` or tab from the header line (counting outside quotes)."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_text(text: str, where: str) -> tuple[list[str], pd.DataFrame]:
    """Parse CSV text (any of ``,``/``;``/tab, quoted, CRLF) into header and string values.

    Raises:
        InputError: Empty file (``IMP001``) or records with another number of fields than the
            header, usually a wrong delimiter (``IMP005``).
    """
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    sep = sniff_delimiter(text)
    if not text.strip():
        raise InputError(Issue("IMP001", "the file is empty", Location(where)))
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                column_types=None,
                auto_dict_encode=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        record, fields, expected = _first_bad_record(text, sep)
        detail = f" (expected {expected} fields, found {fields})" if record else ""
        raise InputError(
            Issue(
                "IMP005",
                f"records have different numbers of fields{detail}; the file was read with "
                f"delimiter {sep!r}: check the delimiter and quoting and export again",
                Location(where, row=record),
            )
        ) from exc
    table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    df = table.to_pandas()
    header = [str(h) for h in df.iloc[0].tolist()]
    if len(header) == 1 and any(d in header[0] for d in ",;\t|"):
        raise InputError(
            Issue(
                "IMP005",
                "the header is a single column; the delimiter was not recognised (use "
                "',' or ';' or tab) and export again",
                Location(where, 1, 1),
            )
        )
    data = df.iloc[1:].reset_index(drop=True)
    data.columns = pd.RangeIndex(len(header))
    return header, data


def _first_bad_record(text: str, sep: str) -> tuple[int | None, int, int]:
    """Record number (header = 1), field count and expected count of the first ragged record."""
    import csv

    expected = -1
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
        if expected < 0:
            expected = len(record)
        elif record and len(record) != expected:
            return number, len(record), expected
    return None, 0, expected


def _table(
    repeat: str | None,
    fmt: str,
    header: list[str],
    data: pd.DataFrame,
    file: str,
    rows: np.ndarray,
    sheet: str | None = None,
    form_id: str | None = None,
) -> RawTable:
    files = (
        pd.Series([file] * len(data), dtype="category")
        if len(data)
        else pd.Series([], dtype="category")
    )
    return RawTable(repeat, fmt, header, data, files, rows, sheet, form_id)


def detect_format(header: Iterable[str]) -> str:
    """Guess the producer of a root table from its header."""
    h = set(header)
    if {"KEY", "SubmissionDate"} <= h or {"KEY", "PARENT_KEY"} <= h:
        return CENTRAL
    if h & {"_uuid", "_submission_time", "_parent_index", "_submission__uuid"}:
        return KOBO
    return PLAIN


def read_csv_file(path: Path, repeat_names: Iterable[str] = ()) -> list[RawTable]:
    """Read a CSV export (Central root CSV, KoBo CSV or plain CSV)."""
    where = str(path)
    text, notes = _decode(path.read_bytes(), where)
    header, data = read_csv_text(text, where)
    fmt = detect_format(header)
    repeat: str | None = None
    form_id: str | None = None
    if fmt == CENTRAL:
        form_id, repeat = _central_name(path.name, header, repeat_names)
    t = _table(repeat, fmt, header, data, where, np.arange(2, len(data) + 2))
    t.form_id = form_id
    t.notes = notes
    return [t]


def _central_name(
    filename: str, header: list[str], repeat_names: Iterable[str] = ()
) -> tuple[str, str | None]:
    """Form id and repeat of a Central CSV named ``{form_id}.csv`` or ``{form_id}-{repeat}.csv``."""
    stem = filename[:-4] if filename.lower().endswith(".csv") else filename
    if "PARENT_KEY" not in header:
        return stem, None
    for repeat in sorted(repeat_names, key=len, reverse=True):
        m = re.fullmatch(rf"(.+)-{re.escape(repeat)}(?:~\d+)?", stem)
        if m:
            return m.group(1), repeat
    form_id, _, repeat = stem.rpartition("-")
    return form_id or stem, re.sub(r"~\d+$", "", repeat)


def read_central_zip(path: Path, repeat_names: Iterable[str] = ()) -> list[RawTable]:
    """Read an ODK Central ``submissions.csv.zip`` (root CSV plus one CSV per repeat).

    Raises:
        InputError: Not a zip (``IMP002``) or without a root CSV (``IMP001``).
    """
    where = str(path)
    try:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
        members = {n: zf.read(n) for n in names if n.lower().endswith(".csv")}
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(
            Issue(
                "IMP002",
                "the zip file is corrupt or incomplete; download the export again",
                Location(where),
            )
        ) from exc
    tables: list[RawTable] = []
    for name in sorted(members):
        if name.endswith(" - audit.csv"):
            continue
        member_where = f"{where}!{name}"
        text, notes = _decode(members[name], member_where)
        header, data = read_csv_text(text, member_where)
        form_id, repeat = _central_name(Path(name).name, header, repeat_names)
        t = _table(
            repeat,
            CENTRAL,
            header,
            data,
            member_where,
            np.arange(2, len(data) + 2),
            form_id=form_id,
        )
        t.notes = notes
        tables.append(t)
    if not any(t.repeat is None for t in tables):
        raise InputError(
            Issue(
                "IMP001",
                "no root CSV (with SubmissionDate and KEY) in the zip; export "
                "'CSV (.zip)' from ODK Central",
                Location(where),
            )
        )
    return tables


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def read_xlsx(path: Path, repeat_names: Iterable[str]) -> list[RawTable]:
    """Read a KoBo XLSX (first sheet root, one sheet per repeat) or a plain XLSX.

    Raises:
        InputError: Not a readable workbook (``IMP002``).
    """
    import openpyxl

    where = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(
            Issue(
                "IMP002",
                f"cannot open the workbook ({exc.__class__.__name__}); save it again as .xlsx",
                Location(where),
            )
        ) from exc
    by_prefix = {n[:31]: n for n in repeat_names}
    tables: list[RawTable] = []
    fmt: str | None = None
    for i, ws in enumerate(wb.worksheets):
        rows_iter = ws.iter_rows(values_only=True)
        try:
            head = next(rows_iter)
        except StopIteration:
            continue
        header = [_cell_text(h) for h in head]
        while header and header[-1] == "":
            header.pop()
        records = [[_cell_text(v) for v in r[: len(header)]] for r in rows_iter]
        numbers = [n + 2 for n, r in enumerate(records) if any(r)]
        records = [r + [""] * (len(header) - len(r)) for r in records if any(r)]
        data = pd.DataFrame(records, columns=pd.RangeIndex(len(header)), dtype=object)
        data = data.astype(str) if len(data) else data
        if i == 0:
            fmt = detect_format(header)
            repeat = None
        else:
            repeat = by_prefix.get(ws.title[:31], ws.title)
        tables.append(
            _table(
                repeat,
                fmt or PLAIN,
                header,
                data,
                where,
                np.array(numbers, dtype=np.int64),
                sheet=ws.title,
            )
        )
    wb.close()
    if not tables:
        raise InputError(Issue("IMP001", "the workbook has no data", Location(where)))
    return tables


def read_xml_folder(path: Path, repeat_names: Iterable[str]) -> list[RawTable]:
    """Read submission XML files (a tablet's instances folder), one submission per file.

    Leaves become columns named by their path relative to the nearest repeat, joined with
    ``/`` (``respondent/age``, ``meta/instanceID``); repeat instances become rows of their
    repeat table with ``KEY``/``PARENT_KEY`` built as ODK Central builds them.

    Raises:
        InputError: No XML files (``IMP001``) or a file that is not well-formed (``IMP002``).
    """
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.xml") if p.is_file())
    if not files:
        raise InputError(
            Issue("IMP001", "no .xml submission files in this folder", Location(str(path)))
        )
    repeats = set(repeat_names)
    records: dict[str | None, list[dict[str, str]]] = {}
    meta: dict[str | None, list[tuple[str, int]]] = {}
    issues: list[Issue] = []
    form_ids: set[str] = set()
    for file in files:
        try:
            root = etree.parse(str(file), etree.XMLParser(resolve_entities=False)).getroot()
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if isinstance(exc.lineno, int) else None
            issues.append(
                Issue(
                    "IMP002",
                    f"not well-formed XML: {exc.msg}; the file may be "
                    "truncated, copy it again from the device",
                    Location(str(file), line),
                )
            )
            continue
        form_ids.add(root.get("id") or "")
        rec: dict[str, str] = {"@id": root.get("id") or "", "@version": root.get("version") or ""}
        key_holder: list[dict[str, str]] = []
        _flatten(root, "", rec, None, "", records, meta, repeats, str(file), key_holder)
        key = rec.get("meta/rootUuid") or rec.get("meta/instanceID") or f"file:{file.name}"
        rec["KEY"] = key
        for child in key_holder:
            child["KEY"] = key + child["KEY"]
            if child["PARENT_KEY"].startswith("/") or child["PARENT_KEY"] == "":
                child["PARENT_KEY"] = key + child["PARENT_KEY"]
        records.setdefault(None, []).append(rec)
        meta.setdefault(None, []).append((str(file), root.sourceline or 1))
    if issues:
        raise InputError(issues)
    tables: list[RawTable] = []
    form_id = sorted(form_ids)[0] if len(form_ids) == 1 else None
    for repeat in sorted(records, key=lambda r: (r is not None, r or "")):
        recs = records[repeat]
        header: list[str] = list(dict.fromkeys(k for r in recs for k in r))
        data = pd.DataFrame(
            [[r.get(h, "") for h in header] for r in recs],
            columns=pd.RangeIndex(len(header)),
            dtype=object,
        )
        data = data.astype(str)
        t = RawTable(
            repeat,
            XML,
            header,
            data,
            pd.Series([f for f, _ in meta[repeat]], dtype="category"),
            np.array([ln for _, ln in meta[repeat]], dtype=np.int64),
            form_id=form_id,
        )
        tables.append(t)
    return tables


def _flatten(
    elem: etree._Element,
    prefix: str,
    rec: dict[str, str],
    parent_rel: str | None,
    rel_key: str,
    records: dict[str | None, list[dict[str, str]]],
    meta: dict[str | None, list[tuple[str, int]]],
    repeats: set[str],
    file: str,
    key_holder: list[dict[str, str]],
) -> None:
    counters: dict[str, int] = {}
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in repeats:
            counters[tag] = counters.get(tag, 0) + 1
            child_rel = f"{rel_key}/{tag}[{counters[tag]}]"
            crec: dict[str, str] = {"KEY": child_rel, "PARENT_KEY": rel_key}
            _flatten(child, "", crec, rel_key, child_rel, records, meta, repeats, file, key_holder)
            records.setdefault(tag, []).append(crec)
            meta.setdefault(tag, []).append((file, child.sourceline or 1))
            key_holder.append(crec)
        elif len(child):
            _flatten(
                child,
                f"{prefix}{tag}/",
                rec,
                parent_rel,
                rel_key,
                records,
                meta,
                repeats,
                file,
                key_holder,
            )
        else:
            rec[f"{prefix}{tag}"] = child.text or ""


def read_any(path: Path, repeat_names: Iterable[str]) -> list[RawTable]:
    """Detect the kind of ``path`` and read it.

    Raises:
        InputError: Missing, unsupported or unreadable input.
    """
    if not path.exists():
        raise InputError(
            Issue("IMP001", "no such file or folder; check the path", Location(str(path)))
        )
    name = path.name.lower()
    if path.is_dir() or name.endswith(".xml"):
        return read_xml_folder(path, repeat_names)
    if name.endswith(".zip"):
        return read_central_zip(path, repeat_names)
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(path, repeat_names)
    if name.endswith((".csv", ".txt", ".tsv")):
        return read_csv_file(path, repeat_names)
    raise InputError(
        Issue(
            "IMP003",
            "unsupported file type; import a Central .csv.zip or .csv, a KoBo "
            ".xlsx or .csv, a folder of submission .xml files, or a plain .csv/.xlsx",
            Location(str(path)),
        )
    )


__all__ = [
    "CENTRAL",
    "KOBO",
    "PLAIN",
    "XML",
    "RawTable",
    "detect_format",
    "read_any",
]
