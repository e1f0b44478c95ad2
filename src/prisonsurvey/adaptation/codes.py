"""Issue codes of country adaptations (``ADP``). Codes are stable and never reused."""

from enum import StrEnum


class AdpCode(StrEnum):
    """Every adaptation issue code."""

    BAD_STRUCTURE = "ADP001"
    """adaptation.yaml or one of its entries does not have the expected shape."""
    UNKNOWN_FIELD = "ADP002"
    """A key adaptation.yaml does not have."""
    MISSING_FIELD = "ADP003"
    """A required key (base, id, version, languages) is absent."""
    UNKNOWN_CORE_ITEM = "ADP004"
    """A core question, group or list named by the adaptation does not exist."""
    NOT_FIELDED_REFERENCED = "ADP005"
    """A core question marked not fielded is still used by a question that is fielded."""
    BAD_FRAME = "ADP006"
    """A CSV frame for a replaced list cannot be read or lacks a column."""
    UNDECLARED_BREAK = "ADP007"
    """A change to a core question breaks comparability and is not declared."""
    MISSING_TRANSLATION = "ADP008"
    """An added language lacks the text of a core item."""
    BAD_OVERRIDE = "ADP009"
    """An override names a field that cannot be overridden."""
