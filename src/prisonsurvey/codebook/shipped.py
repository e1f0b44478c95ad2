"""The codebooks of the shipped instruments, kept in the repository's ``codebooks/`` folder.

``python -m prisonsurvey.codebook.shipped [FOLDER]`` (``make codebooks``) writes them; a test
fails when a file there differs from what the instruments give now.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.writers import render_html, render_markdown
from prisonsurvey.questionnaire.find import available_instruments, find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise


def shipped_codebooks() -> dict[str, str]:
    """Every shipped codebook: ``{relative file name: content}``, HTML and Markdown per language."""
    out: dict[str, str] = {}
    for ref in available_instruments():
        q = load_questionnaire_or_raise(find_instrument(ref))
        for lang in q.languages:
            book = build_codebook(q, lang)
            stem = f"{q.id}/{q.version}/{q.id}-{q.version}.{lang}"
            out[f"{stem}.md"] = render_markdown(book)
            out[f"{stem}.html"] = render_html(book)
    return out


def write_shipped_codebooks(folder: Path) -> list[Path]:
    """Write every shipped codebook under ``folder``; return the files written."""
    written: list[Path] = []
    for name, content in sorted(shipped_codebooks().items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - exercised by make codebooks
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("codebooks")
    for written_path in write_shipped_codebooks(target):
        sys.stdout.write(f"{written_path}\n")
