"""Which questionnaire fields hold text written in every language."""

from __future__ import annotations

QUESTION_TEXTS: tuple[str, ...] = (
    "label",
    "hint",
    "guidance_hint",
    "show_card",
    "constraint_message",
    "required_message",
)
"""Translated fields of a question, in the order they are checked."""

TEXT_FIELDS: frozenset[str] = frozenset({*QUESTION_TEXTS, "intro", "title", "description"})
"""Every translated field of a questionnaire, module, group or question."""
