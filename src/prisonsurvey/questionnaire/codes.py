"""The catalogue of questionnaire issue codes (``QNR...``).

Codes are stable: tests and users rely on them, so a code is never reused for another problem.
``QNR0xx`` are found while reading files, ``QNR1xx`` are cross-field rules (see
:mod:`prisonsurvey.questionnaire.lint`). Problems inside an expression found by the expression
language keep that language's own code (``EXP...``).
"""

from __future__ import annotations

from enum import StrEnum


class QnrCode(StrEnum):
    """Every questionnaire issue code with what it means."""

    # Reading the folder and its files.
    NOT_A_FOLDER = "QNR000"
    """The path is missing, not a folder, or has no questionnaire.yaml."""
    YAML_SYNTAX = "QNR001"
    """The file is not valid YAML."""
    TAB = "QNR002"
    """A tab character is used for indentation."""
    DUPLICATE_KEY = "QNR003"
    """A mapping has the same key twice."""
    NOT_UTF8 = "QNR004"
    """The file is not UTF-8 encoded."""
    EMPTY_FILE = "QNR005"
    """The file is empty or holds only comments."""
    MISSING_FILE = "QNR006"
    """A file listed in questionnaire.yaml does not exist or cannot be read."""
    UNKNOWN_FIELD = "QNR007"
    """A key that is not a field of this kind of object (often misspelled)."""
    WRONG_TYPE = "QNR008"
    """A value of the wrong type or not one of the allowed values."""
    MISSING_FIELD = "QNR009"
    """A required field is absent."""
    BAD_STRUCTURE = "QNR010"
    """A file does not have the expected overall shape (e.g. a list where a mapping belongs)."""
    DUPLICATE_LIST = "QNR011"
    """The same choice list is defined in two choice files."""
    UNKNOWN_INSTRUMENT = "QNR012"
    """No shipped instrument (or version) has this name."""

    # Names.
    DUPLICATE_NAME = "QNR101"
    """Two questions or groups share a name."""
    NAME_SYNTAX = "QNR102"
    """A name is not snake_case starting with a letter."""
    NAME_TOO_LONG = "QNR103"
    """A name is longer than 32 characters."""
    RESERVED_NAME = "QNR104"
    """A name is a reserved word of Stata, SPSS, R or XPath."""
    MULTIPLE_NAME_TOO_LONG = "QNR105"
    """A select_multiple name is longer than 28 characters (indicator columns are derived)."""
    INDICATOR_CLASH = "QNR106"
    """A question is named like the indicator column of a select_multiple question."""

    # Choice lists and select questions.
    UNKNOWN_LIST = "QNR111"
    """A question uses a choice list that is not defined."""
    DUPLICATE_CODE = "QNR112"
    """Two choices of a list share a code."""
    DUPLICATE_CHOICE_NAME = "QNR113"
    """Two choices of a list share a name."""
    MISSING_CODE_UNDECLARED = "QNR114"
    """A dont_know / refused / not_applicable code is not one of the list's codes."""
    SELECT_WITHOUT_LIST = "QNR115"
    """A select question has no choice list."""
    LIST_ON_NON_SELECT = "QNR116"
    """A question that is not a select question names a choice list."""
    UNKNOWN_FILTER = "QNR117"
    """A choice_filter uses a name that is not a ``filters`` key of the list's choices."""
    CHOICE_NAME_SYNTAX = "QNR118"
    """A choice name is not usable in expressions (letters, digits, '_', '.' or '-')."""
    EMPTY_LIST = "QNR119"
    """A choice list has no choices."""

    # Languages, texts and identity.
    MISSING_TRANSLATION = "QNR121"
    """A text lacks one of the questionnaire's languages."""
    UNDECLARED_LANGUAGE = "QNR122"
    """A text has a language the questionnaire does not declare (warning)."""
    MISSING_LABEL = "QNR123"
    """A question (other than calculate) or a choice has no label at all."""
    DEFAULT_LANGUAGE = "QNR124"
    """default_language is not one of languages."""
    LANGUAGE_CODE = "QNR125"
    """A language code does not look like an IANA language tag."""
    DUPLICATE_LANGUAGE = "QNR126"
    """A language is listed twice."""
    VERSION = "QNR127"
    """The version is not a semantic version MAJOR.MINOR.PATCH."""
    INSTRUMENT_ID = "QNR128"
    """The instrument id is not lowercase letters, digits, '-' or '_'."""
    EMPTY_TEXT = "QNR129"
    """A text is empty in some language."""

    # Structure and logic.
    CALCULATE_WITHOUT_CALCULATION = "QNR131"
    """A calculate question has no calculation."""
    REPEAT_COUNT_ON_GROUP = "QNR132"
    """repeat_count is set on a group that is not a repeat."""
    EMPTY_GROUP = "QNR133"
    """A group or repeat has no items."""
    FORWARD_REFERENCE = "QNR134"
    """An expression refers to a question asked later (or to the question itself)."""
    CALCULATION_CYCLE = "QNR135"
    """Calculations depend on each other in a circle."""
    REPEAT_REFERENCE = "QNR136"
    """Outside a repeat, an expression uses a question inside it other than via count()/sum()."""
    CHOICE_FILTER_WITHOUT_LIST = "QNR137"
    """A choice_filter is set on a question that is not a select question."""
    UNKNOWN_TEXT_REFERENCE = "QNR138"
    """A text refers with ``${name}`` to a question that does not exist."""
