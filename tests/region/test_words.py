"""The report's own texts: every one in every language, and the pages use them.

Pages are read from what :func:`render_index` and :func:`render_country` return (parsed with
lxml, so these run without a browser); the machine-readable census notes stay English.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from lxml import html

from prisonsurvey.region.html import render_country, render_index
from prisonsurvey.region.model import LANGUAGES
from prisonsurvey.region.run import Region, build_region
from prisonsurvey.region.words import WORDS

LANGS = ("es", "en", "pt", "fr")
# what the census table of the test programme (tests/region/conftest.py) says, by language:
# AAA's census with 4 facilities estimated, LUS's with 1 and no national population, BOR none
NOTES = {
    "es": {
        "AAA": "incluye cifras estimadas de 4 establecimientos",
        "LUS": "incluye cifras estimadas de 1 establecimiento; "
        "sin población nacional en region.yaml",
        "BOR": "sin censo de establecimientos",
        "region": "total de 2 países: AAA, LUS; no incluidos: BOR, CIS; "
        "total de 1 país: AAA; no incluidos: LUS, BOR, CIS",
    },
    "en": {
        "AAA": "includes estimated figures from 4 facilities",
        "LUS": "includes estimated figures from 1 facility; no national population in region.yaml",
        "BOR": "no facility census round",
        "region": "total of 2 countries: AAA, LUS; not included: BOR, CIS; "
        "total of 1 country: AAA; not included: LUS, BOR, CIS",
    },
    "pt": {
        "AAA": "inclui cifras estimadas de 4 estabelecimentos",
        "LUS": "inclui cifras estimadas de 1 estabelecimento; "
        "sem população nacional no region.yaml",
        "BOR": "sem censo de estabelecimentos",
        "region": "total de 2 países: AAA, LUS; não incluídos: BOR, CIS; "
        "total de 1 país: AAA; não incluídos: LUS, BOR, CIS",
    },
    "fr": {
        "AAA": "comprend des chiffres estimés pour 4 établissements",
        "LUS": "comprend des chiffres estimés pour 1 établissement; "
        "pas de population nationale dans region.yaml",
        "BOR": "pas de recensement des établissements",
        "region": "total de 2 pays : AAA, LUS; non inclus : BOR, CIS; "
        "total de 1 pays : AAA; non inclus : LUS, BOR, CIS",
    },
}
LINEARISED = {"es": "linealizada", "en": "linearised", "pt": "linearizada", "fr": "linéarisée"}
REPLICATE = {
    "es": "por réplicas (AAA JKn 6, LUS JKn 6, BOR JKn 6, CIS JKn 6)",
    "en": "replicate (AAA JKn 6, LUS JKn 6, BOR JKn 6, CIS JKn 6)",
    "pt": "por réplicas (AAA JKn 6, LUS JKn 6, BOR JKn 6, CIS JKn 6)",
    "fr": "par répliques (AAA JKn 6, LUS JKn 6, BOR JKn 6, CIS JKn 6)",
}
RELEASE = {
    "es": "paquete de publicación",
    "en": "release package",
    "pt": "pacote de divulgação",
    "fr": "paquet de diffusion",
}
ENGLISH = (
    "total of",
    "not included",
    "no facility census",
    "no national population",
    "includes estimated",
    "replicate (",
    "linearised",
    "release package",
)
"""English of the texts above, found on no page of another language."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_is_in_every_language_with_the_same_fields() -> None:
    assert set(WORDS) == set(LANGUAGES)
    keys = set(WORDS["en"])
    for lang, words in WORDS.items():
        assert set(words) == keys, (lang, keys ^ set(words))
        for key, text in words.items():
            assert text.strip(), (lang, key)
            assert _fields(text) == _fields(WORDS["en"][key]), (lang, key)


def _census_notes(dom: html.HtmlElement) -> dict[str, str]:
    rows = dom.xpath("//table[@class='census']/tbody/tr")
    return {r.get("data-area"): r.xpath("string(td[last()])") for r in rows}


def _annex(dom: html.HtmlElement) -> str:
    return str(dom.xpath("string(//h2[@id='methodology']/following-sibling::p[1])"))


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_speaks_its_language(region: Region, lang: str) -> None:
    page = render_index(region, lang, LANGS)
    dom = html.fromstring(page)
    notes = _census_notes(dom)
    for area, text in NOTES[lang].items():
        assert notes[area] == text, area
    assert _annex(dom).endswith(f"{WORDS[lang]['variance']}: {LINEARISED[lang]}.")
    sources = dom.xpath("//table[@class='methodology']/tbody/tr/td[2]/text()")
    assert sources == [RELEASE[lang]] * 4
    if lang != "en":
        text = dom.text_content()
        assert not [e for e in ENGLISH if e in text]


@pytest.mark.parametrize("lang", LANGS)
def test_country_page_census_notes_in_its_language(region: Region, lang: str) -> None:
    dom = html.fromstring(render_country(region, "LUS", lang, LANGS))
    notes = _census_notes(dom)
    assert notes == {"LUS": NOTES[lang]["LUS"], "region": NOTES[lang]["region"]}


def test_machine_readable_notes_stay_english(region: Region) -> None:
    assert region.census_notes["en"] == tuple(region.census["note"])
    records = [r for r in region.records() if r["source"] == "census"]
    assert {r["note"] for r in records if r["area"] == "BOR"} == {"no facility census round"}


@pytest.fixture(scope="module")
def replicated(programme: Path, tmp_path_factory: pytest.TempPathFactory) -> Region:
    """The test programme with replicate standard errors (JKn made for every round)."""
    root = tmp_path_factory.mktemp("replicated")
    text = (programme / "region.yaml").read_text("utf-8")
    for key in ("source", "adaptation", "census"):
        text = text.replace(f'"{key}": "', f'"{key}": "{programme}/')
    (root / "region.yaml").write_text(text + "variance: replicate\n", "utf-8")
    return build_region(root)


@pytest.mark.parametrize("lang", LANGS)
def test_replicate_variance_named_in_the_page_language(replicated: Region, lang: str) -> None:
    dom = html.fromstring(render_index(replicated, lang, LANGS))
    assert _annex(dom).endswith(f"{WORDS[lang]['variance']}: {REPLICATE[lang]}.")
    if lang != "en":
        assert "replicate (" not in dom.text_content()
    # the workbook and CSV keep one language-neutral label
    assert replicated.variance == REPLICATE["en"]
