"""Import stage 3a: decide which typed rows are stored and which go to quarantine.

:func:`assemble_batch` stacks the typed tables of one import, quarantines repeat rows whose
submission is neither in the import nor in the store (IMP035) and whole submissions that have
a row in quarantine (IMP036), and hashes each remaining submission (root row plus repeat rows)
so that the store can tell new content from content it already holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.harmonise import TypedTable
from prisonsurvey.responses.import_result import ImportResult
from prisonsurvey.responses.import_type import repeat_depth
from prisonsurvey.responses.sources import RawTable
from prisonsurvey.responses.store import Store, table_name

ORPHAN_REASON = (
    "repeat row whose submission is in neither this import nor the store; "
    "import the root table of the same export with it"
)
HELD_REASON = "held back: a repeat row of this submission is in quarantine"


@dataclass
class Batch:
    """The rows of one import, ready to be stored.

    Attributes:
        root: Submissions that can be stored, one row per submission and version, with
            ``_sub_hash`` and their reading order ``_seq``; doubled rows removed.
        children: Their repeat rows by repeat name, with ``_sub_hash`` of their submission.
        quarantine: Every problem, one row per value (the quarantine table's columns).
    """

    root: pd.DataFrame
    children: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame


def repeats_in_order(parents: dict[str, str | None]) -> list[str]:
    """Repeat names, parents before children."""
    return sorted(parents, key=lambda r: repeat_depth(r, parents))


def assemble_batch(
    store: Store,
    q: Questionnaire,
    tables: list[RawTable],
    typed: dict[int, TypedTable],
    parents: dict[str, str | None],
    result: ImportResult,
) -> Batch:
    """Stack the typed tables and set aside what cannot be stored.

    Args:
        store: The open store (to find parents of repeat rows imported earlier).
        q: The project's questionnaire.
        tables: The tables read, in typing order.
        typed: Their typed frames by position.
        parents: Each repeat's parent repeat (``None`` for the root).
        result: Receives ``read`` and ``quarantined``.

    Returns:
        The rows to store and the quarantine.

    Raises:
        InputError: No root table among the files (IMP001).
    """
    frames: dict[str | None, list[pd.DataFrame]] = {}
    qparts: list[pd.DataFrame] = []
    for i, t in enumerate(tables):
        f = typed[i].frame
        add_root_key(f, t.repeat)
        frames.setdefault(t.repeat, []).append(f)
        qparts.append(quarantine_frame(typed[i]))
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
                quarantine_rows(
                    cf[orphan],
                    rep,
                    "PARENT_KEY",
                    cf.loc[orphan, "_parent_key"],
                    "IMP035",
                    ORPHAN_REASON,
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
            quarantine_rows(
                held_only,
                "root",
                "",
                "",
                "IMP036",
                HELD_REASON,
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
    return Batch(good.drop_duplicates(["_key", "_sub_hash"], keep="first"), good_children, qframe)


def add_root_key(frame: pd.DataFrame, repeat: str | None) -> None:
    """Give each typed row the key of its submission (``_root_key``)."""
    key_text = frame["_key"].astype("str")
    frame["_root_key"] = (
        key_text if repeat is None else key_text.str.replace(r"/.*$", "", regex=True)
    )


def row_hash(frame: pd.DataFrame) -> np.ndarray:
    """Hash of each typed row (without where it was read), as the store keeps it."""
    cols = [
        c
        for c in frame.columns
        if not c.startswith("_source_") and c not in ("_origin", "_seq", "_sub_hash")
    ]
    return pd.util.hash_pandas_object(frame[cols], index=False).to_numpy()


def quarantine_frame(typed: TypedTable) -> pd.DataFrame:
    """The problems found while typing ``typed``, as quarantine rows."""
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


def quarantine_rows(
    rows: pd.DataFrame, table: str, column: str, value: pd.Series | str, code: str, reason: str
) -> pd.DataFrame:
    """Quarantine rows, one per row of ``rows`` (typed rows with ``_source_*`` and ``_key``)."""
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
        row_hash(root),
        index=pd.MultiIndex.from_arrays([root["_key"].astype(object), root["_origin"]]),
        dtype="uint64",
    )
    for c in children.values():
        c = c.drop_duplicates(["_key", "_origin"])
        if len(c):
            h = pd.Series(row_hash(c), dtype="uint64")
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
