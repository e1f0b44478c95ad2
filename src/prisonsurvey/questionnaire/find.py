"""Find a shipped questionnaire folder by instrument name and version.

``find_instrument("regional-inmate")`` returns the folder of the latest version,
``find_instrument("regional-inmate@1.0.0")`` that version, and an existing folder path is
returned as it is. Instruments are looked for, in this order, in:

1. the folders listed in the ``PRISONSURVEY_QUESTIONNAIRES`` environment variable
   (separated like ``PATH``);
2. ``questionnaires/`` inside the installed package (package data);
3. the nearest ``questionnaires/`` folder above the package, which is the repository's own
   folder when the package is installed in editable mode or run from a checkout.

An instrument is ``<root>/<name>/<version>/questionnaire.yaml``. Without ``@version`` the
latest release is taken: the highest semantic version that is not a pre-release (a pre-release
such as ``2.0.0-rc.1`` is taken only when asked for by name or when there is nothing else).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.codes import QnrCode

ENV_VAR = "PRISONSURVEY_QUESTIONNAIRES"
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def questionnaire_roots() -> list[Path]:
    """Return the folders searched for instruments, in search order."""
    roots: list[Path] = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    package = Path(__file__).resolve().parent.parent
    roots.append(package / "questionnaires")
    for parent in package.parents:
        candidate = parent / "questionnaires"
        if candidate.is_dir():
            roots.append(candidate)
            break
    return [r for r in roots if r.is_dir()]


def _version_key(version: str) -> tuple[int, int, int, int, str]:
    match = _VERSION_RE.match(version)
    if match is None:
        return (-1, -1, -1, 0, version)
    major, minor, patch, pre = match.groups()
    return (int(major), int(minor), int(patch), 0 if pre else 1, pre or "")


def instrument_versions(name: str) -> list[Path]:
    """Return every folder holding a version of instrument ``name``, oldest first."""
    found: dict[str, Path] = {}
    for root in questionnaire_roots():
        folder = root / name
        if not folder.is_dir():
            continue
        for child in folder.iterdir():
            if (child / "questionnaire.yaml").is_file():
                found.setdefault(child.name, child)
    return [found[v] for v in sorted(found, key=_version_key)]


def available_instruments() -> list[str]:
    """Return ``name@version`` of every instrument found, sorted."""
    out: set[str] = set()
    for root in questionnaire_roots():
        for folder in root.iterdir():
            if folder.is_dir():
                out.update(f"{folder.name}@{v.name}" for v in instrument_versions(folder.name))
    return sorted(out)


def find_instrument(name_or_path: str | Path) -> Path:
    """Return the questionnaire folder for ``name[@version]`` or an existing folder path.

    Args:
        name_or_path: ``regional-inmate``, ``regional-inmate@1.0.0`` or a folder.

    Returns:
        The folder holding ``questionnaire.yaml``.

    Raises:
        InputError: No such instrument or version (QNR012).
    """
    as_path = Path(name_or_path)
    if as_path.is_dir():
        return as_path
    text = str(name_or_path)
    name, _, version = text.partition("@")
    versions = instrument_versions(name) if name and "/" not in name else []
    if versions and not version:
        releases = [v for v in versions if "-" not in v.name.split("+")[0]]
        return (releases or versions)[-1]
    for folder in versions:
        if folder.name == version:
            return folder
    known = ", ".join(available_instruments()) or "none"
    what = f"version {version} of instrument '{name}'" if versions else f"instrument '{text}'"
    raise InputError(
        Issue(
            QnrCode.UNKNOWN_INSTRUMENT.value,
            f"no {what} and no such folder; available: {known}. Give name@version or the "
            "path of a questionnaire folder",
            Location(text),
        )
    )
