"""What an import did: the counts ``import`` prints and writes to the import log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prisonsurvey.errors import Issue

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)`` called while importing (the CLI draws a bar)."""


@dataclass
class ImportResult:
    """What an import did (counts are submissions, i.e. root rows).

    Attributes:
        import_id: Number of this import in the log (0 when nothing was committed).
        read: Root rows read from the files.
        new: Submissions never seen before.
        updated: Submissions whose current version changed (edits, review state).
        unchanged: Submissions already stored with the same content (or an older version).
        quarantined: Submissions held back because a value could not be typed.
        quarantine_rows: Problems recorded (one per value).
        notes: Non-fatal remarks (BOM removed...).
    """

    import_id: int = 0
    files: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    quarantine_rows: int = 0
    notes: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts (what ``import --json`` prints)."""
        return {
            "import_id": self.import_id,
            "files": self.files,
            "formats": self.formats,
            "read": self.read,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "quarantine_rows": self.quarantine_rows,
            "notes": [n.to_dict() for n in self.notes],
        }
