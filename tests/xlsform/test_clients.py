"""Real clients accept the exported forms: pyxform, ODK Validate (JavaRosa) and ODK Web Forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prisonsurvey.questionnaire.model import Question
from prisonsurvey.xlsform import export_xlsform, xlsform_version
from prisonsurvey.xlsform.export import language_name

from . import forms
from .engine import compare_with_engine, run_engine
from .respondents import generate_respondents

# Respondents per form, and how many share one engine worker (the engine keeps every instance in
# memory until its worker ends: about 25 MB per respondent of the regional instrument). The
# regional instrument costs the engine about half a second of CPU per respondent, so it gets
# fewer respondents to keep the suite's time in bounds.
RESPONDENTS = {"sample": (200, 200), "facility-census": (200, 100), "regional-inmate": (120, 30)}


@pytest.mark.parametrize("name", forms.FORMS)
def test_pyxform_converts_without_warning(name: str, work: Path) -> None:
    path, warnings = forms.xform(name, work)
    assert warnings == ()
    root = ET.parse(path).getroot()
    instance = root.find(".//{http://www.w3.org/2002/xforms}instance/*")
    assert instance is not None
    q = forms.questionnaire(name)
    assert instance.get("id") == q.id
    assert instance.get("version") == xlsform_version(q.version)


@pytest.mark.slow
@pytest.mark.parametrize("name", forms.FORMS)
def test_odk_validate_says_valid(name: str, work: Path) -> None:
    path, _ = forms.xform(name, work)
    proc = forms.odk_validate(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Xform is valid" in proc.stdout + proc.stderr


def test_odk_validate_rejects_a_broken_form(work: Path) -> None:
    path, _ = forms.xform("sample", work)
    broken = work / "broken.xml"
    text = path.read_text(encoding="utf-8")
    broken.write_text(text.replace('constraint=". &gt;= 18', 'constraint=". &gt;= (18', 1))
    proc = forms.odk_validate(broken)
    assert proc.returncode != 0


@pytest.mark.slow
@pytest.mark.parametrize("name", forms.FORMS)
def test_web_forms_engine_fills_and_agrees_with_evaluate(name: str, work: Path) -> None:
    q = forms.questionnaire(name)
    path, _ = forms.xform(name, work)
    n, chunk = RESPONDENTS[name]
    respondents = generate_respondents(q, n, seed=20260115)
    language = "English (en)" if name == "sample" else None
    report = run_engine(path, respondents, work, language=language, chunk=chunk)
    results = report["results"]

    assert report["loadStatus"] == "success"
    assert report["languages"] == [language_name(lang) for lang in q.languages]
    assert len(results) == n
    assert not [r["answerErrors"] for r in results if r["answerErrors"]]
    for result in results:
        submission = ET.fromstring(result["submission"])
        assert submission.get("id") == q.id
        assert submission.get("version") == xlsform_version(q.version)
        assert submission.find("meta/instanceID") is not None
    assert any(r["payloadStatus"] == "ready" for r in results) or name != "sample"

    cmp = compare_with_engine(q, results)
    assert cmp.mismatches == []
    assert cmp.relevant_true and cmp.relevant_false
    assert cmp.constraint_checked and cmp.constraint_false
    if name == "sample":
        # The comparison can fail: a constraint changed on our side only is caught.
        mutated = _with_constraint(q, "age", ". >= 19 and . <= 99")
        assert compare_with_engine(mutated, results).mismatches


def _with_constraint(q, name: str, constraint: str):  # type: ignore[no-untyped-def]
    def swap(items):  # type: ignore[no-untyped-def]
        out = []
        for item in items:
            if isinstance(item, Question) and item.name == name:
                item = item.model_copy(update={"constraint": constraint})
            elif not isinstance(item, Question):
                item = item.model_copy(update={"items": swap(item.items)})
            out.append(item)
        return tuple(out)

    return q.model_copy(update={"modules": swap(q.modules)})


# A throwaway 2048-bit RSA public key (its private half was never kept).
TEST_PUBLIC_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrSwWSYJcqKSHJdjheRGJ6n+im87wB9IwDpmwIGvfAmd"
    "UwUJ4V72BF94Bpvz7HPuUVh4pNwb7H1dQdcVrRSKEBjJm+9fREktbMewglbvfQnlp+WdTQ9KA8JF+Y4tAq9Xt7A2"
    "rtiSPruWIVB6Co2tE/0egoGzDlI/yDIsmirSDL+onJbKoO85zZ6dpV0thYNc4iE7edBXUWODGpyskHcb+COIcipc"
    "XY0UfpO7ChFG2r0kt0ElmB1421tViCINM4GvaJXNngvpIyWp9oGh5lU334CtJAQbpw4r/GGGnhM16zGBPrjLs0R0"
    "jYtRyDrPaGOXNli5Af7d8aTO5shF+mg8vQIDAQAB"
)


def test_encrypted_form_is_valid(tmp_path: Path) -> None:
    path = export_xlsform(
        forms.questionnaire("sample"), tmp_path / "enc.xlsx", public_key=TEST_PUBLIC_KEY
    )
    xml, warnings = forms.pyxform_convert(path, tmp_path / "enc.xml")
    assert warnings == ()
    assert f'base64RsaPublicKey="{TEST_PUBLIC_KEY}"' in xml.read_text(encoding="utf-8")
    assert forms.odk_validate(xml).returncode == 0
