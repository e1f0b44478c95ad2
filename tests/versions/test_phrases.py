"""Every change the diff finds can be said in each language of the regional report."""

from __future__ import annotations

import copy
import string

import pytest

from prisonsurvey.versions import ChangeKind, diff_questionnaires
from prisonsurvey.versions.changes import Change, Impact
from prisonsurvey.versions.phrases import PHRASES, Phrase

from .conftest import base_dict, build
from .test_diff import CASES, Mutation

LANGS = ("es", "pt", "fr")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("lang", LANGS)
def test_every_phrase_is_in_every_language_with_the_same_fields(lang: str) -> None:
    assert set(PHRASES[lang]) == set(PHRASES["en"])
    for key, english in PHRASES["en"].items():
        assert _fields(PHRASES[lang][key]) == _fields(english), key
        assert PHRASES[lang][key] != english, key


@pytest.mark.parametrize(("mutate", "kind"), [c[1:3] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_is_said_in_english_as_its_detail_and_in_the_other_languages(
    mutate: Mutation, kind: ChangeKind
) -> None:
    old = base_dict()
    new = copy.deepcopy(old)
    mutate(new)
    changes = diff_questionnaires(build(old), build(new)).changes
    assert changes
    for change in changes:
        assert change.phrase is not None
        assert change.said() == change.said("en") == change.detail
        said = {change.said(lang) for lang in LANGS}
        assert change.detail not in said
        assert len(said) == len(LANGS)


def test_a_phrase_quotes_its_values_as_written_in_every_language() -> None:
    phrase = Phrase.of("choice_remeant", code=3, new="<b>otro</b>", old="nunca")
    assert phrase.text("en") == "code 3 now means '<b>otro</b>' instead of 'nunca'"
    assert phrase.text("es") == "el código 3 significa ahora '<b>otro</b>' en lugar de 'nunca'"
    assert "'<b>otro</b>'" in phrase.text("pt")
    assert "'nunca'" in phrase.text("fr")
    # a language without templates says it in English
    assert phrase.text("de") == phrase.text("en")


def test_a_change_without_a_phrase_says_its_detail() -> None:
    bare = Change(ChangeKind.TITLE_CHANGED, Impact.COSMETIC, "x", "as written")
    assert bare.said("fr") == "as written"
