"""The codebooks in codebooks/ are the ones the shipped instruments give now."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.codebook.shipped import shipped_codebooks

FOLDER = Path(__file__).resolve().parents[2] / "codebooks"


def test_shipped_codebooks_are_current() -> None:
    expected = shipped_codebooks()
    present = {
        str(p.relative_to(FOLDER)): p.read_text("utf-8")
        for p in FOLDER.rglob("*")
        if p.is_file() and p.suffix in (".md", ".html")
    }
    assert sorted(present) == sorted(expected), "run 'make codebooks' and commit codebooks/"
    stale = [name for name, content in expected.items() if present[name] != content]
    assert stale == [], f"stale codebooks (run 'make codebooks'): {stale}"
    # every instrument has a codebook in each of its four languages
    langs = {name.rsplit(".", 2)[-2] for name in expected}
    assert langs == {"es", "en", "pt", "fr"}


def test_spanish_codebook_shows_no_english_design_notes() -> None:
    folder = Path(__file__).resolve().parents[2] / "codebooks" / "regional-inmate" / "1.0.0"
    spanish = (folder / "regional-inmate-1.0.0.es.html").read_text("utf-8")
    english = (folder / "regional-inmate-1.0.0.en.html").read_text("utf-8")
    assert "Follows the SPI 2016" in english and "Follows the SPI 2016" not in spanish
