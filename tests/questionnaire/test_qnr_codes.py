"""The issue-code catalogue: codes are unique and every one is documented."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.questionnaire.codes import QnrCode

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"


def test_codes_are_unique() -> None:
    values = [c.value for c in QnrCode]
    assert len(values) == len(set(values))


def test_every_code_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert [c.value for c in QnrCode if f"| {c.value} |" not in doc] == []
