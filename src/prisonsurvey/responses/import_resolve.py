"""What a block-by-block import decides once every table is in: done by DuckDB, in place.

The typed rows of the import (``_import_id``) are already in the store's tables, none of them
current, each with the hash of its own row in ``_sub_hash``; in the import's last transaction,
:func:`resolve_import` then does what :mod:`~prisonsurvey.responses.import_batch` and
:func:`~prisonsurvey.responses.import_store.plan_batch` do for an import read whole, with the
same results: repeat rows whose submission is nowhere go to quarantine (IMP035), submissions
with a quarantined row are held back (IMP036), each submission's hash becomes its root row's
plus its repeat rows', content the store already holds is taken out again, and the version
that wins (most edits, then the latest read) becomes current.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.harmonise import repeat_parents
from prisonsurvey.responses.import_batch import (
    HELD_REASON,
    ORPHAN_REASON,
    quarantine_rows,
    repeats_in_order,
)
from prisonsurvey.responses.import_result import ImportResult
from prisonsurvey.responses.import_store import QUARANTINE_INSERT, finish_quarantine
from prisonsurvey.responses.store import Store, table_name

_QUARANTINE = [
    "source_file",
    "sheet",
    "row_number",
    "table_name",
    "record_key",
    "column_name",
    "value",
    "code",
    "reason",
]
_MOD = 2**64


def resolve_import(
    store: Store,
    q: Questionnaire,
    problems: list[pd.DataFrame],
    result: ImportResult,
    import_id: int,
) -> None:
    """Settle the rows of import ``import_id`` in the open transaction; sets the counts.

    Args:
        store: The open store, inside the import's transaction.
        q: The project's questionnaire.
        problems: The quarantine rows of values that could not be typed.
        result: Receives ``new``, ``updated``, ``unchanged``, ``quarantined`` and
            ``quarantine_rows`` (``read`` is counted while reading).
        import_id: The import.
    """
    con = store.con
    parents = repeat_parents(q)
    names = {r: table_name(q.id, r) for r in [None, *parents]}
    present = set(store.tables())
    tables = {r: n for r, n in names.items() if n in present}
    children = {r: n for r, n in tables.items() if r is not None}
    qparts = list(problems)
    mine = f"_import_id = {int(import_id)}"

    for rep in repeats_in_order(parents):
        if rep not in tables:
            continue
        parent = tables.get(parents[rep])
        known = (
            f"SELECT _key FROM {parent} WHERE _key IS NOT NULL"
            if parent
            else "SELECT NULL::VARCHAR AS _key WHERE false"
        )
        cond = f"{mine} AND (_parent_key IS NULL OR _parent_key NOT IN ({known}))"
        orphans = con.execute(
            "SELECT _source_file, _source_sheet, _source_row, _key, _parent_key "
            f"FROM {tables[rep]} WHERE {cond}"
        ).df()
        if len(orphans):
            qparts.append(
                quarantine_rows(
                    orphans, rep, "PARENT_KEY", orphans["_parent_key"], "IMP035", ORPHAN_REASON
                )
            )
            con.execute(f"DELETE FROM {tables[rep]} WHERE {cond}")

    qframe = (
        pd.concat(qparts, ignore_index=True)
        if qparts
        else pd.DataFrame({c: pd.Series(dtype=object) for c in _QUARANTINE})
    )
    root = tables.get(None)
    if root is not None:
        qframe = _hold_back(store, root, children, qframe, result, mine)
        _submission_hashes(store, root, children, mine)
        _settle_versions(store, root, children, result, mine)
    qframe = finish_quarantine(qframe, import_id)
    result.quarantine_rows = len(qframe)
    if len(qframe):
        con.register("q_df", qframe)
        con.execute(QUARANTINE_INSERT.format(source="q_df"))
        con.unregister("q_df")
    for name in ("bad_keys", "child_sum", "root_hash", "imp", "old", "win", "changed"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _hold_back(
    store: Store,
    root: str,
    children: dict[str, str],
    qframe: pd.DataFrame,
    result: ImportResult,
    mine: str,
) -> pd.DataFrame:
    """Take out submissions with a quarantined row (or no key); returns the quarantine."""
    con = store.con
    bad = sorted(set(qframe["record_key"].dropna().astype(str).str.split("/", n=1).str[0]))
    con.register("bad_in", pa.table({"k": pa.array(bad, type=pa.string())}))
    con.execute("CREATE OR REPLACE TEMP TABLE bad_keys AS SELECT k FROM bad_in")
    con.unregister("bad_in")
    cond = f"{mine} AND (_key IS NULL OR _key IN (SELECT k FROM bad_keys))"
    held = con.execute(
        f"SELECT _key, _source_file, _source_sheet, _source_row FROM {root} WHERE {cond}"
    ).df()
    result.quarantined = int(held["_key"].nunique() + held["_key"].isna().sum())
    if not len(held):
        return qframe
    flagged = set(qframe.loc[qframe["table_name"] == "root", "record_key"].dropna())
    only = held[~held["_key"].isin(flagged) & held["_key"].notna()]
    if len(only):
        qframe = pd.concat(
            [qframe, quarantine_rows(only, "root", "", "", "IMP036", HELD_REASON)],
            ignore_index=True,
        )
    con.execute(f"DELETE FROM {root} WHERE {cond}")
    for name in children.values():
        con.execute(f"DELETE FROM {name} WHERE {mine} AND _root_key IN (SELECT k FROM bad_keys)")
    return qframe


def _submission_hashes(store: Store, root: str, children: dict[str, str], mine: str) -> None:
    """Root row hash plus the hash of each repeat row (once per key), modulo 2**64."""
    con = store.con
    if children:
        parts = " UNION ALL ".join(
            f"SELECT _root_key, arg_min(_sub_hash, _source_row) AS h FROM {name} "
            f"WHERE {mine} AND _key IS NOT NULL GROUP BY _key, _root_key"
            for name in children.values()
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE child_sum AS SELECT _root_key, sum(h) AS total "
            f"FROM ({parts}) WHERE _root_key IS NOT NULL GROUP BY _root_key"
        )
        con.execute(
            f"UPDATE {root} SET _sub_hash = ((_sub_hash::HUGEINT + s.total) % {_MOD})::UBIGINT "
            f"FROM child_sum s WHERE {root}.{mine} AND {root}._key = s._root_key"
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE root_hash AS SELECT _key, "
        f"arg_max(_sub_hash, _source_row) AS h FROM {root} WHERE {mine} GROUP BY _key"
    )
    for name in children.values():
        con.execute(
            f"UPDATE {name} SET _sub_hash = r.h FROM root_hash r "
            f"WHERE {name}.{mine} AND {name}._root_key = r._key"
        )
        # repeat rows whose submission is not in this import belong to no new version
        con.execute(
            f"UPDATE {name} SET _sub_hash = 0 WHERE {mine} AND (_root_key IS NULL OR "
            "_root_key NOT IN (SELECT _key FROM root_hash WHERE _key IS NOT NULL))"
        )


def _settle_versions(
    store: Store,
    root: str,
    children: dict[str, str],
    result: ImportResult,
    mine: str,
) -> None:
    """Keep each new content once, count what is new, and mark the winning versions."""
    con = store.con
    _keep_first(store, root, mine)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE imp AS SELECT _key, _sub_hash, _edits, "
        f"_source_row AS seq FROM {root} WHERE {mine}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE old AS SELECT _key, _sub_hash, _edits, _current "
        f"FROM {root} WHERE NOT ({mine}) AND _key IN (SELECT _key FROM imp)"
    )
    counts = con.execute(
        "SELECT (SELECT count(DISTINCT _key) FROM imp), (SELECT count(DISTINCT _key) FROM old), "
        "(SELECT count(*) FROM imp JOIN old USING (_key, _sub_hash))"
    ).fetchall()[0]
    keys, stored, seen = (int(c) for c in counts) if counts else (0, 0, 0)
    same = "EXISTS (SELECT 1 FROM old o WHERE o._key = {t}._key AND o._sub_hash = {t}._sub_hash)"
    if seen:
        con.execute(f"DELETE FROM {root} WHERE {mine} AND {same.format(t=root)}")
        con.execute(f"DELETE FROM imp WHERE {same.format(t='imp')}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE win AS SELECT _key, arg_max(_sub_hash, rank) AS h FROM ("
        "SELECT _key, _sub_hash, _edits::HUGEINT * 10000000000 - 1 AS rank FROM old "
        "WHERE _current UNION ALL "
        "SELECT _key, _sub_hash, _edits::HUGEINT * 10000000000 + seq FROM imp) GROUP BY _key"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE changed AS SELECT DISTINCT o._key FROM old o "
        "JOIN win w USING (_key) WHERE o._current AND o._sub_hash <> w.h"
    )
    row = con.execute("SELECT count(*) FROM changed").fetchall()[0]
    result.new = keys - stored
    result.updated = int(row[0]) if row else 0
    result.unchanged = keys - result.new - result.updated
    wins = "EXISTS (SELECT 1 FROM win w WHERE w._key = {t}.{k} AND w.h = {t}._sub_hash)"
    con.execute(
        f"UPDATE {root} SET _current = true WHERE {mine} AND " + wins.format(t=root, k="_key")
    )
    for name in children.values():
        con.execute(
            f"DELETE FROM {name} WHERE {mine} AND NOT EXISTS (SELECT 1 FROM imp r "
            f"WHERE r._key = {name}._root_key AND r._sub_hash = {name}._sub_hash)"
        )
        _keep_first(store, name, mine)
        con.execute(
            f"UPDATE {name} SET _current = true WHERE {mine} AND "
            + wins.format(t=name, k="_root_key")
        )
    if result.updated:
        for name in [root, *children.values()]:
            con.execute(
                f"UPDATE {name} SET _current = false WHERE _current AND NOT ({mine}) "
                "AND _root_key IN (SELECT _key FROM changed)"
            )


def _keep_first(store: Store, name: str, mine: str) -> None:
    """Of rows of this import with the same key and content, keep the first read."""
    con = store.con
    row = con.execute(
        f"SELECT count(*) - count(DISTINCT (_key, _sub_hash)) FROM {name} WHERE {mine}"
    ).fetchall()[0]
    if not row or not row[0]:
        return
    con.execute(
        f"DELETE FROM {name} WHERE {mine} AND EXISTS (SELECT 1 FROM {name} x WHERE "
        f"x.{mine} AND x._key = {name}._key AND x._sub_hash = {name}._sub_hash "
        f"AND x._source_row < {name}._source_row)"
    )


__all__ = ["resolve_import"]
