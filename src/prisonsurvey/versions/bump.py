"""Refuse a questionnaire version whose number grew less than its changes need."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.errors import Issue, Issues, Location, Severity
from prisonsurvey.questionnaire.load import LoadResult, load_questionnaire
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.versions.changes import VersionDiff
from prisonsurvey.versions.diff import diff_questionnaires
from prisonsurvey.versions.semver import Version

VERSION_BUMP_TOO_SMALL = "VER001"
"""The version number grew less than the changes since the previous version need."""
PREVIOUS_VERSION_INVALID = "VER002"
"""The previous version beside this one does not load, so it cannot be compared."""


def previous_version_folder(folder: Path, version: str) -> Path | None:
    """Return the sibling folder holding the highest version lower than ``version``, if any."""
    try:
        current = Version.parse(version)
    except ValueError:
        return None
    best: tuple[Version, Path] | None = None
    parent = folder.resolve().parent
    for sibling in parent.iterdir():
        if not (sibling / "questionnaire.yaml").is_file() or sibling.resolve() == folder.resolve():
            continue
        try:
            v = Version.parse(sibling.name)
        except ValueError:
            continue
        if (v.major, v.minor, v.patch) < (current.major, current.minor, current.patch) and (
            best is None
            or (v.major, v.minor, v.patch) > (best[0].major, best[0].minor, best[0].patch)
        ):
            best = (v, sibling)
    return best[1] if best else None


def check_version_bump(
    folder: Path, questionnaire: Questionnaire
) -> tuple[Issues, VersionDiff | None]:
    """Diff ``questionnaire`` against the previous version beside it and check the bump.

    Args:
        folder: The questionnaire's folder (``<instrument>/<version>/``).
        questionnaire: The loaded questionnaire of that folder.

    Returns:
        The issues (``VER001`` when the bump is too small) and the diff, or no diff when there
        is no earlier version beside this one.
    """
    issues = Issues()
    previous = previous_version_folder(folder, questionnaire.version)
    if previous is None:
        return issues, None
    result = load_questionnaire(previous)
    where = Location(file=str(folder / "questionnaire.yaml"))
    if result.questionnaire is None:
        issues.add(
            Issue(
                PREVIOUS_VERSION_INVALID,
                f"the previous version {previous.name} does not validate, so this version cannot "
                f"be compared with it; run 'prisonsurvey validate {previous}'",
                where,
                Severity.WARNING,
            )
        )
        return issues, None
    diff = diff_questionnaires(result.questionnaire, questionnaire)
    if not diff.bump_ok:
        counts = diff.counts()
        issues.add(
            Issue(
                VERSION_BUMP_TOO_SMALL,
                f"version {diff.new_version} is a {diff.actual_bump.label} bump from "
                f"{diff.old_version}, but the changes need a {diff.required_bump.label} bump "
                f"({counts['breaking']} breaking, {counts['compatible']} compatible); "
                f"set version to {diff.suggested_version} (see 'prisonsurvey diff {previous} "
                f"{folder}')",
                where,
            )
        )
    return issues, diff


def validate_with_history(path: Path) -> LoadResult:
    """Load a questionnaire folder and also check its version against earlier versions beside it.

    This is what ``prisonsurvey validate`` runs: the loader's issues plus ``VER001`` when the
    version number grew less than the changes since the previous version need.

    Raises:
        InputError: The folder cannot be read at all.
    """
    result = load_questionnaire(path)
    if result.questionnaire is None:
        return result
    issues, _ = check_version_bump(path, result.questionnaire)
    if not issues:
        return result
    out = result.copy()
    out.issues.extend(issues)
    if out.issues.has_errors:
        out = LoadResult(None, out.issues, out.source)
    return out
