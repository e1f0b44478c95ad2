"""Nothing lost, nothing doubled: interrupted, repeated and overlapping imports, edits, review
states, and every kind of bad input."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.project import Project
from prisonsurvey.responses import importer
from prisonsurvey.responses.importer import import_files
from prisonsurvey.responses.simulate import simulate
from prisonsurvey.responses.store import Store
from prisonsurvey.responses.writers import write_export

from .conftest import import_killed, make_project
from .harness import FIXTURES, FORM_VERSION, harness_questionnaire

ZIP = FIXTURES / "central" / "prison_harness.csv.zip"
R1 = "uuid:79f3b1d6-0f31-4710-b3c4-36e143026ce1"
R2 = "uuid:a165fe17-aa6d-4574-823c-14b63d8f4860"


def _edit_zip(src: Path, dst: Path, edit: Callable[[str, str], str]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name).decode("utf-8")))
    return dst


def _root_only(name: str, text: str, fn: Callable[[str], str]) -> str:
    return fn(text) if name == "prison_harness.csv" else text


def _snapshot(project: Project) -> tuple[int, int, int, int, int]:
    with Store.open(project) as store:
        return (
            len(store.history("prison_harness")),
            len(store.history("prison_harness", "children")),
            len(store.raw_rows()),
            len(store.quarantine()),
            len(store.import_log()),
        )


def test_same_file_twice_adds_nothing(project: Project) -> None:
    first = import_files(project, [ZIP])
    before = _snapshot(project)
    second = import_files(project, [ZIP])
    assert (first.new, second.new, second.unchanged, second.updated) == (3, 0, 3, 0)
    after = _snapshot(project)
    assert after[:4] == before[:4] and after[4] == before[4] + 1
    # the same rows from another export of the same submissions (KoBo) add nothing either
    again = import_files(project, [ZIP, ZIP])
    assert (again.new, again.unchanged) == (0, 3)


def test_interrupted_import_leaves_the_store_as_before(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_files(project, [FIXTURES / "kobo" / "prison_harness.xml.csv"])
    before = _snapshot(project)

    def boom() -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(importer, "before_commit", boom)
    with pytest.raises(RuntimeError):
        import_files(project, [ZIP])
    assert _snapshot(project) == before
    monkeypatch.setattr(importer, "before_commit", None)
    result = import_files(project, [ZIP])
    assert result.unchanged == 0 and result.updated == 3  # Central adds review state, children
    with Store.open(project) as store:
        assert len(store.responses("prison_harness", "children")) == 2


def test_killed_process_leaves_the_store_as_before(project: Project, tmp_path: Path) -> None:
    sim = simulate(harness_questionnaire(), 400, seed=5)
    big = write_export(sim, "central", tmp_path / "big.csv.zip", "prison_harness", FORM_VERSION)
    import_files(project, [ZIP])
    before = _snapshot(project)
    import_killed(
        project.root, big, "importer.before_commit = lambda: os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    assert _snapshot(project) == before
    result = import_files(project, [big])
    assert result.new == 400


def test_overlapping_exports(project: Project, tmp_path: Path) -> None:
    sim = simulate(harness_questionnaire(), 30, seed=2)
    root = sim.tables[None]
    early = type(sim)(sim.questionnaire, {k: v for k, v in sim.tables.items()})
    early.tables[None] = root.iloc[:20]
    early.tables["children"] = sim.tables["children"][
        sim.tables["children"]["_parent_key"].isin(set(root["_key"].iloc[:20]))
    ]
    a = write_export(early, "central", tmp_path / "a.csv.zip", "prison_harness", FORM_VERSION)
    b = write_export(sim, "central", tmp_path / "b.csv.zip", "prison_harness", FORM_VERSION)
    ra = import_files(project, [a])
    rb = import_files(project, [b])
    assert (ra.new, rb.new, rb.unchanged, rb.updated) == (20, 10, 20, 0)
    with Store.open(project) as store:
        got = store.responses("prison_harness")
        kids = store.responses("prison_harness", "children")
    assert len(got) == 30 and got["_key"].is_unique
    assert len(kids) == len(sim.tables["children"]) and kids["_key"].is_unique


def test_edited_submission_wins_and_history_is_kept(project: Project, tmp_path: Path) -> None:
    import_files(project, [ZIP])

    def edit(text: str) -> str:
        lines = text.split("\n")
        i = next(n for n, line in enumerate(lines) if R2 in line)
        lines[i] = (
            lines[i].replace(",22,female,", ",23,female,").replace(",0,2024061501", ",1,2024061501")
        )
        return "\n".join(lines)

    edited = _edit_zip(ZIP, tmp_path / "edited.zip", lambda n, t: _root_only(n, t, edit))
    result = import_files(project, [edited])
    assert (result.updated, result.unchanged, result.new) == (1, 2, 0)
    with Store.open(project) as store:
        now = store.responses("prison_harness").set_index("_key")
        history = store.history("prison_harness")
    assert now.loc[R2, "age"] == 23 and now.loc[R2, "_edits"] == 1
    versions = history[history["_key"] == R2].sort_values("_edits")
    assert list(versions["age"]) == [22, 23] and list(versions["_current"]) == [False, True]
    # the older export imported again does not undo the edit
    again = import_files(project, [ZIP])
    assert again.updated == 0
    with Store.open(project) as store:
        assert store.responses("prison_harness").set_index("_key").loc[R2, "age"] == 23


def test_rejected_kept_but_left_out_by_default(project: Project, tmp_path: Path) -> None:
    def reject(text: str) -> str:
        lines = text.split("\n")
        i = next(n for n, line in enumerate(lines) if line.startswith("Need more yard"))
        lines[i] = lines[i].replace("Data Collector,0,0,,,", "Data Collector,0,0,,rejected,")
        return "\n".join(lines)

    path = _edit_zip(ZIP, tmp_path / "rejected.zip", lambda n, t: _root_only(n, t, reject))
    import_files(project, [path])
    with Store.open(project) as store:
        default = store.responses("prison_harness")
        everything = store.responses("prison_harness", include_rejected=True)
        kids = store.responses("prison_harness", "children")
        all_kids = store.responses("prison_harness", "children", include_rejected=True)
    assert R1 not in set(default["_key"]) and len(default) == 2
    assert everything.set_index("_key").loc[R1, "_review_state"] == "rejected"
    assert kids.empty and len(all_kids) == 2


def test_unknown_choice_code_goes_to_quarantine_with_location(
    project: Project, tmp_path: Path
) -> None:
    bad = _edit_zip(
        ZIP,
        tmp_path / "bad.zip",
        lambda n, t: _root_only(
            n, t, lambda s: s.replace(",female,", ",femme,").replace(",34,male,", ",3x4,male,")
        ),
    )
    result = import_files(project, [bad])
    assert (result.new, result.quarantined) == (1, 2)
    with Store.open(project) as store:
        q = store.quarantine()
        kept = store.responses("prison_harness")
        kids = store.responses("prison_harness", "children")
    rows = {(r.code, r.row_number, r.column_name, r.value) for r in q.itertuples()}
    assert ("IMP032", 3, "respondent-sex", "femme") in rows
    assert ("IMP031", 4, "respondent-age", "3x4") in rows
    assert set(q["source_file"]) == {f"{bad}!prison_harness.csv"}
    assert list(kept["consent"]) == [2] and kids.empty  # children wait with their submission
    # importing the same bad file again records nothing twice
    import_files(project, [bad])
    with Store.open(project) as store:
        assert len(store.quarantine()) == len(q)


def test_orphan_repeat_rows_are_quarantined(project: Project) -> None:
    result = import_files(
        project,
        [
            FIXTURES / "central/csv/prison_harness-children.csv",
            FIXTURES / "kobo/prison_harness.xml.csv",
        ],
    )
    assert result.quarantined == 0  # KoBo CSV carries the parents of the Central child rows
    fresh = make_project(project.root.parent / "fresh")
    with pytest.raises(InputError) as exc:
        import_files(fresh, [FIXTURES / "central/csv/prison_harness-children.csv"])
    assert exc.value.issues.codes() == ["IMP001"]


def _codes(project: Project, path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        import_files(project, [path])
    assert _snapshot(project)[2] == 0  # nothing written
    return exc.value.issues.codes()


def test_wrong_form(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "other_form.csv.zip"
    with zipfile.ZipFile(ZIP) as zin, zipfile.ZipFile(other, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name.replace("prison_harness", "other_form"), zin.read(name))
    assert _codes(project, other) == ["IMP021", "IMP011"] or "IMP021" in _codes(project, other)


def test_wrong_version(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", form_versions=())
    codes = _codes(project, ZIP)
    assert codes == ["IMP020"]


def test_corrupt_zip(project: Project, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv.zip"
    broken.write_bytes(ZIP.read_bytes()[:400])
    assert _codes(project, broken) == ["IMP002"]


def test_unknown_columns_are_named_with_a_suggestion(project: Project, tmp_path: Path) -> None:
    src = (FIXTURES / "kobo/prison_harness.xml.csv").read_text(encoding="utf-8")
    path = tmp_path / "renamed.csv"
    path.write_text(src.replace('"cell_window"', '"cell_windows"'), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_files(project, [path])
    issue = exc.value.issues.errors[0]
    assert issue.code == "IMP010" and issue.location.column == "cell_windows"
    assert "cell_window" in issue.message


def test_bom_is_removed(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "kobo/prison_harness.xml.csv").read_bytes())
    result = import_files(project, [path])
    assert result.new == 3 and [n.code for n in result.notes] == ["IMP006"]


def test_latin1_is_refused_with_line(project: Project, tmp_path: Path) -> None:
    text = (FIXTURES / "kobo/prison_harness.xml.csv").read_text(encoding="utf-8")
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(InputError) as exc:
        import_files(project, [path])
    issue = exc.value.issues.errors[0]
    assert issue.code == "IMP004" and issue.location.line == 3


@pytest.mark.parametrize("delimiter", ["|", "ragged"])
def test_wrong_delimiter(project: Project, tmp_path: Path, delimiter: str) -> None:
    text = (FIXTURES / "central/csv/prison_harness.csv").read_text(encoding="utf-8")
    path = tmp_path / "prison_harness.csv"
    if delimiter == "|":
        text = text.replace(",", "|")
    else:
        text = text.replace("yes,22,female", "yes,22;female")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_files(project, [path])
    assert exc.value.issues.codes() == ["IMP005"]


def test_plain_csv_one_column_per_question(project: Project, tmp_path: Path) -> None:
    plain = pd.DataFrame(
        {
            "_key": ["a", "b"],
            "consent": ["1", "2"],
            "age": ["40", ""],
            "services": ["1 4", ""],
            "comments": ["ok", ""],
        }
    )
    path = tmp_path / "plain.csv"
    plain.to_csv(path, index=False)
    result = import_files(project, [path])
    assert result.new == 2
    with Store.open(project) as store:
        got = store.responses("prison_harness").set_index("_key")
    assert got.loc["a", "services_4"] == 1 and got.loc["a", "age"] == 40
    assert pd.isna(got.loc["b", "age"])


def test_missing_file(project: Project, tmp_path: Path) -> None:
    assert _codes(project, tmp_path / "nope.csv.zip") == ["IMP001"]
    weird = tmp_path / "x.pdf"
    weird.write_text("x")
    assert _codes(project, weird) == ["IMP003"]


def test_store_in_use_by_another_process(project: Project) -> None:
    with Store.open(project):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "prisonsurvey",
                "import",
                str(ZIP),
                "--project",
                str(project.root),
            ],
            capture_output=True,
            text=True,
        )
    assert proc.returncode == 2 and "IMP050" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_reading_an_empty_project_says_what_to_do(project: Project) -> None:
    with pytest.raises(InputError) as exc:
        Store.open(project, read_only=True)
    assert exc.value.issues.codes() == ["IMP051"]
    import_files(project, [ZIP])
    with Store.open(project, read_only=True) as store:
        assert len(store.responses("prison_harness")) == 3


def test_kobo_validation_status_not_approved_is_rejected(project: Project, tmp_path: Path) -> None:
    src = (FIXTURES / "kobo/prison_harness.xml.csv").read_bytes().decode("utf-8")
    lines = src.split("\r\n")
    lines[1] = lines[1].replace('"2024-06-15T12:00:00";""', '"2024-06-15T12:00:00";"Not Approved"')
    path = tmp_path / "kobo.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    import_files(project, [path])
    with Store.open(project) as store:
        assert len(store.responses("prison_harness")) == 2
        every = store.responses("prison_harness", include_rejected=True).set_index("_key")
    assert every.loc[R1, "_review_state"] == "rejected"


def test_central_then_kobo_into_one_store(project: Project, tmp_path: Path) -> None:
    # Central has no sheet names, KoBo has: the column first stored empty takes text later.
    sim = simulate(harness_questionnaire(), 6, seed=11)
    central = write_export(sim, "central", tmp_path / "a.csv.zip", "prison_harness", FORM_VERSION)
    later = simulate(harness_questionnaire(), 4, seed=12)
    kobo = write_export(later, "kobo-xlsx", tmp_path / "b.xlsx", "prison_harness", FORM_VERSION)
    assert import_files(project, [central]).new == 6
    assert import_files(project, [kobo]).new == 4
    with Store.open(project) as store:
        root = store.responses("prison_harness")
    assert len(root) == 10
    assert root["_source_sheet"].notna().sum() == 4
