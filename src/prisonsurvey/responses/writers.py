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
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.responses.simulate import Simulated
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


def _layout(q: Questionnaire, repeat: str | None) -> list[tuple[list[str], Question]]:
    """Questions of one table with their group path relative to the enclosing repeat."""
    out: list[tuple[list[str], Question]] = []
    for ancestors, item in q.walk():
        if not isinstance(item, Question):
            continue
        inner = [i for i, g in enumerate(ancestors) if g.is_repeat]
        owner = ancestors[inner[-1]].name if inner else None
        if owner != repeat:
            continue
        rel = ancestors[inner[-1] + 1 :] if inner else ancestors
        out.append(([g.name for g in rel], item))
    return out


def _text(q: Questionnaire, question: Question, s: pd.Series | None, n: int) -> pd.Series:
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


def write_central(sim: Simulated, out: Path, form_id: str, version: str) -> Path:
    """Write a Central ``submissions.csv.zip`` (root CSV + one CSV per repeat)."""
    q = sim.questionnaire
    root = sim.tables[None]
    n = len(root)
    header = ["SubmissionDate", "start", "end"]
    cols: list[pd.Series] = [
        _iso(root["_submitted_at"], z=True),
        _iso(root["start"]),
        _iso(root["end"]),
    ]
    for path, question in _layout(q, None):
        header.append("-".join([*path, question.name]))
        cols.append(_text(q, question, root.get(question.name), n))
    keys = root["_key"].astype(object).reset_index(drop=True)
    header += ["meta-instanceID", "meta-instanceName", *CENTRAL_TAIL]
    const = {
        "SubmitterID": "5",
        "SubmitterName": "Data Collector",
        "AttachmentsPresent": "0",
        "AttachmentsExpected": "0",
        "Status": "",
        "ReviewState": "",
        "DeviceID": "",
        "Edits": "0",
        "FormVersion": version,
    }
    cols += [keys, pd.Series([""] * n, dtype=object), keys]
    cols += [pd.Series([const[h]] * n, dtype=object) for h in CENTRAL_TAIL[1:]]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{form_id}.csv", _csv_bytes(header, cols))
        for rep in _repeats(q):
            table = sim.tables.get(rep.name)
            if table is None:
                continue
            m = len(table)
            rh: list[str] = []
            rc: list[pd.Series] = []
            for path, question in _layout(q, rep.name):
                rh.append("-".join([*path, question.name]))
                rc.append(_text(q, question, table.get(question.name), m))
            rh += ["PARENT_KEY", "KEY"]
            rc += [
                table["_parent_key"].astype(object).reset_index(drop=True),
                table["_key"].astype(object).reset_index(drop=True),
            ]
            zf.writestr(f"{form_id}-{rep.name}.csv", _csv_bytes(rh, rc))
    return out


def _kobo_table(
    q: Questionnaire, table: pd.DataFrame, repeat: str | None
) -> tuple[list[str], list[pd.Series]]:
    n = len(table)
    header: list[str] = []
    cols: list[pd.Series] = []
    if repeat is None:
        header += ["start", "end"]
        cols += [_iso(table["start"]), _iso(table["end"])]
    for path, question in _layout(q, repeat):
        name = "/".join([*path, question.name])
        header.append(name)
        text = _text(q, question, table.get(question.name), n)
        cols.append(text)
        if question.type is QuestionType.SELECT_MULTIPLE:
            padded = " " + text.astype(str) + " "
            for c in q.choice_list(question).choices:
                header.append(f"{name}/{c.code}")
                hit = padded.str.contains(f" {c.code} ", regex=False)
                cols.append(pd.Series(np.where(hit, "1", "0"), dtype=object).where(text != "", ""))
    return header, cols


def write_kobo(sim: Simulated, out: Path, version: str, as_csv: bool) -> Path:
    """Write a KoBoToolbox export: XLSX (one sheet per repeat) or CSV (root table)."""
    q = sim.questionnaire
    root = sim.tables[None]
    n = len(root)
    header, cols = _kobo_table(q, root, None)
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
        "__version__": version,
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
        rh, rc = _kobo_table(q, table, rep.name)
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


def write_xml(sim: Simulated, out: Path, form_id: str, version: str) -> Path:
    """Write one submission XML per respondent into the folder ``out``."""
    q = sim.questionnaire
    root = sim.tables[None]
    out.mkdir(parents=True, exist_ok=True)
    texts: dict[str | None, dict[str, pd.Series]] = {}
    children: dict[str, dict[str, list[int]]] = {}
    for rep in [None, *[g.name for g in _repeats(q)]]:
        table = sim.tables.get(rep)
        if table is None:
            continue
        texts[rep] = {
            question.name: _text(q, question, table.get(question.name), len(table))
            for _, question in _layout(q, rep)
        }
        if rep is not None:
            groups: dict[str, list[int]] = {}
            for i, parent in enumerate(table["_parent_key"].astype(str)):
                groups.setdefault(parent, []).append(i)
            children[rep] = groups
    starts = _iso(root["start"])
    ends = _iso(root["end"])
    keys = root["_key"].astype(str).tolist()
    for i, key in enumerate(keys):
        body = [f"<start>{starts.iloc[i]}</start><end>{ends.iloc[i]}</end>"]
        for module in q.modules:
            body.append(
                _xml_items(q, module.items, None, i, key, texts, children, sim, wrap=module.name)
            )
        body.append(f"<meta><instanceID>{escape(key)}</instanceID></meta>")
        xml = (
            f'<data id="{escape(form_id)}" version="{escape(version)}">' + "".join(body) + "</data>"
        )
        (out / f"{key.removeprefix('uuid:')}.xml").write_text(xml, encoding="utf-8")
    return out


def _xml_items(
    q: Questionnaire,
    items: tuple[Question | Group, ...],
    repeat: str | None,
    row: int,
    key: str,
    texts: dict[str | None, dict[str, pd.Series]],
    children: dict[str, dict[str, list[int]]],
    sim: Simulated,
    wrap: str | None = None,
) -> str:
    parts: list[str] = []
    for item in items:
        if isinstance(item, Group):
            if item.is_repeat:
                table = sim.tables.get(item.name)
                for j in children.get(item.name, {}).get(key, []):
                    child_key = str(table["_key"].iloc[j]) if table is not None else key
                    parts.append(
                        _xml_items(
                            q,
                            item.items,
                            item.name,
                            j,
                            child_key,
                            texts,
                            children,
                            sim,
                            wrap=item.name,
                        )
                    )
            else:
                parts.append(
                    _xml_items(
                        q, item.items, repeat, row, key, texts, children, sim, wrap=item.name
                    )
                )
            continue
        value = texts[repeat][item.name].iloc[row]
        parts.append(f"<{item.name}>{escape(value)}</{item.name}>" if value else f"<{item.name}/>")
    inner = "".join(parts)
    return f"<{wrap}>{inner}</{wrap}>" if wrap else inner


def write_export(sim: Simulated, fmt: str, out: Path, form_id: str, version: str) -> Path:
    """Write ``sim`` as ``central``, ``kobo-xlsx``, ``kobo-csv`` or ``xml``."""
    if fmt == "central":
        return write_central(sim, out, form_id, version)
    if fmt == "kobo-xlsx":
        return write_kobo(sim, out, version, as_csv=False)
    if fmt == "kobo-csv":
        return write_kobo(sim, out, version, as_csv=True)
    return write_xml(sim, out, form_id, version)
