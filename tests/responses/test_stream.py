"""Large exports are imported block by block: the store ends up the same as read whole."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from prisonsurvey.project import Project, init_project
from prisonsurvey.responses import Store, import_direct, import_files
from prisonsurvey.responses.rawstore import insert_raw, layout_name
from prisonsurvey.responses.simulate import simulate_export
from prisonsurvey.responses.sources import RawTable

from .conftest import import_killed

ROOT = Path(__file__).resolve().parents[2]


def _project(root: Path) -> Project:
    return init_project(
        root,
        instrument="regional-inmate@1.0.0",
        questionnaire_path=str(ROOT / "questionnaires/regional-inmate/1.0.0"),
    )


def _edit_root(export: Path, edit: Callable[[pd.DataFrame], None]) -> None:
    with zipfile.ZipFile(export) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = next(n for n in members if n.endswith("regional-inmate.csv"))
    frame = pd.read_csv(io.BytesIO(members[root]), dtype=str, keep_default_na=False)
    edit(frame)
    members[root] = frame.to_csv(index=False).encode("utf-8")
    with zipfile.ZipFile(export, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _spoil_age(export: Path) -> None:
    """Write a word where the third respondent's age should be (a quarantined value)."""

    def edit(frame: pd.DataFrame) -> None:
        frame.loc[2, "m1_demographics-age"] = "forty"

    _edit_root(export, edit)


def _contents(project: Project) -> dict[str, pd.DataFrame]:
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        out = {"quarantine": store.quarantine().drop(columns=["import_id"])}
        for name in [None, "offences", "children"]:
            frame = store.history(q.id, name).drop(columns=["_import_id"])
            out[str(name)] = frame.sort_values(["_key", "_sub_hash"]).reset_index(drop=True)
        raw = store.raw_rows().drop(columns=["import_id"])
        out["raw"] = raw.sort_values(list(raw.columns)).reset_index(drop=True)
    return out


def test_block_import_stores_what_the_whole_import_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _project(tmp_path / "whole")
    export = Path(
        simulate_export(whole.root, n=20, fmt="central", out=tmp_path / "s.csv.zip")["path"]
    )
    _spoil_age(export)
    expected = import_files(whole, [export])
    assert expected.quarantined == 1

    staged = _project(tmp_path / "staged")
    monkeypatch.setattr(import_direct, "DIRECT_BYTES", 0)
    monkeypatch.setattr(import_direct, "BLOCK_BYTES", 4096)
    steps: list[tuple[str, int, int]] = []
    got = import_files(staged, [export], lambda *step: steps.append(step))
    blocks = [s for s in steps if s[0] == "importing"]
    assert len(steps) == len(blocks) > 5 and blocks[-1][1] == blocks[-1][2]
    keep = ("read", "new", "updated", "unchanged", "quarantined", "quarantine_rows")
    assert {k: getattr(got, k) for k in keep} == {k: getattr(expected, k) for k in keep}
    a, b = _contents(whole), _contents(staged)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True, obj=name)

    again = import_files(staged, [export])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 19)
    assert len(_contents(staged)["raw"]) == len(b["raw"])


@pytest.mark.parametrize("direct", [False, True])
def test_raw_text_with_the_separator_comes_back_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    project = _project(tmp_path / "p")
    export = Path(
        simulate_export(project.root, n=6, fmt="central", out=tmp_path / "s.csv.zip")["path"]
    )
    comment = 'a\x1fb, "quoted"\x1f'
    column = "m13_release-final_comments"

    def edit(frame: pd.DataFrame) -> None:
        frame.loc[1, column] = comment

    _edit_root(export, edit)
    if direct:
        monkeypatch.setattr(import_direct, "DIRECT_BYTES", 0)
    assert import_files(project, [export]).new == 6
    with Store.open(project, read_only=True) as store:
        raw = store.raw_rows()
    root = raw[raw["table_name"] == "root"].sort_values("row_number")
    values = [json.loads(d)[column] for d in root["data"]]
    assert values[1] == comment and values[0] != comment and len(values) == 6


