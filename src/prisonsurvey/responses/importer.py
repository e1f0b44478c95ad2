"""``import``: field exports into the project's store, whole or not at all, nothing doubled.

:func:`import_files` reads every file (format detected), checks form id, version and columns
(bad input raises :class:`~prisonsurvey.errors.InputError` and changes nothing), types every
value, and in ONE transaction stores the raw rows it has not seen, the new versions of
submissions, and the problems (quarantine). A submission is identified by its key (Central
``KEY``, KoBo ``meta/rootUuid``/``_uuid``, XML ``meta/instanceID``); the same content imported
again adds nothing, an edited version (more ``Edits``, or a later import with other content)
becomes current and the older one stays as history.

Codes (input refused, exit 2):
    IMP010  unknown column (see :mod:`prisonsurvey.responses.columns`)
    IMP011  a repeat table the questionnaire does not have
    IMP020  data of another questionnaire version
    IMP021  data of another form
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location, Severity
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Group, Questionnaire
from prisonsurvey.responses.columns import map_columns
from prisonsurvey.responses.harmonise import TypedTable, repeat_parents, type_table
from prisonsurvey.responses.rawstore import insert_raw
from prisonsurvey.responses.sources import CENTRAL, KOBO, RawTable, read_any
from prisonsurvey.responses.store import Store, table_name
from prisonsurvey.responses.versions import assign_versions
from prisonsurvey.versions.harmonise import carry_forward

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)`` called while importing (the CLI draws a bar)."""

before_commit: Callable[[], None] | None = None
"""Test hook: called inside the transaction just before ``COMMIT``."""


