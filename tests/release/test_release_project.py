"""``prisonsurvey release`` end to end on the example project (the demo, at a small size).

One demo project is built for the module; the release command runs on it once through the
command line and once through the library, and everything is checked on those two packages.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from lxml import etree, html
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import QuestionType
from prisonsurvey.release.package import _scales
from prisonsurvey.release.report import render_report
from prisonsurvey.release.run import _design, release_project
from prisonsurvey.responses import Store

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "demo"
    result = RUNNER.invoke(app, ["demo", "--out", str(out), "-n", "150"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def released(demo: Path) -> tuple[dict[str, Any], Path]:
    target = demo / "release-cli"
    result = RUNNER.invoke(
        app, ["release", "--project", str(demo / "project"), "-o", str(target), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), target


def _copy_project(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo's project and analysis folders (the weights are read from there)."""
    for name in ("project", "analysis"):
        shutil.copytree(demo / name, tmp_path / name)
    return tmp_path / "project"


def test_json_is_the_library_return_and_the_package_is_reproducible(
    demo: Path, released: tuple[dict[str, Any], Path]
) -> None:
    printed, cli_out = released
    lib_out = demo / "release-lib"
    returned = release_project(demo / "project", lib_out)
    assert json.loads(json.dumps(returned, default=str)) == printed
    assert json.loads((cli_out / "release.json").read_text("utf-8")) == printed
    files = sorted(p.relative_to(cli_out) for p in cli_out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(lib_out) for p in lib_out.rglob("*") if p.is_file())
    for rel in files:
        if rel.suffix in (".sav", ".dta"):  # their headers carry the time of writing
            read = pyreadstat.read_sav if rel.suffix == ".sav" else pyreadstat.read_dta
            a, _ = read(str(cli_out / rel))
            b, _ = read(str(lib_out / rel))
            pd.testing.assert_frame_equal(a, b)
        else:
            assert (cli_out / rel).read_bytes() == (lib_out / rel).read_bytes(), rel


def test_every_released_record_shares_its_keys_with_k_minus_one_others(
    released: tuple[dict[str, Any], Path],
) -> None:
    figures, out = released
    k, keys = figures["k"], figures["keys"]
    assert k == 3 and {"facility", "age", "sex"} <= set(keys)
    data = pd.read_csv(out / "data" / "arcadia-inmate.csv", low_memory=False)
    assert len(data) == figures["records"] > 0
    values = data[keys].to_numpy(dtype=object)
    missing = data[keys].isna().to_numpy()
    for i in range(len(values)):
        same = ((values == values[i]) | missing | missing[i]).all(axis=1)
        assert int(same.sum()) >= k, data.iloc[i][keys].to_dict()
    before, after = figures["risk_before"], figures["risk_after"]
    assert after["k_anonymity_violations"]["3"] == 0 < before["k_anonymity_violations"]["3"]
    assert after["expected_reidentifications"] < before["expected_reidentifications"]


def test_no_identifying_or_free_text_question_in_any_released_file(
    demo: Path, released: tuple[dict[str, Any], Path]
) -> None:
    figures, out = released
    q = Project.open(demo / "project").questionnaire
    hidden = {x.name for x in q.questions() if x.identifying or x.type is QuestionType.TEXT}
    assert {"roster_line", "offence_text"} <= hidden and not figures["included"]
    assert hidden <= set(figures["left_out"])
    columns: set[str] = set()
    for path in (out / "data").iterdir():
        if path.suffix == ".csv":
            columns |= set(pd.read_csv(path, nrows=0).columns)
        elif path.suffix == ".parquet":
            columns |= set(pq.read_schema(path).names)
        elif path.suffix in (".sav", ".dta"):
            read = pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta
            columns |= set(read(str(path), metadataonly=True)[1].column_names)
    assert columns and not columns & hidden
    ddi = etree.parse(str(out / "ddi.xml"))
    ddi_names = {v.get("name") for v in ddi.iter() if etree.QName(v).localname == "var"}
    assert ddi_names and not ddi_names & hidden
    released_q = json.loads((out / "questionnaire.json").read_text("utf-8"))
    text = json.dumps(released_q) + (out / "codebook.html").read_text("utf-8")
    for name in hidden:
        assert not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text), name


