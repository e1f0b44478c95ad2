"""Write typed tables as ODK Central, KoBoToolbox and submission-XML files.

The layouts follow what the servers write (see ``formats.md`` facts in the module docs of
:mod:`prisonsurvey.responses`): Central's ``{form_id}.csv`` + ``{form_id}-{repeat}.csv`` in a
zip with group paths joined by ``-``; KoBo XLSX with one sheet per repeat and ``/`` group paths
plus ``name/option`` 0/1 columns, KoBo CSV (root table, ``;``, every field quoted, CRLF); one
submission XML per respondent. Select answers are written as XLSForm choice names, which are
the numeric codes in forms exported by prisonsurvey.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.responses.simulate import Simulated
from prisonsurvey.xlsform.layout import FormField, form_fields
from prisonsurvey.xlsx import save_workbook

CENTRAL_TAIL = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def _layout(q: Questionnaire, repeat: str | None) -> list[FormField]:
    """The fields of one table in form order: questions, notes and the notes the export adds."""
    return [f for f in form_fields(q) if f.table == repeat and f.kind != "metadata"]


def _values(q: Questionnaire, f: FormField, table: pd.DataFrame) -> pd.Series:
    """A field's values as a server writes them (notes and absent columns are empty)."""
    if f.question is None:
        return pd.Series([""] * len(table), dtype=object)
    return _text(q, f.question, table.get(f.name), len(table))


def _text(q: Questionnaire, question: Question, s: pd.Series | None, n: int) -> pd.Series:
    """Typed values as the text a form submits (codes, ISO dates, decimals)."""
    if s is None:
        return pd.Series([""] * n, dtype=object)
    t = question.type
    if t is QuestionType.DATE:
        out = s.dt.strftime("%Y-%m-%d")
    elif t is QuestionType.DATETIME:
        out = s.dt.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
    elif t is QuestionType.DECIMAL:
        out = s.astype("Float64").astype(str)
    else:
        out = s.astype(str)
    result: pd.Series = out.astype(object).where(s.notna(), "").reset_index(drop=True)
    return result


def _iso(s: pd.Series, z: bool = False) -> pd.Series:
    fmt = "%Y-%m-%dT%H:%M:%S.000Z" if z else "%Y-%m-%dT%H:%M:%S.000+00:00"
    result: pd.Series = s.dt.strftime(fmt).astype(object).where(s.notna(), "")
    return result


