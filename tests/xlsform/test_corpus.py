"""import-xlsform on a corpus of forms covering the XLSForm spec, compared field by field.

For every form of :mod:`.corpus`: pyxform converts the original; ``import-xlsform`` writes a
folder that ``validate`` accepts; ``export xlsform`` of it passes pyxform and ODK Validate; and
the re-exported XForm has the same fields, binds (type, relevant, constraint, calculate,
required), labels and choices as the original, after the documented renames, except the
fields the import reported, at their row, as dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from prisonsurvey.adaptation.validate import validate_path
from prisonsurvey.errors import Issue, Severity
from prisonsurvey.questionnaire.expressions import VarInfo
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.xlsform import export_xlsform, import_xlsform
from prisonsurvey.xlsform._logic import variables
from prisonsurvey.xlsform.import_spelling import ENGLISH_LANGUAGE_NAMES
from prisonsurvey.xlsform.read import language_code

from . import forms
from .corpus import CORPUS, CorpusForm
from .xform_compare import signature

# fields the export adds to every form
ADDED = {"start", "end"}
BY_NAME = {f.name: f for f in CORPUS}


@dataclass
class Outcome:
    """One corpus form taken through import, validate, export and pyxform."""

    form: CorpusForm
    issues: list[Issue]
    questionnaire: Questionnaire
    valid: bool
    original: dict[str, Any]
    again: dict[str, Any]
    xform: Path
    warnings: tuple[str, ...]


def _original_variables(q: Questionnaire) -> dict[str, VarInfo]:
    """The questionnaire's variables with choices under the names the original form used."""
    out: dict[str, VarInfo] = {}
    for name, info in variables(q).items():
        cl = info.choices
        if cl is not None and any(c.xlsform_name for c in cl.choices):
            choices = tuple(
                c.model_copy(update={"name": c.xlsform_name or c.name}) for c in cl.choices
            )
            cl = cl.model_copy(update={"choices": choices})
        out[name] = VarInfo(info.type, cl, info.in_repeat)
    return out


def _aliases(q: Questionnaire) -> dict[str, str]:
    return {item.xlsform_name: item.name for _, item in q.walk() if item.xlsform_name}


def _attributes(q: Questionnaire) -> set[str]:
    return {k for cl in q.choice_lists.values() for c in cl.choices for k in c.filters}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    folder = tmp_path_factory.mktemp("corpus")
    out: dict[str, Outcome] = {}
    for form in CORPUS:
        source = form.write(folder)
        original, _ = forms.pyxform_convert(source, folder / f"{form.name}.original.xml")
        result = import_xlsform(source, folder / form.name)
        loaded = validate_path(folder / form.name)
        q = result.questionnaire
        again = export_xlsform(q, folder / f"{form.name}.again.xlsx")
        xform, warnings = forms.pyxform_convert(again, folder / f"{form.name}.again.xml")
        attributes = _attributes(q)
        out[form.name] = Outcome(
            form,
            list(result.issues),
            q,
            loaded.ok,
            signature(
                original.read_text(encoding="utf-8"),
                _original_variables(q),
                _aliases(q),
                attributes,
            ),
            signature(xform.read_text(encoding="utf-8"), variables(q), None, attributes),
            xform,
            warnings,
        )
    return out


def _by_code(texts: dict[str, str] | None) -> dict[str, str]:
    """Texts keyed by language code (``English`` and ``English (en)`` are both ``en``)."""
    out: dict[str, str] = {}
    for lang, text in (texts or {}).items():
        code = language_code(lang) or ENGLISH_LANGUAGE_NAMES.get(lang.lower(), lang)
        out[code] = text
    return out


def _changed(outcome: Outcome) -> set[str]:
    """Fields of the original whose row carries a reported loss (after the renames)."""
    rows = {
        r: str(row[1])
        for r, row in enumerate(outcome.form.survey[1:], start=2)
        if len(row) > 1 and row[1]
    }
    lost = {
        rows[i.location.row]
        for i in outcome.issues
        if i.severity is not Severity.INFO
        and i.location is not None
        and i.location.sheet == "survey"
        and i.location.row in rows
    }
    return {outcome.form.renamed.get(n, n) for n in lost}


def test_the_corpus_covers_the_spec() -> None:
    assert len(CORPUS) >= 20
    assert len(BY_NAME) == len(CORPUS)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_import_writes_a_folder_that_validate_accepts(
    name: str, outcomes: Mapping[str, Outcome]
) -> None:
    assert outcomes[name].valid


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_loss_is_reported_at_its_sheet_row_and_column(
    name: str, outcomes: Mapping[str, Outcome]
) -> None:
    outcome = outcomes[name]
    losses = [i for i in outcome.issues if i.severity is not Severity.INFO]
    assert {i.code for i in losses} == set(outcome.form.lost)
    for issue in losses:
        assert issue.location is not None
        assert issue.location.sheet in ("survey", "choices", "settings")
        assert issue.location.row is not None, str(issue)
        assert issue.location.column, str(issue)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_round_trip_keeps_fields_binds_labels_and_choices(
    name: str, outcomes: Mapping[str, Outcome]
) -> None:
    outcome = outcomes[name]
    a, b = outcome.original, outcome.again
    changed = _changed(outcome)
    assert outcome.warnings == ()
    assert set(b["binds"]) - ADDED <= set(a["binds"])
    assert set(a["binds"]) - set(b["binds"]) <= changed  # dropped, and said so
    same = set(b["binds"]) - changed - ADDED
    for field in sorted(same):
        assert b["binds"][field] == a["binds"][field], field
        for key in a["labels"]:
            if key.split(":")[0] == field:
                assert _by_code(b["labels"].get(key)) == _by_code(a["labels"][key]), key
        if field in a["choices"]:
            assert b["choices"][field] == a["choices"][field], field
            assert b["filters"][field] == a["filters"][field], field


def test_renamed_names_keep_the_original_as_xlsform_name(
    outcomes: Mapping[str, Outcome],
) -> None:
    outcome = outcomes["bad_names"]
    assert _aliases(outcome.questionnaire) == outcome.form.renamed
    truth = outcome.questionnaire.choice_lists["truth"].choices
    assert [(c.code, c.xlsform_name) for c in truth if c.xlsform_name] == [(3, "not sure")]
    renames = [i for i in outcome.issues if i.code == "XLS120"]
    assert {i.location.row for i in renames if i.location} >= {2, 3, 4, 5, 7, 8}


def test_every_re_export_passes_odk_validate(outcomes: Mapping[str, Outcome]) -> None:
    failed = {}
    for name, outcome in outcomes.items():
        proc = forms.odk_validate(outcome.xform)
        if proc.returncode != 0:
            failed[name] = proc.stdout + proc.stderr
    assert failed == {}
