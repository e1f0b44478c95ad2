"""Data collected with an original XLSForm import into a project built from its conversion."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.project import Project, init_project
from prisonsurvey.responses.importer import import_files
from prisonsurvey.responses.store import Store
from prisonsurvey.xlsform import import_xlsform

from .corpus import CORPUS

FORMS = {f.name: f for f in CORPUS}

ROOT_CSV = """\
SubmissionDate,Sucker_Group-Sucker_2,Sucker_Group-Age,Sucker_Group-año,meta-instanceID,KEY
2024-06-15T12:00:00.000Z,FALSE,34,2019,uuid:a1,uuid:a1
2024-06-15T12:05:00.000Z,not sure,,2021,uuid:b2,uuid:b2
"""
REPEAT_CSV = """\
Visitor,PARENT_KEY,KEY
Ana,uuid:a1,uuid:a1/Visits[1]
Luis,uuid:a1,uuid:a1/Visits[2]
Eva,uuid:b2,uuid:b2/Visits[1]
"""
SUBMISSION = """\
<?xml version="1.0"?>
<data id="bad_names">
  <Sucker_Group><Sucker_2>TRUE</Sucker_2><Age/><año>2024</año></Sucker_Group>
  <Visits><Visitor>Rosa</Visitor></Visits>
  <meta><instanceID>uuid:c3</instanceID></meta>
</data>
"""


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "survey"
    root.mkdir()
    source = FORMS["bad_names"].write(tmp_path)
    import_xlsform(source, root / "questionnaire")
    init_project(root, instrument="bad_names@1.0.0", questionnaire_path="questionnaire")
    return Project.open(root)


def test_original_names_and_values_land_in_the_renamed_questions(tmp_path: Path) -> None:
    project = _project(tmp_path)
    exports = tmp_path / "central"
    exports.mkdir()
    (exports / "bad_names.csv").write_text(ROOT_CSV, encoding="utf-8")
    (exports / "bad_names-Visits.csv").write_text(REPEAT_CSV, encoding="utf-8")
    tablet = tmp_path / "tablet"
    tablet.mkdir()
    (tablet / "c3.xml").write_text(SUBMISSION, encoding="utf-8")
    import_files(project, [exports / "bad_names.csv", exports / "bad_names-Visits.csv"])
    import_files(project, [tablet])
    with Store.open(project) as store:
        assert store.quarantine().empty
        root = store.responses("bad_names").sort_values("sucker_2")
        visits = store.responses("bad_names", "visits")
    # choices TRUE, FALSE, 'not sure' have codes 1, 2, 3 ('not sure' renamed not_sure)
    assert root["sucker_2"].tolist() == [1, 2, 3]
    assert root["age"].tolist()[1] == 34
    assert root["ano"].tolist() == ["2024", "2019", "2021"]
    assert sorted(visits["visitor"]) == ["Ana", "Eva", "Luis", "Rosa"]
