"""The spellings of XLSForm headers, question types and settings that pyxform accepts.

XLSForms written over the years use older names for the same thing: ``list name`` for
``list_name``, ``caption`` for ``label``, ``select one from yes_no`` for ``select_one yes_no``,
``begin looped group`` for ``begin_repeat``. Importing reads each of them as today's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COLUMN_ALIASES = {
    "caption": "label",
    "list name": "list_name",
    "value": "name",
    "relevance": "relevant",
    "calculate": "calculation",
    "readonly": "read_only",
    "read only": "read_only",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "constraint message": "constraint_message",
    "jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    "required message": "required_message",
    "guidance hint": "guidance_hint",
    "choice filter": "choice_filter",
    "repeat count": "repeat_count",
    "jr:count": "repeat_count",
    "set_form_title": "form_title",
    "set_form_id": "form_id",
    "id_string": "form_id",
}
_SELECT_WORDS = {
    "select_one": "select_one",
    "select one": "select_one",
    "select one from": "select_one",
    "select1": "select_one",
    "add select one prompt using": "select_one",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select all that apply from": "select_multiple",
    "select_all_that_apply": "select_multiple",
    "add select multiple prompt using": "select_multiple",
}
_FILE_SELECTS = (
    "select_one_from_file",
    "select one from file",
    "select_multiple_from_file",
    "select multiple from file",
    "select_one_external",
)
_SELECT_RE = re.compile(
    r"^(?P<command>"
    + "|".join(sorted((re.escape(k) for k in (*_FILE_SELECTS, *_SELECT_WORDS)), key=len)[::-1])
    + r")\s+(?P<list>\S+)(?:\s+(?P<other>or_other|or specify other|or other))?$",
    re.IGNORECASE,
)
_CONTROL_RE = re.compile(
    r"^(?P<edge>begin|end)[\s_]+(?P<kind>group|repeat|looped group|lgroup|loop)"
    r"(?:\s+(?:over\s+)?\S+)?$",
    re.IGNORECASE,
)
ENGLISH_LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "portuguese": "pt",
    "french": "fr",
    "dutch": "nl",
    "haitian creole": "ht",
    "creole": "ht",
    "quechua": "qu",
    "aymara": "ay",
    "guarani": "gn",
    "german": "de",
    "italian": "it",
    "arabic": "ar",
    "swahili": "sw",
}
"""Language names in English, as old XLSForms write them (``label:Spanish``)."""
_TYPE_ALIASES = {
    "int": "integer",
    "string": "text",
    "datetime": "datetime",
    "imei": "deviceid",
}


def canonical_column(column: str) -> str:
    """Return today's name of a column header (without its language part)."""
    text = " ".join(column.split()).lower()
    text = _COLUMN_ALIASES.get(text, text)
    return _COLUMN_ALIASES.get(text.replace(" ", "_"), text.replace(" ", "_"))


@dataclass(frozen=True)
class ParsedType:
    """A survey row's ``type`` cell, read.

    Attributes:
        kind: ``begin_group``, ``end_group``, ``begin_repeat``, ``end_repeat``, ``select_one``,
            ``select_multiple``, ``from_file`` (choices in an external file) or the question
            type as written lowercased (``integer``, ``geopoint``...).
        list_name: The choice list of a select.
        or_other: Whether the select adds an "other" choice and a text to specify it.
    """

    kind: str
    list_name: str | None = None
    or_other: bool = False


def parse_type(cell: str) -> ParsedType:
    """Read a ``type`` cell in any spelling pyxform accepts ('' when blank)."""
    text = " ".join(cell.split())
    control = _CONTROL_RE.match(text)
    if control is not None:
        kind = "group" if control.group("kind").lower() == "group" else "repeat"
        return ParsedType(f"{control.group('edge').lower()}_{kind}")
    select = _SELECT_RE.match(text)
    if select is not None:
        command = select.group("command").lower()
        if command in _FILE_SELECTS:
            return ParsedType("from_file", select.group("list"))
        return ParsedType(
            _SELECT_WORDS[command], select.group("list"), select.group("other") is not None
        )
    word = text.lower().replace(" ", "_")
    return ParsedType(_TYPE_ALIASES.get(word, word))
