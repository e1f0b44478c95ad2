"""Codebooks: content of every format, frequencies with data, DDI schema validity."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.codebook import build_codebook
from prisonsurvey.codebook.ddi import render_ddi
from prisonsurvey.codebook.writers import render_html, render_markdown, write_xlsx
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.responses.missing import missing_kinds

from ._mini import mini, mini_data

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "tests" / "schemas" / "ddi-codebook-2.5" / "codebook.xsd"
NS = {"d": "ddi:codebook:2_5"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@pytest.mark.parametrize("instrument", ["regional-inmate", "facility-census"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_ddi_of_shipped_instruments_validates(
    schema: etree.XMLSchema, instrument: str, lang: str
) -> None:
    q = load_questionnaire_or_raise(REPO / "questionnaires" / instrument / "1.0.0")
    doc = etree.fromstring(render_ddi(build_codebook(q, lang)))
    assert schema.validate(doc), schema.error_log
    names = [v.get("name") for v in doc.iterfind(".//d:dataDscr/d:var", NS)]
    assert names == [x.name for x in q.questions() if x.holds_data]


def test_ddi_with_data_has_frequencies_missing_flags_and_validates(
    schema: etree.XMLSchema,
) -> None:
    data = mini_data()
    weights = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    cb = build_codebook(mini(), "en", data, weights, missing_kinds)
    doc = etree.fromstring(render_ddi(cb))
    assert schema.validate(doc), schema.error_log
    var = doc.find(".//d:var[@name='has_kids']", NS)
    assert var is not None
    cats = {
        c.findtext("d:catValu", namespaces=NS): (
            c.get("missing"),
            [s.text for s in c.findall("d:catStat", NS)],
        )
        for c in var.findall("d:catgry", NS)
    }
    # has_kids: codes 1 (a, e: weights 1 + 5), 2 (b: 2), 98 (c: 3), 99 (d: 4)
    assert cats == {
        "1": (None, ["2", "6"]),
        "2": (None, ["1", "2"]),
        "98": ("Y", ["1", "3"]),
        "99": ("Y", ["1", "4"]),
    }
    assert doc.findtext(".//d:fileDscr//d:caseQnty", namespaces=NS) == "5"
    ident = doc.find(".//d:var[@name='full_name']/d:security", NS)
    assert ident is not None


def test_frequencies_missing_kinds_and_statistics() -> None:
    data = mini_data()
    cb = build_codebook(mini(), "en", data, pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), missing_kinds)
    care = cb.variable("kids_care")
    assert [(c.code, c.n, c.weighted) for c in care.categories] == [
        (1, 1, 1.0),
        (2, 0, 0.0),
        (3, 1, 1.0),
    ]
    # kids_care is relevant only when has_kids = 1 (rows a and e): e is unanswered, others skipped
    assert care.missing == {"skipped": 3, "unanswered": 1}
    assert cb.variable("has_kids").missing == {"dont_know": 1, "refused": 1}
    age = cb.variable("age").stats
    assert age is not None and age.n == 4
    assert age.mean == pytest.approx((30 + 45 + 52 + 19) / 4)
    # weighted mean over the rows with an age: weights 1, 2, 4, 5
    assert age.weighted_mean == pytest.approx((30 * 1 + 45 * 2 + 52 * 4 + 19 * 5) / 12)
    assert cb.variable("kids_care").universe == "has_kids is Yes"
    assert cb.variable("age").constraint == "the answer is 18 or more"
    assert build_codebook(mini(), "es").variable("kids_care").universe == "has_kids es Sí"


def test_html_is_self_contained_escaped_and_searchable() -> None:
    html = render_html(build_codebook(mini(), "en", mini_data(), None, missing_kinds))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;State&lt;/b&gt; &amp; co" in html
    assert 'id="search"' in html and 'href="#m-m1"' in html
    assert "http://" not in html and "https://" not in html
    assert 'id="v-kid_age"' in html


def test_markdown_lists_modules_variables_and_values() -> None:
    md = render_markdown(build_codebook(mini(), "es"))
    assert md.startswith("# Libro de códigos: Mini encuesta\n")
    assert "### `has_kids`" in md
    assert "| 98 | No sabe (dont_know) |" in md
    assert "\\<script\\>" in render_markdown(build_codebook(mini(), "en"))


def test_xlsx_dictionary_is_deterministic_and_complete(tmp_path: Path) -> None:
    cb = build_codebook(mini(), "en")
    a = write_xlsx(cb, tmp_path / "a.xlsx").read_bytes()
    b = write_xlsx(cb, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    wb = load_workbook(io.BytesIO(a))
    names = [r[0] for r in wb["variables"].iter_rows(min_row=2, values_only=True)]
    assert names == [v.name for v in cb.variables]
    values = list(wb["values"].iter_rows(min_row=2, values_only=True))
    assert ("has_kids", "98", "Don't know", "dont_know") in [v[:4] for v in values]


def test_cli_writes_each_format_and_reports_bad_language(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, suffix in (("html", "html"), ("md", "md"), ("xlsx", "xlsx"), ("ddi", "xml")):
        out = tmp_path / f"cb.{suffix}"
        result = runner.invoke(
            app, ["codebook", "facility-census", "-f", fmt, "-o", str(out), "--lang", "pt"]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    bad = runner.invoke(app, ["codebook", "facility-census", "--lang", "de", "-o", "x.html"])
    assert bad.exit_code == 2 and "CBK002" in bad.stderr