@dataclass
class ImportResult:
    """What an import did (counts are submissions, i.e. root rows).

    Attributes:
        import_id: Number of this import in the log (0 when nothing was committed).
        read: Root rows read from the files.
        new: Submissions never seen before.
        updated: Submissions whose current version changed (edits, review state).
        unchanged: Submissions already stored with the same content (or an older version).
        quarantined: Submissions held back because a value could not be typed.
        quarantine_rows: Problems recorded (one per value).
        notes: Non-fatal remarks (BOM removed...).
    """

    import_id: int = 0
    files: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    quarantine_rows: int = 0
    notes: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts (what ``import --json`` prints)."""
        return {
            "import_id": self.import_id,
            "files": self.files,
            "formats": self.formats,
            "read": self.read,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "quarantine_rows": self.quarantine_rows,
            "notes": [n.to_dict() for n in self.notes],
        }


def _repeats(q: Questionnaire) -> list[str]:
    return [item.name for _, item in q.walk() if isinstance(item, Group) and item.is_repeat]


def _check_tables(
    q: Questionnaire, project: Project, tables: list[RawTable]
) -> tuple[list[Issue], list[Issue]]:
    ref = project.config.instrument
    form_ids = {q.id, ref.form_id or q.id}
    repeats = set(_repeats(q))
    errors: list[Issue] = []
    notes: list[Issue] = []
    for t in tables:
        where = str(t.files.iloc[0]) if len(t.files) else ""
        notes.extend(t.notes)
        if t.form_id and t.form_id not in form_ids:
            errors.append(
                Issue(
                    "IMP021",
                    f"this export is of form '{t.form_id}', but the project "
                    f"collects '{ref.form_id or q.id}'; import it into its own project",
                    Location(where, sheet=t.sheet),
                )
            )
        if t.repeat is not None and t.repeat not in repeats:
            errors.append(
                Issue(
                    "IMP011",
                    f"table '{t.repeat}' is not a repeat of {q.id} {q.version} "
                    f"(repeats: {', '.join(sorted(repeats)) or 'none'})",
                    Location(where, sheet=t.sheet),
                )
            )
    return errors, notes


def _version_issues(project: Project, typed: TypedTable) -> list[Issue]:
    ref = project.config.instrument
    versions = typed.frame["_version"]
    stamps = [ref.version, *ref.form_versions]
    for previous in ref.previous:
        stamps += [previous.version, *previous.form_versions]
    bad = versions.notna() & ~versions.isin(stamps)
    if not bad.any():
        return []
    first = int(np.flatnonzero(bad.to_numpy())[0])
    frame = typed.frame
    accepted = ", ".join(stamps)
    return [
        Issue(
            "IMP020",
            f"rows are of form version '{versions.iloc[first]}' but the project's questionnaire "
            f"is {ref.id} {ref.version} (accepted versions: {accepted}); add the version to "
            "'instrument.form_versions' in survey.yaml if it is the same questionnaire",
            Location(
                str(frame["_source_file"].iloc[first]),
                sheet=frame["_source_sheet"].iloc[first],
                row=int(frame["_source_row"].iloc[first]),
                column="version",
            ),
        )
    ]


def _kobo_child_keys(
    typed: dict[int, TypedTable], tables: list[RawTable], parents: dict[str, str | None]
) -> None:
    """KoBo sheets link rows by ``_index``/``_parent_index``: rebuild Central-style keys."""
    by_sheet: dict[tuple[str, str | None], pd.Series] = {}
    root_sheet: dict[str, str | None] = {}
    order = sorted(range(len(tables)), key=lambda i: _depth(tables[i].repeat, parents))
    for i in order:
        t = tables[i]
        if t.format != KOBO:
            continue
        frame = typed[i].frame
        file = str(t.files.iloc[0]) if len(t.files) else ""
        index = t.column("_index")
        if t.repeat is None:
            root_sheet[file] = t.sheet
        if t.repeat is not None:
            pidx = t.column("_parent_index")
            ptab = t.column("_parent_table_name")
            if pidx is None:
                continue
            parent_repeat = parents.get(t.repeat)
            sheet = root_sheet.get(file) if parent_repeat is None else None
            lookup = by_sheet.get((file, parent_repeat))
            if lookup is None:
                continue
            pkey = pidx.astype(str).str.strip().map(lookup)
            if ptab is not None and sheet is not None:
                pkey = pkey.where(pkey.notna())
            pos = pkey.groupby(pkey).cumcount() + 1
            frame["_parent_key"] = pkey.astype("str")
            frame["_key"] = (pkey + "/" + t.repeat + "[" + pos.astype(str) + "]").astype("str")
        if index is not None:
            by_sheet[(file, t.repeat)] = pd.Series(
                frame["_key"].to_numpy(), index=index.astype(str).str.strip().to_numpy()
            )


def _depth(repeat: str | None, parents: dict[str, str | None]) -> int:
    d = 0
    while repeat is not None:
        repeat = parents.get(repeat)
        d += 1
    return d


def _row_hash(frame: pd.DataFrame) -> np.ndarray:
    cols = [
        c
        for c in frame.columns
        if not c.startswith("_source_") and c not in ("_origin", "_seq", "_sub_hash")
    ]
    return pd.util.hash_pandas_object(frame[cols], index=False).to_numpy()


def _quarantine_frame(typed: TypedTable) -> pd.DataFrame:
    p = typed.problems
    f = typed.frame
    pos = p["pos"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "source_file": f["_source_file"].to_numpy()[pos],
            "sheet": f["_source_sheet"].to_numpy()[pos],
            "row_number": f["_source_row"].to_numpy()[pos],
            "table_name": typed.repeat or "root",
            "record_key": f["_key"].astype(object).to_numpy()[pos],
            "column_name": p["column"].to_numpy(),
            "value": p["value"].to_numpy(),
            "code": p["code"].to_numpy(),
            "reason": p["reason"].to_numpy(),
        }
    )


def import_files(
    project: Project, paths: Sequence[Path], progress: Progress | None = None
) -> ImportResult:
    """Import field exports into the project's store.

    Args:
        project: The survey project (its questionnaire decides columns and types).
        paths: Central ``.csv.zip``/``.csv``, KoBo ``.xlsx``/``.csv``, folders of submission
            XML, plain ``.csv``/``.xlsx``; together they form one import.
        progress: Optional ``progress(stage, done, total)`` callback.

    Returns:
        The counts of the import (also written to the import log).

    Raises:
        InputError: Unreadable files, wrong form or version, unknown columns. Nothing is
            written then.
    """
    started = datetime.now(UTC).replace(tzinfo=None)
    q = project.questionnaire
    repeats = _repeats(q)
    parents = repeat_parents(q)
    tables: list[RawTable] = []
    errors: list[Issue] = []
    origins: list[str] = []
    for n, path in enumerate(paths):
        if progress:
            progress("reading", n, len(paths))
        try:
            got = read_any(Path(path), repeats)
        except InputError as exc:
            errors.extend(exc.issues)
            continue
        tables.extend(got)
        # Central's root and repeat CSVs, unzipped side by side, are one export
        central_csv = all(t.format == CENTRAL and Path(path).suffix.lower() == ".csv" for t in got)
        same_export = str(Path(path).parent) if central_csv else f"{n}:{path}"
        origins.extend([str(same_export)] * len(got))
    check_errors, notes = _check_tables(q, project, tables)
    errors.extend(check_errors)
    if errors:
        raise InputError(errors)
    versions = project.questionnaire_versions()
    origin_of = {id(t): o for t, o in zip(tables, origins, strict=True)}
    planned, version_errors = assign_versions(tables, origins, versions)
    errors.extend(version_errors)
    tables = [t for t, _ in planned]
    origins = [origin_of.get(id(t), str(n)) for n, (t, _) in enumerate(planned)]
    maps = []
    for t, v in planned:
        where = str(t.files.iloc[0]) if len(t.files) else ""
        cmap = map_columns(versions[v][1], t.repeat, t.header, where, t.sheet)
        errors.extend(cmap.issues)
        maps.append(cmap)
    if errors:
        raise InputError(errors)
    typed: dict[int, TypedTable] = {}
    chains = [[qv for _, qv in versions[v:]] for v in range(len(versions))]
    for i, ((t, v), cmap) in enumerate(zip(planned, maps, strict=True)):
        if progress:
            progress("typing", i, len(tables))
        typed[i] = type_table(versions[v][1], t, cmap)
        if v != len(versions) - 1:
            typed[i].frame = carry_forward(typed[i].frame, chains[v], t.repeat)
        typed[i].frame["_origin"] = origins[i]
        if t.repeat is None:
            errors.extend(_version_issues(project, typed[i]))
    if errors:
        raise InputError(errors)
    _kobo_child_keys(typed, tables, parents)
    result = ImportResult(
        files=[str(p) for p in paths],
        formats=sorted({t.format for t in tables}),
        notes=[n for n in notes if n.severity is not Severity.ERROR],
    )
    with Store.open(project) as store:
        _commit(store, q, tables, typed, parents, result, started, progress)
    return result


def _quarantine_rows(
    rows: pd.DataFrame, table: str, column: str, value: pd.Series | str, code: str, reason: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": rows["_source_file"].to_numpy(),
            "sheet": rows["_source_sheet"].to_numpy(),
            "row_number": rows["_source_row"].to_numpy(),
            "table_name": table,
            "record_key": rows["_key"].astype(object).to_numpy(),
            "column_name": column,
            "value": value.astype(object).to_numpy() if isinstance(value, pd.Series) else value,
            "code": code,
            "reason": reason,
        }
    )


def _stored_keys(store: Store, name: str, keys: pd.Series) -> set[str]:
    if not store.has_table(name) or not len(keys):
        return set()
    store.con.register("keys_df", pd.DataFrame({"k": keys.dropna().astype(object).unique()}))
    rows = store.con.execute(
        f"SELECT DISTINCT _key FROM {name} WHERE _key IN (SELECT k FROM keys_df)"
    ).fetchall()
    store.con.unregister("keys_df")
    return {str(r[0]) for r in rows}


def _with_sub_hash(root: pd.DataFrame, children: dict[str, pd.DataFrame]) -> None:
    """Hash each submission: its root row plus all its repeat rows from the same file."""
    total = pd.Series(
        _row_hash(root),
        index=pd.MultiIndex.from_arrays([root["_key"].astype(object), root["_origin"]]),
        dtype="uint64",
    )
    for c in children.values():
        c = c.drop_duplicates(["_key", "_origin"])
        if len(c):
            h = pd.Series(_row_hash(c), dtype="uint64")
            part = h.groupby(
                [c["_root_key"].astype(object).to_numpy(), c["_origin"].to_numpy()]
            ).sum()
            total = total.add(part.reindex(total.index, fill_value=0)).astype("uint64")
    root["_sub_hash"] = total.to_numpy(dtype=np.uint64)
    lookup = pd.Series(
        root["_sub_hash"].to_numpy(),
        index=pd.MultiIndex.from_arrays([root["_key"].astype(object), root["_origin"]]),
    )
    lookup = lookup[~lookup.index.duplicated(keep="last")]
    by_key = pd.Series(root["_sub_hash"].to_numpy(), index=root["_key"].astype(object).to_numpy())
    by_key = by_key[~by_key.index.duplicated(keep="last")]
    for c in children.values():
        idx = pd.MultiIndex.from_arrays([c["_root_key"].astype(object), c["_origin"]])
        found = lookup.reindex(idx)
        # repeat rows whose root came in another file of this import
        found = found.fillna(
            pd.Series(c["_root_key"].astype(object).map(by_key).to_numpy(), index=idx)
        )
        c["_sub_hash"] = found.fillna(0).to_numpy(dtype=np.uint64)


def _commit(
    store: Store,
    q: Questionnaire,
    tables: list[RawTable],
    typed: dict[int, TypedTable],
    parents: dict[str, str | None],
    result: ImportResult,
    started: datetime,
    progress: Progress | None,
) -> None:
    con = store.con
    frames: dict[str | None, list[pd.DataFrame]] = {}
    qparts: list[pd.DataFrame] = []
    for i, t in enumerate(tables):
        f = typed[i].frame
        key_text = f["_key"].astype("str")
        f["_root_key"] = (
            key_text if t.repeat is None else key_text.str.replace(r"/.*$", "", regex=True)
        )
        frames.setdefault(t.repeat, []).append(f)
        qparts.append(_quarantine_frame(typed[i]))
    if None not in frames:
        raise InputError(
            Issue(
                "IMP001",
                "no submissions (root table) in the files given",
                Location(", ".join(result.files)),
            )
        )
    root = pd.concat(frames[None], ignore_index=True)
    result.read = len(root)
    children: dict[str, pd.DataFrame] = {}
    for rep in repeats_in_order(parents):
        if rep not in frames:
            continue
        cf = pd.concat(frames[rep], ignore_index=True)
        parent = parents[rep]
        parent_frame = root if parent is None else children.get(parent)
        known = set() if parent_frame is None else set(parent_frame["_key"].dropna())
        known |= _stored_keys(store, table_name(q.id, parent), cf["_parent_key"])
        orphan = ~cf["_parent_key"].isin(known)
        if orphan.any():
            qparts.append(
                _quarantine_rows(
                    cf[orphan],
                    rep,
                    "PARENT_KEY",
                    cf.loc[orphan, "_parent_key"],
                    "IMP035",
                    "repeat row whose submission is in neither this import nor the store; "
                    "import the root table of the same export with it",
                )
            )
            cf = cf[~orphan]
        children[rep] = cf.reset_index(drop=True)
    qframe = pd.concat(qparts, ignore_index=True)
    bad_roots = set(qframe["record_key"].dropna().astype(str).str.split("/", n=1).str[0])
    held = root["_key"].isin(bad_roots) | root["_key"].isna()
    flagged = set(qframe.loc[qframe["table_name"] == "root", "record_key"].dropna())
    held_only = root[held & ~root["_key"].isin(flagged) & root["_key"].notna()]
    if len(held_only):
        qparts = [
            qframe,
            _quarantine_rows(
                held_only,
                "root",
                "",
                "",
                "IMP036",
                "held back: a repeat row of this submission is in quarantine",
            ),
        ]
        qframe = pd.concat(qparts, ignore_index=True)
    result.quarantined = int(root.loc[held, "_key"].nunique() + root["_key"].isna().sum())
    good = root[~held].reset_index(drop=True)
    good_children = {
        r: c[~c["_root_key"].isin(bad_roots)].reset_index(drop=True) for r, c in children.items()
    }
    _with_sub_hash(good, good_children)
    good["_seq"] = np.arange(len(good))
    batch = good.drop_duplicates(["_key", "_sub_hash"], keep="first")
    root_name = table_name(q.id)

    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchone()
        import_id = int(row[0]) if row else 1
        existing = pd.DataFrame(
            {
                "_key": pd.Series(dtype=object),
                "_sub_hash": pd.Series(dtype="uint64"),
                "_edits": pd.Series(dtype="int64"),
                "_current": pd.Series(dtype=bool),
            }
        )
        if store.has_table(root_name) and len(batch):
            con.register("keys_df", pd.DataFrame({"k": batch["_key"].astype(object).unique()}))
            existing = con.execute(
                f"SELECT _key, _sub_hash, _edits, _current FROM {root_name} "
                "WHERE _key IN (SELECT k FROM keys_df)"
            ).df()
            con.unregister("keys_df")
        ex_pairs = set(
            zip(
                existing["_key"].astype(object), existing["_sub_hash"].astype("uint64"), strict=True
            )
        )
        is_new = np.array(
            [
                (k, h) not in ex_pairs
                for k, h in zip(batch["_key"], batch["_sub_hash"], strict=True)
            ],
            dtype=bool,
        )
        versions = batch[is_new].copy()
        cur = existing[existing["_current"].astype(bool)]
        cand = pd.concat(
            [
                pd.DataFrame(
                    {
                        "_key": cur["_key"].astype(object),
                        "_sub_hash": cur["_sub_hash"].astype("uint64"),
                        "_edits": cur["_edits"].astype("int64"),
                        "_seq": -1,
                    }
                ),
                pd.DataFrame(
                    {
                        "_key": versions["_key"].astype(object),
                        "_sub_hash": versions["_sub_hash"].astype("uint64"),
                        "_edits": versions["_edits"].astype("int64"),
                        "_seq": versions["_seq"],
                    }
                ),
            ],
            ignore_index=True,
        )
        winners = cand.sort_values(["_key", "_edits", "_seq"]).groupby("_key").tail(1)
        win = dict(zip(winners["_key"], winners["_sub_hash"].astype("uint64"), strict=True))
        cur_hash = dict(zip(cur["_key"], cur["_sub_hash"].astype("uint64"), strict=True))
        stored = set(existing["_key"])
        changed = sorted(k for k in win if k in cur_hash and win[k] != cur_hash[k])
        keys = set(batch["_key"])
        result.new = len(keys - stored)
        result.updated = len(changed)
        result.unchanged = len(keys) - result.new - result.updated
        if changed:
            con.register("chg_df", pd.DataFrame({"k": changed}))
            for table in [None, *parents]:
                name = table_name(q.id, table)
                if store.has_table(name):
                    con.execute(
                        f"UPDATE {name} SET _current = false "
                        "WHERE _current AND _root_key IN (SELECT k FROM chg_df)"
                    )
            con.unregister("chg_df")
        if progress:
            progress("writing", 0, 1)
        pairs = set(zip(versions["_key"], versions["_sub_hash"], strict=True))
        _insert(store, q.id, None, _finish(versions, win, "_key", import_id))
        for rep, c in good_children.items():
            keep = np.array(
                [(k, h) in pairs for k, h in zip(c["_root_key"], c["_sub_hash"], strict=True)],
                dtype=bool,
            )
            c = c[keep].drop_duplicates(["_key", "_sub_hash"])
            _insert(store, q.id, rep, _finish(c, win, "_root_key", import_id))
        for t, i in zip(tables, range(len(tables)), strict=True):
            insert_raw(con, t, typed[i].frame["_key"], import_id)
        if len(qframe):
            qframe = qframe.astype({"value": str, "column_name": str, "code": str})
            qframe["import_id"] = import_id
            qframe["q_hash"] = pd.util.hash_pandas_object(
                qframe[
                    ["source_file", "row_number", "table_name", "column_name", "value", "code"]
                ].astype(str),
                index=False,
            ).to_numpy()
            con.register("q_df", qframe)
            con.execute(
                "INSERT INTO quarantine SELECT import_id, source_file, sheet, row_number, "
                "table_name, record_key, column_name, value, code, reason, q_hash FROM "
                "(SELECT DISTINCT ON (q_hash) * FROM q_df) r WHERE NOT EXISTS "
                "(SELECT 1 FROM quarantine x WHERE x.q_hash = r.q_hash)"
            )
            con.unregister("q_df")
        result.quarantine_rows = len(qframe)
        con.execute(
            "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                started,
                datetime.now(UTC).replace(tzinfo=None),
                "\n".join(result.files),
                ",".join(result.formats),
                q.id,
                q.version,
                result.read,
                result.new,
                result.updated,
                result.unchanged,
                result.quarantined,
            ],
        )
        if before_commit is not None:
            before_commit()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.import_id = import_id
    if progress:
        progress("writing", 1, 1)


def _finish(frame: pd.DataFrame, win: dict[str, Any], key: str, import_id: int) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in ("_seq", "_origin") if c in frame.columns])
    out["_current"] = [win.get(k) == h for k, h in zip(out[key], out["_sub_hash"], strict=True)]
    out["_import_id"] = import_id
    return out


def repeats_in_order(parents: dict[str, str | None]) -> list[str]:
    """Repeat names, parents before children."""
    return sorted(parents, key=lambda r: _depth(r, parents))


_NULL_TYPES = ("NULL", '"NULL"')


def _insert(store: Store, instrument_id: str, repeat: str | None, frame: pd.DataFrame) -> None:
    if not len(frame):
        return
    con = store.con
    name = table_name(instrument_id, repeat)
    # A column empty in this batch (a KoBo sheet name in a Central export) would get DuckDB's
    # NULL type and refuse the values a later export brings: store it as text.
    empty_text = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
    if empty_text:
        frame = frame.astype({c: "string" for c in empty_text})
    con.register("ins_df", frame)
    if not store.has_table(name):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM ins_df")
        con.execute("INSERT INTO response_tables VALUES (?, ?, ?)", [instrument_id, repeat, name])
    else:
        have = {r[0]: r[1] for r in con.execute(f"DESCRIBE {name}").fetchall()}
        for col, typ, *_ in con.execute("DESCRIBE SELECT * FROM ins_df").fetchall():
            typ = "VARCHAR" if typ in _NULL_TYPES else typ
            if col not in have:
                con.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" {typ}')
            elif have[col] in _NULL_TYPES:
                con.execute(f'ALTER TABLE {name} ALTER "{col}" SET DATA TYPE {typ}')
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM ins_df")
    con.unregister("ins_df")
