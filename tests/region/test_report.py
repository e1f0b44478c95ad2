"""The regional report: offline HTML read back from headless Chromium's DOM in all four
languages, free text escaped, deterministic files, and the --json records."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.region.estimate import FIELDS
from prisonsurvey.region.run import Region
from prisonsurvey.region.writers import write_report

LANGS = ("es", "en", "pt", "fr")
HEADINGS = {
    "es": "Anexo metodológico",
    "en": "Methodology annex",
    "pt": "Anexo metodológico",
    "fr": "Annexe méthodologique",
}
REGION = {
    "es": "Región (cifra agregada)",
    "en": "Region (pooled figure)",
    "pt": "Região (cifra agregada)",
    "fr": "Région (chiffre agrégé)",
}


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed (apt-get install chromium)")


def _dom(page: Path) -> html.HtmlElement:
    """The DOM Chromium builds from the page, offline (no network at all)."""
    done = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--proxy-server=http://127.0.0.1:9",  # any fetch would fail: the page is offline
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return html.fromstring(done.stdout)


@pytest.fixture(scope="module")
def report(region: Region, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(region, out, LANGS)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_report_renders_offline_in_each_language(region: Region, report: Path, lang: str) -> None:
    page = report / f"index.{lang}.html"
    text = page.read_text("utf-8")
    assert "http://" not in text and "https://" not in text
    dom = _dom(page)
    assert dom.get("lang") == lang
    sections = dom.xpath("//section[@class='indicator']")
    assert [s.get("data-indicator") for s in sections] == list(region.ids)
    first = region.catalogue.get(region.ids[0])
    assert sections[0].xpath("string(h2)") == (first.title.get(lang) or first.title["en"])
    rows = sections[0].xpath(".//svg//g[contains(@class, 'chart-row')]")
    assert [r.get("data-area") for r in rows] == ["AAA", "LUS", "BOR", "CIS", "region", "average"]
    assert REGION[lang] in dom.xpath("string(.//tr[@class='region'])")
    assert dom.xpath("string(//h2[@id='methodology'])") == HEADINGS[lang]
    # the not comparable cell (CIS, no_own_bed) shows no number, in the chart nor the table
    cis = sections[0].xpath(".//tr[@data-area='CIS']")[0]
    assert cis.xpath("string(td[contains(@class,'estimate')])") == ""
    cis_bar = sections[0].xpath(".//g[@data-area='CIS']")[0]
    assert not cis_bar.xpath(".//circle")
    # free text arrives as text, never as markup
    assert not dom.xpath("//script") and not dom.xpath("//section//b")
    assert "<script>alert(1)</script> asked of the last 12 months" in dom.text_content()
    assert "Aland <b>&amp;</b>" in dom.text_content()
    methods = dom.xpath("//table[@class='methodology']/tbody/tr")
    assert len(methods) == 4
    census = dom.xpath("//table[@class='census']/tbody/tr")
    assert [r.get("data-area") for r in census] == ["AAA", "LUS", "BOR", "CIS", "region"]
    occupancy = census[-1].xpath("string(td[@data-indicator='occupancy'])")
    assert float(occupancy.replace(",", "")) > 100


def test_country_profile_page(region: Region, report: Path) -> None:
    dom = _dom(report / "country-BOR.en.html")
    assert dom.xpath("string(//h1)") == "Country profile: Borealia"
    rows = {r.get("data-indicator"): r for r in dom.xpath("//table[@class='profile']/tbody/tr")}
    assert list(rows) == list(region.ids)
    assert rows["in_paid_work"].xpath("string(td[2])") == "not collected"
    assert "m10_programmes" in rows["in_paid_work"].xpath("string(td[6])")
    assert rows["mean_age"].xpath("string(td[2])").replace(".", "").isdigit()


def test_report_files_are_deterministic(region: Region, report: Path, tmp_path: Path) -> None:
    write_report(region, tmp_path, LANGS)
    for name in ("index.pt.html", "country-AAA.fr.html", "regional_report.xlsx", "estimates.csv"):
        assert (tmp_path / name).read_bytes() == (report / name).read_bytes(), name


def test_json_prints_one_record_per_estimate(
    region: Region, programme: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["region", "report", str(programme), "-o", str(tmp_path), "--lang", "en", "--json"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert len(records) == len(region.table) + len(region.census)
    assert all(set(FIELDS) <= set(r) for r in records)
    census = [r for r in records if r["source"] == "census"]
    assert {r["area"] for r in census} == {"AAA", "LUS", "BOR", "CIS", "region"}
    occupancy = next(r for r in census if r["area"] == "region" and r["indicator"] == "occupancy")
    assert occupancy["estimate"] == pytest.approx(
        100 * occupancy["numerator"] / occupancy["denominator"]
    )
    pooled = next(
        r
        for r in records
        if r["area"] == "region"
        and r["indicator"] == "mean_age"
        and r["sex"] is None
        and r["legal_status"] is None
    )
    assert pooled["ci_lower"] < pooled["estimate"] < pooled["ci_upper"]
    assert (tmp_path / "index.en.html").is_file() and not (tmp_path / "index.es.html").exists()
