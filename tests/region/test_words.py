"""The report's own texts: every one in every language, and the pages use them.

Pages are read from what :func:`render_index` and :func:`render_country` return (parsed with
lxml, so these run without a browser); the machine-readable census notes stay English.
"""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import pytest
from lxml import html

from prisonsurvey.region.comparability import Cell, Reason
from prisonsurvey.region.html import render_country, render_index
from prisonsurvey.region.model import LANGUAGES, Comparability
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


# the comparability reasons of the test programme, found from its rounds' adaptations, by language
REASONS = {
    "es": {
        "LUS": "'sleep_place' adaptada: etiqueta modificada en 'pt'",
        "BOR": "'work_now' no se aplicó (módulo m10_programmes): the prison service runs its own "
        "register of education and work",
        "CIS": "(cambio no declarado)",
        "universe": "'health_care_needed' con otro universo: cambió el universo (condición de "
        "aplicación)",
    },
    "en": {
        "LUS": "'sleep_place' adapted: label changed in 'pt'",
        "BOR": "'work_now' not fielded (module m10_programmes): the prison service runs its own "
        "register of education and work",
        "CIS": "(not declared)",
        "universe": "'health_care_needed' different universe: universe (relevance) changed",
    },
    "pt": {
        "LUS": "'sleep_place' adaptada: rótulo alterado em 'pt'",
        "BOR": "'work_now' não aplicada (módulo m10_programmes): the prison service runs its own "
        "register of education and work",
        "CIS": "(mudança não declarada)",
        "universe": "'health_care_needed' com outro universo: o universo (condição de "
        "aplicação) mudou",
    },
    "fr": {
        "LUS": "'sleep_place' adaptée : libellé modifié en 'pt'",
        "BOR": "'work_now' non posée (module m10_programmes) : the prison service runs its own "
        "register of education and work",
        "CIS": "(changement non déclaré)",
        "universe": "'health_care_needed' avec un autre univers : l'univers (condition de "
        "pertinence) a changé",
    },
}
REASON_ENGLISH = (
    "adapted:",
    "not fielded",
    "(not declared)",
    "(declared:",
    "different universe",
    "recoded:",
    "through a crosswalk",
    "is not in the questionnaire fielded",
    "changed in '",
    "universe (relevance)",
)
"""English of the generated reasons, found on no page of another language."""
JUDGED = "<script>alert(1)</script> asked of the last 12 months"


def _notes(dom: html.HtmlElement) -> str:
    return "\n".join(str(li.text_content()) for li in dom.xpath("//ul[@class='notes']/li"))


def _foreign(text: str) -> list[str]:
    return [e for e in REASON_ENGLISH if e in text]


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_gives_the_reasons_in_its_language(region: Region, lang: str) -> None:
    notes = _notes(html.fromstring(render_index(region, lang, LANGS)))
    for text in REASONS[lang].values():
        assert text in notes, text
    # a reason the analyst wrote in region.yaml stays as written
    assert JUDGED in notes
    if lang != "en":
        assert not _foreign(notes)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", ["LUS", "BOR", "CIS"])
def test_country_page_gives_the_reasons_in_its_language(
    region: Region, code: str, lang: str
) -> None:
    dom = html.fromstring(render_country(region, code, lang, LANGS))
    said = "\n".join(str(td.text_content()) for td in dom.xpath("//td[starts-with(@class,'cls-')]"))
    assert REASONS[lang][code] in said
    if lang != "en":
        assert not _foreign(said)


# one cell of every kind of generated reason, with the fields a round would give it
EVERY_KIND = (
    Reason.of("reason_not_fielded", name="q1", why="why"),
    Reason.of("reason_not_fielded_module", name="q2", module="m1", why="why"),
    Reason.of("reason_not_in_questionnaire", name="q3", questionnaire="x-inmate"),
    Reason.of("reason_recoded", name="q4", national="q4_national"),
    Reason.of("reason_broken", name="q5", detail="d"),
    Reason.of("reason_broken_declared", name="q6", detail="d", declared="said"),
    Reason.of("reason_universe", name="q7", detail="d", declared="said"),
    Reason.of("reason_adapted", name="q8", detail="d"),
    Reason.of("reason_adapted_declared", name="q9", detail="d", declared="said"),
)
EVERY_TEXT = {
    "es": (
        "'q1' no se aplicó: why",
        "'q2' no se aplicó (módulo m1): why",
        "'q3' no figura en el cuestionario aplicado (x-inmate)",
        "'q4' recodificada a partir de la pregunta nacional 'q4_national' mediante una tabla "
        "de correspondencias",
        "'q5': d (cambio no declarado)",
        "'q6': d (cambio declarado: said)",
        "'q7' con otro universo: d (cambio declarado: said)",
        "'q8' adaptada: d",
        "'q9' adaptada: d (cambio declarado: said)",
    ),
    "en": (
        "'q1' not fielded: why",
        "'q2' not fielded (module m1): why",
        "'q3' is not in the questionnaire fielded (x-inmate)",
        "'q4' recoded: coded from the national question 'q4_national' through a crosswalk",
        "'q5': d (not declared)",
        "'q6': d (declared: said)",
        "'q7' different universe: d (declared: said)",
        "'q8' adapted: d",
        "'q9' adapted: d (declared: said)",
    ),
    "pt": (
        "'q1' não aplicada: why",
        "'q2' não aplicada (módulo m1): why",
        "'q3' não consta do questionário aplicado (x-inmate)",
        "'q4' recodificada a partir da pergunta nacional 'q4_national' por meio de uma tabela "
        "de correspondência",
        "'q5': d (mudança não declarada)",
        "'q6': d (mudança declarada: said)",
        "'q7' com outro universo: d (mudança declarada: said)",
        "'q8' adaptada: d",
        "'q9' adaptada: d (mudança declarada: said)",
    ),
    "fr": (
        "'q1' non posée : why",
        "'q2' non posée (module m1) : why",
        "'q3' ne figure pas dans le questionnaire utilisé (x-inmate)",
        "'q4' recodée à partir de la question nationale 'q4_national' au moyen d'une table "
        "de correspondance",
        "'q5' : d (changement non déclaré)",
        "'q6' : d (changement déclaré : said)",
        "'q7' avec un autre univers : d (changement déclaré : said)",
        "'q8' adaptée : d",
        "'q9' adaptée : d (changement déclaré : said)",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_of_reason_on_the_pages_of_each_language(region: Region, lang: str) -> None:
    cell = Cell(Comparability.NOT_COMPARABLE, EVERY_KIND)
    cells = {**region.cells, ("LUS", "no_own_bed"): cell}
    every = dataclasses.replace(region, cells=cells)
    expected = "; ".join(EVERY_TEXT[lang])
    assert expected in _notes(html.fromstring(render_index(every, lang, LANGS)))
    dom = html.fromstring(render_country(every, "LUS", lang, LANGS))
    row = dom.xpath("string(//tr[@data-indicator='no_own_bed']/td[last()])")
    assert row.endswith(expected)
    if lang != "en":
        assert not _foreign(row)
    # the machine-readable reasons are the English ones
    assert cell.reasons == EVERY_TEXT["en"]
