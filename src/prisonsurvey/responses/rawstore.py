"""Raw rows in the store: every row read, exactly as written, stored once.

The text of the rows is kept in one table per header layout (``raw__{layout}``): ``row_hash``
and the row's values joined by the unit separator (U+001F) in ``text``; a row with that
character in a value keeps its values as a list in ``parts`` instead. ``raw_rows`` holds
where each row came from (file, sheet, row number, table, submission key, import) and
``raw_layouts`` the header of each layout. A row whose text was stored before (same table,
same values) is not stored again, whatever file it came from. :func:`read_raw` gives each row
back with ``data`` as a JSON object header -> text. Stores written before the joined text kept
one text column per header column (``c0..cN``); they are read and extended as they are.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.responses.sources import RawTable


def layout_name(header: list[str]) -> str:
    """Table name of the layout of ``header``."""
    digest = hashlib.sha1("\x1f".join(header).encode("utf-8")).hexdigest()[:16]
    return f"raw__{digest}"


def insert_raw(con: Any, table: RawTable, keys: pd.Series, import_id: int) -> None:
    """Store the rows of ``table`` not stored yet (inside the caller's transaction)."""
    if not len(table.data):
        return
    n = len(table.header)
    data = table.data.copy()
    data.columns = pd.Index([f"c{i}" for i in range(n)])
    data["_pos"] = np.arange(len(data))
    meta = pd.DataFrame(
        {
            "_pos": np.arange(len(data)),
            "source_file": table.files.astype(str).to_numpy(),
            "sheet": pd.Series([table.sheet] * len(data), dtype=object),
            "row_number": table.rows,
            "record_key": keys.astype(object).to_numpy(),
        }
    )
    con.register("raw_in", data)
    con.register("raw_meta", meta)
    try:
        store_raw(con, "raw_in", "raw_meta", table.header, table.repeat or "root", import_id)
    finally:
        con.unregister("raw_in")
        con.unregister("raw_meta")


def store_raw(
    con: Any, source: str, meta: str, header: list[str], name: str, import_id: int
) -> None:
    """Store the rows of relation ``source`` not stored yet, with where they came from.

    Args:
        con: The store's connection, inside the import's transaction.
        source: A relation of the text (``c0..cN``) and each row's position ``_pos``.
        meta: A relation of ``_pos``, ``source_file``, ``sheet``, ``row_number`` and
            ``record_key``, in the order the rows are to be listed.
        header: The table's header.
        name: ``root`` or the repeat.
        import_id: The import.
    """
    layout = layout_name(header)
    n = len(header)
    cols = ", ".join(f"c{i}" for i in range(n))
    # hash every row, keep the first of each new hash; only then touch the wide text
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_keep AS SELECT min(_pos) AS _pos, row_hash FROM "
        f"(SELECT _pos, hash(?, {cols}) AS row_hash FROM {source}) GROUP BY row_hash "
        "HAVING row_hash NOT IN (SELECT row_hash FROM raw_rows)",
        [f"{name}\x1f{layout}"],
    )
    columns = [
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_catalog = current_database()",
            [layout],
        ).fetchall()
    ]
    if not columns:
        con.execute(f"CREATE TABLE {layout} (row_hash UBIGINT, text VARCHAR, parts VARCHAR[])")
        con.execute("INSERT INTO raw_layouts VALUES (?, ?)", [layout, json.dumps(header)])
        columns = ["row_hash", "text", "parts"]
    if "text" in columns:
        # joined text is exact when it has one separator fewer than values
        con.execute(
            f"INSERT INTO {layout} SELECT row_hash, CASE WHEN exact THEN text END, "
            f"CASE WHEN NOT exact THEN [{cols}] END FROM (SELECT k.row_hash, text, "
            f"length(text) - length(replace(text, chr(31), '')) = {n - 1} AS exact, {cols} "
            f"FROM (SELECT *, concat_ws(chr(31), {cols}) AS text FROM {source}) r "
            "JOIN raw_keep k USING (_pos))"
        )
    else:
        con.execute(
            f"INSERT INTO {layout} SELECT k.row_hash, {cols} FROM {source} r "
            "JOIN raw_keep k USING (_pos)"
        )
    con.execute(
        "INSERT INTO raw_rows SELECT ?, m.source_file, m.sheet, m.row_number, ?, m.record_key, "
        f"k.row_hash, ? FROM {meta} m JOIN raw_keep k USING (_pos) ORDER BY m._pos",
        [import_id, name, layout],
    )
    con.execute("DROP TABLE raw_keep")


def read_raw(con: Any, source_file: str | None = None) -> pd.DataFrame:
    """Every stored raw row with ``data`` rebuilt as a JSON object (header -> original text)."""
    layouts = con.execute("SELECT layout, header FROM raw_layouts ORDER BY layout").fetchall()
    parts: list[str] = []
    for layout, header_json in layouts:
        header = json.loads(header_json)
        joined = bool(
            con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
                "AND column_name = 'text' AND table_catalog = current_database()",
                [layout],
            ).fetchone()[0]
        )
        value = "l.p[{}]" if joined else "l.c{}"
        pairs = ", ".join(
            f"'{_sql_text(h)}{'~' + str(i) if header.index(h) != i else ''}', "
            + value.format(i + 1 if joined else i)
            for i, h in enumerate(header)
        )
        text = (
            f"(SELECT row_hash, coalesce(parts, string_split(text, chr(31))) AS p FROM {layout})"
            if joined
            else layout
        )
        parts.append(
            "SELECT r.import_id, r.source_file, r.sheet, r.row_number, r.table_name, "
            f"r.record_key, json_object({pairs})::VARCHAR AS data FROM raw_rows r "
            f"JOIN {text} l USING (row_hash) WHERE r.layout = '{layout}' AND r.import_id <= "
            "(SELECT coalesce(max(import_id), 0) FROM import_log)"
        )
    if not parts:
        return pd.DataFrame(
            columns=[
                "import_id",
                "source_file",
                "sheet",
                "row_number",
                "table_name",
                "record_key",
                "data",
            ]
        )
    sql = " UNION ALL ".join(parts)
    where = " WHERE source_file = ?" if source_file is not None else ""
    params = [source_file] if source_file is not None else []
    df: pd.DataFrame = con.execute(
        f"SELECT * FROM ({sql}){where} ORDER BY import_id, source_file, table_name, row_number",
        params,
    ).df()
    return df


def _sql_text(text: str) -> str:
    return text.replace("'", "''")
