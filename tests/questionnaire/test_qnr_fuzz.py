"""Whatever is done to a valid questionnaire's text, loading reports issues, never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prisonsurvey.errors import Severity
from prisonsurvey.questionnaire.load import load_questionnaire

VALID = Path(__file__).parent / "valid"
FILES = sorted(p.name for p in VALID.glob("*.yaml"))
PIECES = ["x", "1", " ", "\t", ":", "- ", "{", "}", "[", "]", ",", "'", '"', "\n", "#", "&a", "*a"]
PIECES += ["${", "é"]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES))
    text = (VALID / name).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "latin1"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)).encode() + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        elif kind == "replace":
            piece = draw(st.sampled_from(PIECES)).encode()
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            text = text[:at] + b"\xe9" + text[at:]
    return name, text


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations())
def test_mutated_questionnaire_never_crashes(tmp_path: Path, mutation: tuple[str, bytes]) -> None:
    folder = tmp_path / "q"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(VALID, folder)
    name, text = mutation
    (folder / name).write_bytes(text)
    result = load_questionnaire(folder)
    assert result.ok == (result.questionnaire is not None)
    for issue in result.issues:
        assert issue.code.startswith(("QNR", "EXP"))
        assert issue.location.file.startswith(str(folder))
        assert issue.location.line is not None and issue.location.line >= 1
        assert isinstance(issue.location.column, int) and issue.location.column >= 1
    if result.questionnaire is None:
        assert any(i.severity is Severity.ERROR for i in result.issues)