def _csv_bytes(
    header: list[str],
    columns: list[pd.Series],
    sep: str = ",",
    quote_all: bool = False,
    crlf: bool = False,
) -> bytes:
    buf = io.StringIO()
    frame = pd.DataFrame(dict(enumerate(columns))) if columns else pd.DataFrame()
    frame.columns = pd.Index(header)
    frame.to_csv(
        buf,
        index=False,
        sep=sep,
        lineterminator="\r\n" if crlf else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    return buf.getvalue().encode("utf-8")


def _repeats(q: Questionnaire) -> list[Group]:
    return [g for _, g in q.walk() if isinstance(g, Group) and g.is_repeat]


def _central_columns(
    q: Questionnaire,
    table: pd.DataFrame,
    repeat: str | None,
    group_paths: bool,
    split_select_multiples: bool,
) -> tuple[list[str], list[pd.Series]]:
    """Central's columns of one table: group paths joined by ``-``, split select_multiples."""
    header: list[str] = []
    cols: list[pd.Series] = []
    for f in _layout(q, repeat):
        name = "-".join([*f.path, f.name]) if group_paths else f.name
        text = _values(q, f, table)
        header.append(name)
        cols.append(text)
        question = f.question
        if (
            split_select_multiples
            and question is not None
            and question.type is QuestionType.SELECT_MULTIPLE
        ):
            # Central adds a 0/1 column only for the values seen in the data
            seen = sorted({v for answer in text for v in str(answer).split()})
            padded = " " + text.astype(str) + " "
            for value in seen:
                header.append(f"{name}/{value}")
                hit = padded.str.contains(f" {value} ", regex=False)
                cols.append(pd.Series(np.where(hit, "1", "0"), dtype=object))
    return header, cols


def form_versions(root: pd.DataFrame, version: str) -> pd.Series:
    """The form version of each submission: its ``_form_version``, else ``version``."""
    if "_form_version" not in root.columns:
        return pd.Series([version] * len(root), dtype=object)
    own = root["_form_version"].reset_index(drop=True).astype(object)
    return own.where(own.notna(), version)


def write_central(
    sim: Simulated,
    out: Path,
    form_id: str,
    version: str,
    *,
    group_paths: bool = True,
    split_select_multiples: bool = False,
) -> Path:
    """Write a Central ``submissions.csv.zip`` (root CSV + one CSV per repeat).

    Args:
        sim: The tables to write.
        out: The zip file.
        form_id: The form's id (names the CSV files).
        version: The form version written in ``FormVersion``.
        group_paths: Column names with their group path (``m1-age``), as Central's default;
            ``False`` gives bare names (Central's ``groupPaths=false``).
        split_select_multiples: Add a 0/1 column per value seen (``splitSelectMultiples``).
    """
    q = sim.questionnaire
    root = sim.tables[None]
    n = len(root)
    header, cols = _central_columns(q, root, None, group_paths, split_select_multiples)
    header = ["SubmissionDate", "start", "end", *header]
    cols = [_iso(root["_submitted_at"], z=True), _iso(root["start"]), _iso(root["end"]), *cols]
    keys = root["_key"].astype(object).reset_index(drop=True)
    meta = (
        ["meta-instanceID", "meta-instanceName"] if group_paths else ["instanceID", "instanceName"]
    )
    header += [*meta, *CENTRAL_TAIL]
    const = {
        "SubmitterID": "5",
        "SubmitterName": "Data Collector",
        "AttachmentsPresent": "0",
        "AttachmentsExpected": "0",
        "Status": "",
        "ReviewState": "",
        "DeviceID": "",
        "Edits": "0",
    }
    cols += [keys, pd.Series([""] * n, dtype=object), keys]
    cols += [
        form_versions(root, version)
        if h == "FormVersion"
        else pd.Series([const[h]] * n, dtype=object)
        for h in CENTRAL_TAIL[1:]
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{form_id}.csv", _csv_bytes(header, cols))
        for rep in _repeats(q):
            table = sim.tables.get(rep.name)
            if table is None:
                continue
            rh, rc = _central_columns(q, table, rep.name, group_paths, split_select_multiples)
            rh += ["PARENT_KEY", "KEY"]
            rc += [
                table["_parent_key"].astype(object).reset_index(drop=True),
                table["_key"].astype(object).reset_index(drop=True),
            ]
            zf.writestr(f"{form_id}-{rep.name}.csv", _csv_bytes(rh, rc))
    return out


def _kobo_name(q: Questionnaire, f: FormField, lang: str | None, groups: bool) -> str:
    """A KoBo header: the name (``_xml``) or the label in ``lang``, with the group hierarchy."""
    if lang is None:
        return "/".join([*f.path, f.name]) if groups else f.name
    label = f.question.label if f.question is not None else f.label
    text = label.get(lang) or f.name
    if not groups:
        return text
    by_name = {g.name: g for _, g in q.walk() if isinstance(g, Group)}
    parents = [by_name[g].label.get(lang) for g in f.path]
    return "/".join([*(p for p in parents if p), text])


def _kobo_table(
    q: Questionnaire,
    table: pd.DataFrame,
    repeat: str | None,
    lang: str | None = None,
    groups: bool = True,
) -> tuple[list[str], list[pd.Series]]:
    header: list[str] = []
    cols: list[pd.Series] = []
    if repeat is None:
        header += ["start", "end"]
        cols += [_iso(table["start"]), _iso(table["end"])]
    for f in _layout(q, repeat):
        name = _kobo_name(q, f, lang, groups)
        header.append(name)
        text = _values(q, f, table)
        cols.append(text)
        question = f.question
        if question is not None and question.type is QuestionType.SELECT_MULTIPLE:
            padded = " " + text.astype(str) + " "
            for c in q.choice_list(question).choices:
                option = str(c.code) if lang is None else (c.label.get(lang) or str(c.code))
                header.append(f"{name}/{option}")
                hit = padded.str.contains(f" {c.code} ", regex=False)
                cols.append(pd.Series(np.where(hit, "1", "0"), dtype=object).where(text != "", ""))
    return header, cols


def write_kobo(
    sim: Simulated,
    out: Path,
    version: str,
    as_csv: bool,
    *,
    lang: str | None = None,
    groups: bool = True,
) -> Path:
    """Write a KoBoToolbox export: XLSX (one sheet per repeat) or CSV (root table).

    Args:
        sim: The tables to write.
        out: The file.
        version: The form version written in ``__version__``.
        as_csv: CSV (root table, ``;``, every field quoted, CRLF) instead of XLSX.
        lang: Headers as labels in this language (KoBo's default); names (``_xml``) if
            ``None``.
        groups: Headers with the group hierarchy (``group/question``).
    """
    q = sim.questionnaire
    root = sim.tables[None]
    n = len(root)
    header, cols = _kobo_table(q, root, None, lang, groups)
    uuid = root["_key"].astype(str).str.removeprefix("uuid:").astype(object).reset_index(drop=True)
    ids = pd.Series(np.arange(1, n + 1), dtype=object)
    meta = {
        "_id": ids,
        "_uuid": uuid,
        "_submission_time": root["_submitted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object),
        "_validation_status": "",
        "_notes": "",
        "_status": "submitted_via_web",
        "_submitted_by": "enumerator1",
        "__version__": form_versions(root, version),
        "_tags": "",
        "meta/rootUuid": root["_key"].astype(object).reset_index(drop=True),
        "_index": ids,
    }
    for k, v in meta.items():
        header.append(k)
        cols.append(
            v.reset_index(drop=True)
            if isinstance(v, pd.Series)
            else pd.Series([v] * n, dtype=object)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    if as_csv:
        out.write_bytes(_csv_bytes(header, cols, sep=";", quote_all=True, crlf=True))
        return out
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    title = (q.title.get(q.default_language) or q.id)[:28] + "..."
    sheets = [(title[:31], header, cols)]
    index_of: dict[str | None, pd.Series] = {
        None: pd.Series(np.arange(1, n + 1), index=root["_key"].to_numpy())
    }
    sheet_of: dict[str | None, str] = {None: title[:31]}
    for rep in _repeats(q):
        table = sim.tables.get(rep.name)
        if table is None:
            continue
        rh, rc = _kobo_table(q, table, rep.name, lang, groups)
        m = len(table)
        parent_repeat = q.repeat_of(rep.name)
        parent_name = parent_repeat.name if parent_repeat else None
        pidx = table["_parent_key"].map(index_of[parent_name]).astype(object)
        own = pd.Series(np.arange(1, m + 1), dtype=object)
        index_of[rep.name] = pd.Series(np.arange(1, m + 1), index=table["_key"].to_numpy())
        sheet_of[rep.name] = rep.name[:31]
        root_key = table["_key"].astype(str).str.split("/", n=1).str[0]
        rh += [
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
            "_submission__uuid",
        ]
        rc += [
            own,
            pd.Series([sheet_of[parent_name]] * m, dtype=object),
            pd.Series(pidx.to_numpy(), dtype=object),
            root_key.map(index_of[None]).astype(object).reset_index(drop=True),
            root_key.str.removeprefix("uuid:").astype(object).reset_index(drop=True),
        ]
        sheets.append((rep.name[:31], rh, rc))
    for name, h, cs in sheets:
        ws = wb.create_sheet(name)
        ws.append(h)
        matrix = pd.DataFrame(dict(enumerate(cs))).to_numpy(dtype=object)
        for row in matrix:
            ws.append([None if v == "" else v for v in row])
    save_workbook(wb, out)
    return out


@dataclass
class _Node:
    """A group of the form (or its root) with its children in form order."""

    name: str
    repeat: bool
    children: list[_Node | FormField] = dc_field(default_factory=list)


def _tree(q: Questionnaire) -> _Node:
    """The form's groups and fields as a tree, for writing submissions."""
    repeats = {g.name for g in _repeats(q)}
    root = _Node("", False)
    for f in form_fields(q):
        if f.kind == "metadata":
            continue
        node = root
        for name in f.groups:
            last = node.children[-1] if node.children else None
            if not (isinstance(last, _Node) and last.name == name):
                last = _Node(name, name in repeats)
                node.children.append(last)
            node = last
        node.children.append(f)
    return root


def write_xml(sim: Simulated, out: Path, form_id: str, version: str) -> Path:
    """Write one submission XML per respondent into the folder ``out``.

    Elements follow the exported form: every group, question and note (also the notes the
    export adds), as a tablet submits them.
    """
    q = sim.questionnaire
    root = sim.tables[None]
    out.mkdir(parents=True, exist_ok=True)
    texts: dict[str | None, dict[str, pd.Series]] = {}
    children: dict[str, dict[str, list[int]]] = {}
    for rep in [None, *[g.name for g in _repeats(q)]]:
        table = sim.tables.get(rep)
        if table is None:
            continue
        texts[rep] = {f.name: _values(q, f, table) for f in _layout(q, rep)}
        if rep is not None:
            groups: dict[str, list[int]] = {}
            for i, parent in enumerate(table["_parent_key"].astype(str)):
                groups.setdefault(parent, []).append(i)
            children[rep] = groups
    writer = _XmlWriter(sim, texts, children)
    tree = _tree(q)
    starts = _iso(root["start"])
    ends = _iso(root["end"])
    versions = form_versions(root, version)
    for i, key in enumerate(root["_key"].astype(str).tolist()):
        body = [f"<start>{starts.iloc[i]}</start><end>{ends.iloc[i]}</end>"]
        body.append(writer.items(tree.children, None, i, key))
        body.append(f"<meta><instanceID>{escape(key)}</instanceID></meta>")
        xml = (
            f'<data id="{escape(form_id)}" version="{escape(versions.iloc[i])}">'
            + "".join(body)
            + "</data>"
        )
        (out / f"{key.removeprefix('uuid:')}.xml").write_text(xml, encoding="utf-8")
    return out


@dataclass
class _XmlWriter:
    sim: Simulated
    texts: dict[str | None, dict[str, pd.Series]]
    children: dict[str, dict[str, list[int]]]

    def items(self, items: list[_Node | FormField], repeat: str | None, row: int, key: str) -> str:
        parts: list[str] = []
        for item in items:
            if isinstance(item, FormField):
                value = self.texts[repeat][item.name].iloc[row]
                name = item.name
                parts.append(f"<{name}>{escape(value)}</{name}>" if value else f"<{name}/>")
            elif item.repeat:
                table = self.sim.tables.get(item.name)
                for j in self.children.get(item.name, {}).get(key, []):
                    child_key = str(table["_key"].iloc[j]) if table is not None else key
                    inner = self.items(item.children, item.name, j, child_key)
                    parts.append(f"<{item.name}>{inner}</{item.name}>")
            else:
                inner = self.items(item.children, repeat, row, key)
                parts.append(f"<{item.name}>{inner}</{item.name}>")
        return "".join(parts)


def write_export(sim: Simulated, fmt: str, out: Path, form_id: str, version: str) -> Path:
    """Write ``sim`` as ``central``, ``kobo-xlsx``, ``kobo-csv`` or ``xml``."""
    if fmt == "central":
        return write_central(sim, out, form_id, version)
    if fmt == "kobo-xlsx":
        return write_kobo(sim, out, version, as_csv=False)
    if fmt == "kobo-csv":
        return write_kobo(sim, out, version, as_csv=True)
    return write_xml(sim, out, form_id, version)
