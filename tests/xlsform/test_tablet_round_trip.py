"""What tablets send comes back whole: engine-filled submissions through every import format.

For the facility census, the regional inmate questionnaire and the example country adaptation,
ODK Web Forms' engine fills random respondents in the exported form. Their submission XML is
imported as a tablet folder; the stored tables are then written as the servers write them
(ODK Central with and without group paths and split select_multiples, KoBoToolbox XLSX by name
and by label, KoBoToolbox CSV) and each file is imported into a fresh project. Every project's
``export data`` must hold exactly the values the engine submitted, read here straight from the
submission XML; importing the same files again must change nothing.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from prisonsurvey.adaptation.load import load_adapted_or_raise
from prisonsurvey.project import Project, init_project
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.responses import Store, import_files
from prisonsurvey.responses.simulate import Simulated
from prisonsurvey.responses.writers import write_central, write_kobo
from prisonsurvey.statfiles.run import export_project_data
from prisonsurvey.xlsform import export_xlsform, xlsform_version

from . import forms
from .engine import run_engine
from .respondents import generate_respondents

COUNTRY = forms.ROOT / "examples" / "country"
RESPONDENTS = 50
FORM_NAMES = ("facility-census", "regional-inmate", "arcadia")

Key = tuple[str | None, str]  # (repeat or None for the root, row key)


def _questionnaire(name: str) -> Questionnaire:
    if name == "arcadia":
        return load_adapted_or_raise(COUNTRY / "adaptation.yaml")
    return forms.questionnaire(name)


def _project(name: str, q: Questionnaire, root: Path) -> Project:
    if name != "arcadia":
        folder = forms.SHIPPED[name]
        return init_project(root, instrument=f"{q.id}@{q.version}", questionnaire_path=str(folder))
    root.mkdir(parents=True)
    for source in ("adaptation.yaml", "national_module.yaml", "offences.csv", "facilities.csv"):
        shutil.copy(COUNTRY / source, root / source)
    (root / "survey.yaml").write_text(
        f"survey: {{id: round}}\ninstrument: {{id: {q.id}, version: {q.version}}}\n"
        "adaptation: adaptation.yaml\n",
        encoding="utf-8",
    )
    return Project.open(root)


@dataclass
class Truth:
    """The values the engine submitted, by table row, and what the submissions covered."""

    values: dict[Key, dict[str, str]] = field(default_factory=dict)
    repeat_sizes: dict[str, set[int]] = field(default_factory=dict)


def _truth(q: Questionnaire, submissions: list[str]) -> Truth:
    """Read every answered field from the submission XML, keyed as ODK keys rows."""
    parent: dict[str, str | None] = {}
    for ancestors, g in q.walk():
        if isinstance(g, Group) and g.is_repeat:
            outer = [a.name for a in ancestors if a.is_repeat]
            parent[g.name] = outer[-1] if outer else None
    repeats = set(parent)
    answers = {x.name for x in q.questions() if x.type is not QuestionType.NOTE}
    truth = Truth()

    def walk(element: ET.Element, table: str | None, key: str, seen: dict[str, int]) -> None:
        """Read a row's fields (through its groups); each repeat instance is a row of its own."""
        row = truth.values.setdefault((table, key), {})
        for child in element:
            if child.tag in repeats:
                seen[child.tag] = seen.get(child.tag, 0) + 1
                row_of(child, f"{key}/{child.tag}[{seen[child.tag]}]")
            elif len(child):
                walk(child, table, key, seen)
            elif child.tag in answers and (child.text or "") != "":
                row[child.tag] = child.text or ""

    def row_of(element: ET.Element, key: str) -> None:
        table = element.tag if element.tag in repeats else None
        seen: dict[str, int] = {}
        walk(element, table, key, seen)
        for repeat in (r for r, p in parent.items() if p == table):
            truth.repeat_sizes.setdefault(repeat, set()).add(seen.get(repeat, 0))

    for text in submissions:
        root = ET.fromstring(text)
        instance = root.findtext("meta/instanceID")
        assert instance, "a submission without meta/instanceID"
        row_of(root, instance)
    return truth