def test_disclosure_report_renders_offline(released: tuple[dict[str, Any], Path]) -> None:
    figures, out = released
    page = html.fromstring((out / "disclosure.html").read_bytes())
    for element in page.iter():
        for attr in ("src", "href", "data", "action"):
            assert not element.get(attr), (element.tag, attr)
    assert not page.xpath("//script | //link | //iframe | //img | //object")
    for style in page.xpath("//style/text()"):
        assert "url(" not in style and "@import" not in style
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings == [
        "Risk before and after",
        "l-diversity of the sensitive variables",
        "Steps",
        "Utility: core indicators",
    ]
    tables = page.xpath("//table")
    assert len(tables[1].xpath(".//tr")) == 1 + len(figures["l_diversity"])
    assert len(tables[3].xpath(".//tr")) == 1 + len(figures["utility"])


def test_sensitive_questions_get_their_l_diversity(
    demo: Path, released: tuple[dict[str, Any], Path]
) -> None:
    figures, _ = released
    q = Project.open(demo / "project").questionnaire
    declared = {x.name for x in q.questions() if x.sensitive and q.repeat_of(x.name) is None} - set(
        figures["keys"]
    )
    assert set(figures["sensitive"]) == declared and "agg_beaten" in declared
    for name in figures["sensitive"]:
        before, after = (
            figures["l_diversity"][name]["before"],
            figures["l_diversity"][name]["after"],
        )
        assert before["records"] == after["records"]
        assert before["min_distinct"] >= 1 and after["records_below_2"] <= after["records"]


def test_utility_table_and_information_loss(released: tuple[dict[str, Any], Path]) -> None:
    figures, _ = released
    rows = figures["utility"]
    assert rows and {r["indicator"] for r in rows} >= {"no_own_bed"}
    with_ci = 0
    for row in rows:
        for side in ("original", "released"):
            est, low, high = (row[f"{side}_{c}"] for c in ("estimate", "ci_lower", "ci_upper"))
            if None not in (est, low, high):
                assert low <= est <= high, row
                with_ci += 1
    assert with_ci > len(rows)  # most indicators on both sides
    # an indicator reading no key variable is not changed by the protection
    bed = next(r for r in rows if r["indicator"] == "no_own_bed")
    assert bed["released_estimate"] == bed["original_estimate"]
    suppressed = sum(figures["suppressed"].values())
    assert suppressed == sum(
        s["changed"] for s in figures["steps"] if s["method"] == "local suppression"
    )
    assert suppressed > 0 and 0 < figures["records_changed"] <= figures["records"]
    assert figures["design"]["replicates"]["mse"] is False  # not asked for in survey.yaml


def test_mse_is_read_from_the_design(demo: Path, tmp_path: Path) -> None:
    project_dir = _copy_project(demo, tmp_path)
    survey = project_dir / "survey.yaml"
    survey.write_text(
        survey.read_text("utf-8").replace(
            "    reptype: jkn\n", "    reptype: jkn\n    mse: true\n"
        ),
        "utf-8",
    )
    project = Project.open(project_dir)
    with Store.open(project, read_only=True) as store:
        root = store.responses(project.questionnaire.id)
    joined, design = _design(project, root)
    assert design is not None and design["replicates"]["mse"] is True
    assert _scales(project, joined, design)["mse"] is True


def test_bad_release_section_is_a_located_error(demo: Path, tmp_path: Path) -> None:
    project_dir = _copy_project(demo, tmp_path)
    survey = project_dir / "survey.yaml"
    lines = survey.read_text("utf-8").splitlines()
    survey.write_text("\n".join([*lines, "release:", "  k: zero", ""]), "utf-8")
    result = RUNNER.invoke(
        app, ["release", "--project", str(project_dir), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert f"survey.yaml:{len(lines) + 2}:3: PRJ004" in result.stderr
    assert "release.k" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    as_json = RUNNER.invoke(
        app, ["release", "--project", str(project_dir), "-o", str(tmp_path / "o"), "--json"]
    )
    assert as_json.exit_code == 2 and "PRJ004" in as_json.stdout
    missing = RUNNER.invoke(app, ["release", "--project", str(tmp_path / "none"), "-o", "x"])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_report_escapes_every_text(released: tuple[dict[str, Any], Path]) -> None:
    figures = json.loads(json.dumps(released[0]))
    hostile = '<script>alert("x")</script>'
    figures["survey"]["title"] = hostile
    figures["steps"].append({"method": "noise", "variable": hostile, "detail": hostile})
    figures["utility"][0]["indicator"] = hostile
    figures["l_diversity"] = {hostile: figures["l_diversity"][figures["sensitive"][0]]}
    page = render_report(figures)
    assert "<script>" not in page and page.count("&lt;script&gt;") == 5
