"""Compare two questionnaire folders or shipped instruments (what ``prisonsurvey diff`` runs)."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.versions.changes import VersionDiff
from prisonsurvey.versions.diff import diff_questionnaires


def compare(old: str | Path, new: str | Path) -> VersionDiff:
    """Load two questionnaires (folders or ``name@version``) and diff them.

    Raises:
        InputError: Either questionnaire cannot be found or does not validate.
    """
    old_q = load_questionnaire_or_raise(find_instrument(old))
    new_q = load_questionnaire_or_raise(find_instrument(new))
    return diff_questionnaires(old_q, new_q)