def _as_text(question: Question, value: Any) -> str:
    """An exported value as the text a form submits, to compare with the submission."""
    kind = question.type
    if kind is QuestionType.DATE:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind is QuestionType.DATETIME:
        return pd.Timestamp(value).isoformat()
    if kind in (QuestionType.INTEGER, QuestionType.SELECT_ONE) or isinstance(value, float):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def _submitted(question: Question, text: str) -> str:
    """A submitted value in the form ``_as_text`` gives (numbers without trailing zeros)."""
    kind = question.type
    if kind is QuestionType.DATETIME:
        return pd.Timestamp(text).tz_convert(None).isoformat()
    numeric = kind in (QuestionType.INTEGER, QuestionType.SELECT_ONE, QuestionType.DECIMAL)
    if numeric or kind is QuestionType.CALCULATE:
        try:
            number = float(text)
        except ValueError:
            return text
        return str(int(number)) if number.is_integer() else repr(number)
    return text


def _differences(q: Questionnaire, truth: Truth, out: Path) -> list[str]:
    """Every value where ``export data`` and the submissions disagree (capped at 20)."""
    questions = {x.name: x for x in q.questions() if x.type is not QuestionType.NOTE}
    files = {None: out / "data.parquet"}
    files.update({name: out / f"data__{name}.parquet" for name in truth.repeat_sizes})
    found: list[str] = []
    rows_seen: set[Key] = set()
    for table, path in files.items():
        if not path.exists():
            expected = [k for k in truth.values if k[0] == table]
            if expected:
                found.append(f"{table}: no exported file for {len(expected)} rows")
            continue
        frame = pd.read_parquet(path)
        for record in frame.to_dict("records"):
            key: Key = (table, str(record["_key"]))
            rows_seen.add(key)
            if key not in truth.values:
                found.append(f"{key}: a row no submission holds")
                continue
            submitted = truth.values[key]
            for name, question in questions.items():
                if name not in record:
                    if name in submitted:
                        found.append(f"{key} {name}: submitted but not exported")
                    continue
                value = record[name]
                absent = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
                if name not in submitted:
                    if not absent:
                        found.append(f"{key} {name}: exported {value!r}, never submitted")
                    continue
                want = _submitted(question, submitted[name])
                got = "" if absent else _as_text(question, value)
                if got != want:
                    found.append(f"{key} {name}: exported {got!r}, submitted {want!r}")
    missing = [k for k, v in truth.values.items() if k not in rows_seen]
    found += [f"{k}: submitted but not exported" for k in missing]
    return found[:20]


def _store_tables(project: Project) -> Simulated:
    """The project's stored tables, as the writers take them."""
    q = project.questionnaire
    tables: dict[str | None, pd.DataFrame] = {}
    with Store.open(project, read_only=True) as store:
        tables[None] = store.responses(q.id)
        for _, g in q.walk():
            if isinstance(g, Group) and g.is_repeat:
                tables[g.name] = store.responses(q.id, g.name)
    root = tables[None]
    root["_submitted_at"] = pd.Timestamp("2026-01-16 08:30:00")
    return Simulated(q, tables)


Writer = Callable[[Simulated, Path, Questionnaire], Path]


def _central(**options: bool) -> Writer:
    def write(sim: Simulated, folder: Path, q: Questionnaire) -> Path:
        version = xlsform_version(q.version)
        return write_central(sim, folder / "submissions.csv.zip", q.id, version, **options)

    return write


def _kobo(as_csv: bool, **options: Any) -> Writer:
    def write(sim: Simulated, folder: Path, q: Questionnaire) -> Path:
        name = "export.csv" if as_csv else "export.xlsx"
        return write_kobo(sim, folder / name, xlsform_version(q.version), as_csv, **options)

    return write


