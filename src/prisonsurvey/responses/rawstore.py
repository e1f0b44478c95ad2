"""Raw rows in the store: every row read, exactly as written, stored once.

Rows are kept column-wise, one table per header layout (``raw__{layout}``: ``row_hash`` plus
``c0..cN`` as text), with ``raw_rows`` holding where each row came from (file, sheet, row
number, table, submission key, import) and ``raw_layouts`` the header of each layout. A row
whose text was stored before (same table, same values) is not stored again, whatever file it
came from. :func:`read_raw` gives each row back with ``data`` as a JSON object header -> text.
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
    layout = layout_name(table.header)
    n = len(table.header)
    data = table.data.copy()
    data.columns = pd.Index([f"c{i}" for i in range(n)])
    data["_pos"] = np.arange(len(data))
    name = table.repeat or "root"
    cols = ", ".join(f"c{i}" for i in range(n))
    con.register("raw_in", data)
    # hash every row, keep the first of each new hash; only then touch the wide text
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_keep AS SELECT min(_pos) AS _pos, row_hash FROM "
        f"(SELECT _pos, hash(?, {cols}) AS row_hash FROM raw_in) GROUP BY row_hash "
        "HAVING row_hash NOT IN (SELECT row_hash FROM raw_rows)",
        [f"{name}\x1f{layout}"],
    )
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [layout]
    ).fetchone()
    if not exists or not exists[0]:
        typed = ", ".join(f"c{i} VARCHAR" for i in range(n))
        con.execute(f"CREATE TABLE {layout} (row_hash UBIGINT, {typed})")
        con.execute("INSERT INTO raw_layouts VALUES (?, ?)", [layout, json.dumps(table.header)])
    con.execute(
        f"INSERT INTO {layout} SELECT k.row_hash, {cols} FROM raw_in r JOIN raw_keep k USING (_pos)"
    )
    meta = pd.DataFrame(
        {
            "_pos": np.arange(len(data)),
            "source_file": table.files.astype(str).to_numpy(),
            "sheet": pd.Series([table.sheet] * len(data), dtype=object),
            "row_number": table.rows,
            "record_key": keys.astype(object).to_numpy(),
        }
    )
    con.register("raw_meta", meta)
    con.execute(
        "INSERT INTO raw_rows SELECT ?, m.source_file, m.sheet, m.row_number, ?, m.record_key, "
        "k.row_hash, ? FROM raw_meta m JOIN raw_keep k USING (_pos) ORDER BY m._pos",
        [import_id, name, layout],
    )
    con.unregister("raw_in")
    con.unregister("raw_meta")
    con.execute("DROP TABLE raw_keep")


def read_raw(con: Any, source_file: str | None = None) -> pd.DataFrame:
    """Every stored raw row with ``data`` rebuilt as a JSON object (header -> original text)."""
    layouts = con.execute("SELECT layout, header FROM raw_layouts ORDER BY layout").fetchall()
    parts: list[str] = []
    for layout, header_json in layouts:
        header = json.loads(header_json)
        pairs = ", ".join(
            f"'{_sql_text(h)}{'~' + str(i) if header.index(h) != i else ''}', l.c{i}"
            for i, h in enumerate(header)
        )
        parts.append(
            "SELECT r.import_id, r.source_file, r.sheet, r.row_number, r.table_name, "
            f"r.record_key, json_object({pairs})::VARCHAR AS data FROM raw_rows r "
            f"JOIN {layout} l USING (row_hash) WHERE r.layout = '{layout}'"
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