def test_stores_with_a_column_per_raw_value_are_read_and_extended(tmp_path: Path) -> None:
    header = ["KEY", "name", "name"]
    layout = layout_name(header)
    with Store.open(tmp_path / "store.duckdb") as store:
        con = store.con
        con.execute(f"CREATE TABLE {layout} (row_hash UBIGINT, c0 VARCHAR, c1 VARCHAR, c2 VARCHAR)")
        con.execute("INSERT INTO raw_layouts VALUES (?, ?)", [layout, json.dumps(header)])
        con.execute(f"INSERT INTO {layout} VALUES (7, 'k1', 'Ana', 'x')")
        con.execute(
            "INSERT INTO raw_rows VALUES (1, 'old.csv', NULL, 2, 'root', 'k1', 7, ?)", [layout]
        )
        con.execute(
            "INSERT INTO import_log (import_id, instrument_id) VALUES (1, 'regional-inmate')"
        )
        data = pd.DataFrame({0: ["k2"], 1: ["Bea"], 2: ["y\x1fz"]})
        table = RawTable(None, "central", header, data, pd.Series(["new.csv"]), np.array([2]))
        con.execute("BEGIN TRANSACTION")
        insert_raw(con, table, pd.Series(["k2"]), 2)
        con.execute(
            "INSERT INTO import_log (import_id, instrument_id) VALUES (2, 'regional-inmate')"
        )
        con.execute("COMMIT")
        raw = store.raw_rows()
        columns = [r[0] for r in con.execute(f"DESCRIBE {layout}").fetchall()]
    assert columns == ["row_hash", "c0", "c1", "c2"]
    got = {k: json.loads(d) for k, d in zip(raw["record_key"], raw["data"], strict=True)}
    assert got == {
        "k1": {"KEY": "k1", "name": "Ana", "name~2": "x"},
        "k2": {"KEY": "k2", "name": "Bea", "name~2": "y\x1fz"},
    }


def _imported_once(tmp_path: Path) -> tuple[Project, Path, dict[str, pd.DataFrame]]:
    """A project holding one import, a 30-respondent export to import next, what it holds."""
    project = _project(tmp_path / "p")
    export = Path(
        simulate_export(project.root, n=30, fmt="central", out=tmp_path / "s.csv.zip")["path"]
    )
    first = Path(
        simulate_export(project.root, n=5, fmt="central", out=tmp_path / "f.csv.zip", seed=9)[
            "path"
        ]
    )
    import_files(project, [first])
    return project, export, _contents(project)


def test_killed_block_import_leaves_the_store_as_before(tmp_path: Path) -> None:
    project, export, before = _imported_once(tmp_path)
    hook = (
        "import_direct.DIRECT_BYTES = 0\n"
        "import_direct.BLOCK_BYTES = 4096\n"
        "write = import_direct._Writer.write\n"
        "calls = []\n"
        "def killing(self, prepared):\n"
        "    write(self, prepared)\n"
        "    calls.append(1)\n"
        "    if len(calls) == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "import_direct._Writer.write = killing\n"
    )
    import_killed(project.root, export, hook)
    with duckdb.connect(str(project.store_path), read_only=True) as con:
        left = con.execute("SELECT count(*) FROM raw_rows WHERE import_id = 2").fetchall()
    assert left[0][0] > 0  # the blocks written before the kill are in the file
    after = _contents(project)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    with Store.open(project) as store:
        assert len(store.import_log()) == 1
    assert import_files(project, [export]).new == 30


@pytest.mark.parametrize("failing", ["write", "prepare"])
def test_block_import_failing_part_way_leaves_the_store_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """A block that fails to be written (worker thread) or typed (while the block before is
    being written) ends the import with its error and writes nothing."""
    project, export, before = _imported_once(tmp_path)
    monkeypatch.setattr(import_direct, "DIRECT_BYTES", 0)
    monkeypatch.setattr(import_direct, "BLOCK_BYTES", 4096)
    original = getattr(import_direct._Writer, failing)
    calls: list[int] = []

    def fail_third(self: object, arg: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(self, arg)

    monkeypatch.setattr(import_direct._Writer, failing, fail_third)
    with pytest.raises(OSError, match="disk full"):
        import_files(project, [export])
    after = _contents(project)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    monkeypatch.setattr(import_direct._Writer, failing, original)
    assert import_files(project, [export]).new == 30
    with Store.open(project) as store:
        assert len(store.import_log()) == 2