WRITERS: dict[str, Writer] = {
    "central": _central(),
    "central-bare-split": _central(group_paths=False, split_select_multiples=True),
    "kobo-xlsx": _kobo(False),
    "kobo-xlsx-labels": _kobo(False, lang="es", groups=True),
    "kobo-xlsx-flat": _kobo(False, groups=False),
    "kobo-csv": _kobo(True),
}


@dataclass
class Filled:
    """One form filled by the engine and imported from its submission XML."""

    name: str
    q: Questionnaire
    truth: Truth
    submissions: Path
    project: Project
    results: list[dict[str, Any]]


@pytest.fixture(scope="module", params=FORM_NAMES)
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Filled:
    name: str = request.param
    work = tmp_path_factory.mktemp(f"tablet-{name}")
    q = _questionnaire(name)
    xform, warnings = forms.pyxform_convert(
        export_xlsform(q, work / "form.xlsx"), work / "form.xml"
    )
    assert warnings == ()
    report = run_engine(xform, generate_respondents(q, RESPONDENTS, seed=314), work, chunk=25)
    results = report["results"]
    assert len(results) == RESPONDENTS
    folder = work / "submissions"
    folder.mkdir()
    for result in results:
        (folder / f"{result['id']}.xml").write_text(result["submission"], encoding="utf-8")
    project = _project(name, q, work / "from-xml")
    imported = import_files(project, [folder])
    assert (imported.new, imported.quarantined) == (RESPONDENTS, 0)
    truth = _truth(q, [r["submission"] for r in results])
    return Filled(name, q, truth, folder, project, results)


@pytest.mark.slow
def test_submissions_cover_every_repeat_size_and_group_relevance(filled: Filled) -> None:
    sizes = filled.truth.repeat_sizes
    assert sizes or filled.name == "facility-census", "the inmate forms have repeats"
    for repeat, seen in sizes.items():
        assert {0, 1} <= seen and max(seen) >= 2, f"{repeat}: sizes {sorted(seen)}"
    conditional = [
        g for _, g in filled.q.walk() if isinstance(g, Group) and g.relevant and not g.is_repeat
    ]
    assert conditional
    under: dict[str, set[str]] = {g.name: set() for g in conditional}
    for ancestors, item in filled.q.walk():
        if isinstance(item, Question) and item.type is not QuestionType.NOTE:
            for g in ancestors:
                under.get(g.name, set()).add(item.name)
    for group, names in under.items():
        states = set()
        for result in filled.results:
            relevant = any(
                n["relevant"] for n in result["nodes"] if n["ref"].rsplit("/", 1)[-1] in names
            )
            states.add(relevant)
        assert states == {True, False}, f"group {group} relevant only {states}"


@pytest.mark.slow
def test_tablet_xml_import_keeps_every_value(filled: Filled, tmp_path: Path) -> None:
    out = export_project_data(
        filled.project.root, tmp_path / "data.parquet", "parquet", include_identifying=True
    )
    assert out.rows[0] == RESPONDENTS
    assert _differences(filled.q, filled.truth, tmp_path) == []
    again = import_files(filled.project, [filled.submissions])
    assert (again.new, again.updated, again.unchanged) == (0, 0, RESPONDENTS)


@pytest.mark.slow
@pytest.mark.parametrize("writer", WRITERS)
def test_server_export_import_keeps_every_value(
    filled: Filled, writer: str, tmp_path: Path
) -> None:
    sim = _store_tables(filled.project)
    export = WRITERS[writer](sim, tmp_path / "files", filled.q)
    project = _project(filled.name, filled.q, tmp_path / "project")
    first = import_files(project, [export])
    assert (first.new, first.quarantined) == (RESPONDENTS, 0), first.to_dict()
    out = tmp_path / "out"
    export_project_data(project.root, out / "data.parquet", "parquet", include_identifying=True)
    if writer == "kobo-csv":
        root_only = Truth({k: v for k, v in filled.truth.values.items() if k[0] is None})
        assert _differences(filled.q, root_only, out) == []
    else:
        assert _differences(filled.q, filled.truth, out) == []
    again = import_files(project, [export])
    assert (again.new, again.updated, again.unchanged) == (0, 0, RESPONDENTS)
