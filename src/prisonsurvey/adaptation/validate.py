"""What ``prisonsurvey validate`` runs: a questionnaire folder or a country adaptation."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.adaptation.load import ADAPTATION_FILE, AdaptedResult, load_adapted
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import ROOT_FILE, LoadResult
from prisonsurvey.versions.bump import validate_with_history


def is_adaptation(path: Path) -> bool:
    """Whether ``path`` is an adaptation file, or a folder holding one and no questionnaire."""
    if path.is_file():
        return path.name != ROOT_FILE and path.suffix in (".yaml", ".yml")
    return (path / ADAPTATION_FILE).is_file() and not (path / ROOT_FILE).is_file()


def validate_path(path: Path) -> LoadResult | AdaptedResult:
    """Validate a questionnaire folder or ``name@version`` (with its history), or an adaptation.

    Raises:
        InputError: A questionnaire folder cannot be read at all.
    """
    path = Path(path)
    if is_adaptation(path):
        return load_adapted(path)
    if not path.exists() and "@" in str(path):
        path = find_instrument(str(path))
    return validate_with_history(path)
