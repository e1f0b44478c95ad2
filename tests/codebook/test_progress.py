"""Long commands report progress to a callback; piped or --json output carries no bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prisonsurvey.codebook.build import build_codebook

from ._mini import mini, mini_data

BAR_MARKS = ("\r", "\x1b[", "━", "%")


def test_codebook_with_data_reports_every_variable() -> None:
    calls: list[tuple[str, int, int]] = []
    book = build_codebook(mini(), data=mini_data(), progress=lambda *a: calls.append(a))
    total = len(book.variables)
    assert calls[-1] == ("frequencies done", total, total)
    assert [c[1] for c in calls] == list(range(total + 1))


@pytest.mark.parametrize("as_json", [False, True])
def test_piped_output_has_no_progress_characters(tmp_path: Path, as_json: bool) -> None:
    data = tmp_path / "typed.parquet"
    mini_data().drop(columns=["interview_time"]).to_parquet(data)
    args = [sys.executable, "-m", "prisonsurvey", "codebook", "facility-census"]
    args += ["--data", str(data), "-o", str(tmp_path / "book.html")]
    done = subprocess.run(
        args + (["--json"] if as_json else []), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "book.html" in done.stdout
    for mark in BAR_MARKS:
        assert mark not in done.stdout and mark not in done.stderr
