"""How each kind of missing value is written in SPSS and Stata files.

Don't know, refused and not applicable keep their questionnaire codes (e.g. 98, 99, 97) in
SPSS, declared user-missing; the kinds that have no code in the questionnaire get reserved codes.
Stata has no user-missing values: every kind becomes an extended missing value.
"""

from __future__ import annotations

from prisonsurvey.questionnaire.model import MissingKind

SPSS_CODES: dict[MissingKind, int] = {
    MissingKind.NOT_ASKED: 999999997,
    MissingKind.SKIPPED: 999999998,
    MissingKind.UNANSWERED: 999999999,
}
"""Reserved SPSS codes of the kinds the questionnaire has no code for (declared user-missing)."""

STATA_LETTERS: dict[MissingKind, str] = {
    MissingKind.SKIPPED: "a",
    MissingKind.DONT_KNOW: "b",
    MissingKind.REFUSED: "c",
    MissingKind.NOT_APPLICABLE: "d",
    MissingKind.UNANSWERED: "e",
    MissingKind.NOT_ASKED: "f",
}
"""Stata extended missing value of each kind: ``.a`` skipped, ``.b`` don't know, and so on."""

KIND_LABELS: dict[MissingKind, str] = {
    MissingKind.SKIPPED: "Skipped (not asked: not relevant)",
    MissingKind.UNANSWERED: "Not answered",
    MissingKind.DONT_KNOW: "Don't know",
    MissingKind.REFUSED: "Refused",
    MissingKind.NOT_APPLICABLE: "Not applicable",
    MissingKind.NOT_ASKED: "Not in this questionnaire version",
}
