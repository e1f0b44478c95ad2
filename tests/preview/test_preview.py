"""The paper questionnaire: numbering, skips in words, codes, cards, escaping, print layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from prisonsurvey.errors import InputError
from prisonsurvey.preview import render_preview
from prisonsurvey.questionnaire.model import Question, QuestionType
from xlsform import forms
from xlsform.sample import sample_questionnaire


def _doc(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(text.encode("utf-8"))


def _question(doc: lxml_html.HtmlElement, name: str) -> lxml_html.HtmlElement:
    found = doc.xpath(f"//div[@id='q-{name}']")
    assert len(found) == 1, name
    return found[0]


def _text(node: lxml_html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def test_questions_are_numbered_by_module() -> None:
    doc = _doc(render_preview(sample_questionnaire(), "en"))
    numbers = [_text(n) for n in doc.xpath("//div[@class='qnum']")]
    assert numbers[:3] == ["1.1", "1.2", "1.3"]
    assert "2.1" in numbers and "3.1" in numbers
    assert _text(_question(doc, "visits").xpath(".//div[@class='qnum']")[0]) == "3.1"
    # calculations are not printed
    assert not doc.xpath("//div[@id='q-age_group']")


def test_filters_and_skips_are_printed_in_words() -> None:
    doc = _doc(render_preview(sample_questionnaire(), "en"))
    pregnant = _text(_question(doc, "pregnant").xpath(".//p[@class='filter']")[0])
    assert pregnant.startswith("▸ Ask if:")
    assert "1.4" in pregnant and "Female" in pregnant and "less than 50" in pregnant
    # visits = 2 skips 3.2 and 3.3: the answer "No" sends the interviewer on.
    rows = _question(doc, "visits").xpath(".//table[@class='options']//tr")
    go_to = {
        _text(r.xpath("td[@class='code']")[0]): _text(r.xpath("td[@class='goto']")[0]) for r in rows
    }
    assert go_to["1"] == ""
    assert go_to["2"].startswith("→ go to")


def test_skip_to_a_later_question_names_its_number() -> None:
    q = sample_questionnaire()
    m3 = q.modules[2]
    extra = Question(
        name="last_visit",
        type=QuestionType.INTEGER,
        label={"es": "Última visita", "en": "Last visit"},
    )
    q = q.model_copy(
        update={"modules": (*q.modules[:2], m3.model_copy(update={"items": (*m3.items, extra)}))}
    )
    doc = _doc(render_preview(q, "en"))
    rows = _question(doc, "visits").xpath(".//table[@class='options']//tr")
    assert _text(rows[1].xpath("td[@class='goto']")[0]) == "→ go to 3.4"


def test_answer_codes_boxes_and_instructions() -> None:
    doc = _doc(render_preview(sample_questionnaire(), "es"))
    sex = _question(doc, "sex")
    assert [_text(c) for c in sex.xpath(".//td[@class='code']")] == ["1", "2"]
    assert "ENTREVISTADOR: Sexo al nacer" in _text(sex)
    age = _question(doc, "age")
    assert len(age.xpath(".//span[@class='boxes']/span")) == 2  # constraint allows up to 99
    assert doc.xpath("//html/@lang") == ["es"]


def test_self_administered_module_has_hand_over_and_cards() -> None:
    doc = _doc(render_preview(sample_questionnaire(), "en"))
    module = doc.xpath("//section[@id='m-m2_safety']")[0]
    assert "self" in module.get("class")
    handovers = module.xpath("./p[@class='handover']")
    assert len(handovers) == 2
    cards = doc.xpath("//div[@class='card']")
    assert [c.get("id") for c in cards] == ["card-1", "card-2", "card-3"]
    first = _text(cards[0])
    assert "Card A: list of events" in first and "99" in first
    assert "Show card 1" in _text(_question(doc, "harm"))


def test_respondent_and_author_text_is_escaped() -> None:
    q = sample_questionnaire()
    m1 = q.modules[0]
    evil = Question(
        name="evil",
        type=QuestionType.TEXT,
        label={"es": "<script>alert(1)</script>", "en": "<img src=x onerror=alert(1)>"},
    )
    q = q.model_copy(
        update={"modules": (m1.model_copy(update={"items": (*m1.items, evil)}), *q.modules[1:])}
    )
    text = render_preview(q, "en")
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script" not in text


def test_self_contained_and_printable() -> None:
    text = render_preview(sample_questionnaire(), "en")
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", text)
    assert "<link" not in text and "@import" not in text
    assert "@media print" in text and "break-before: page" in text


def test_unknown_language_is_bad_input() -> None:
    with pytest.raises(InputError) as err:
        render_preview(sample_questionnaire(), "de")
    assert err.value.issues.codes() == ["PRV001"]


@pytest.mark.parametrize("name", forms.FORMS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_instrument_renders(name: str, lang: str) -> None:
    q = forms.questionnaire(name)
    doc = _doc(render_preview(q, lang))
    printed = [
        item.name
        for item in q.questions()
        if item.type not in (QuestionType.CALCULATE, QuestionType.NOTE)
    ]
    assert len(doc.xpath("//div[@class='qnum']")) == len(printed)
    assert len(doc.xpath("//section[contains(@class, 'module')]")) == len(q.modules)


def test_national_module_keeps_its_own_series_number() -> None:
    from prisonsurvey.adaptation import load_adapted_or_raise
    from prisonsurvey.preview.layout import module_numbers

    root = Path(__file__).resolve().parents[2]
    q = load_adapted_or_raise(root / "examples" / "country" / "adaptation.yaml")
    numbers = module_numbers(q)
    assert numbers[:6] == ["0", "1", "2", "3", "N1", "4"]
    html = render_preview(q, "es")
    assert "N1.1" in html
