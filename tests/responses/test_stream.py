"""Large exports are staged and imported in chunks of submissions: the store ends up the same."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from prisonsurvey.project import Project, init_project
from prisonsurvey.responses import Store, import_files, import_stream, importer
from prisonsurvey.responses.simulate import simulate_export

ROOT = Path(__file__).resolve().parents[2]


def _project(root: Path) -> Project:
    return init_project(
        root,
        instrument="regional-inmate@1.0.0",
        questionnaire_path=str(ROOT / "questionnaires/regional-inmate/1.0.0"),
    )


def _spoil_age(export: Path) -> None:
    """Write a word where the third respondent's age should be (a quarantined value)."""
    with zipfile.ZipFile(export) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = next(n for n in members if n.endswith("regional-inmate.csv"))
    frame = pd.read_csv(io.BytesIO(members[root]), dtype=str, keep_default_na=False)
    frame.loc[2, "m1_demographics-age"] = "forty"
    members[root] = frame.to_csv(index=False).encode("utf-8")
    with zipfile.ZipFile(export, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


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


def test_staged_import_stores_what_the_whole_import_stores(
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
    monkeypatch.setattr(importer, "STREAM_BYTES", 0)
    monkeypatch.setattr(import_stream, "CHUNK_SUBMISSIONS", 7)
    chunks: list[int] = []
    got = import_files(staged, [export], lambda stage, done, total: chunks.append(total))
    assert chunks and max(chunks) == 3  # 20 submissions, 7 by chunk
    keep = ("read", "new", "updated", "unchanged", "quarantined", "quarantine_rows")
    assert {k: getattr(got, k) for k in keep} == {k: getattr(expected, k) for k in keep}
    a, b = _contents(whole), _contents(staged)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True, obj=name)

    again = import_files(staged, [export])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 19)
    assert len(_contents(staged)["raw"]) == len(b["raw"])
