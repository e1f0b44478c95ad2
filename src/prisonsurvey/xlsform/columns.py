"""The survey sheet columns an XLSForm is written with and read from."""

from __future__ import annotations

SURVEY_TEXTS = ("label", "hint", "guidance_hint", "constraint_message", "required_message")
"""Translatable survey columns, each written once per language."""
SURVEY_LOGIC = (
    "required",
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "repeat_count",
    "default",
    "appearance",
    "read_only",
)
"""Untranslated survey columns."""
