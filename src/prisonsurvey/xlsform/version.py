"""The XLSForm ``version`` string derived from a questionnaire's semantic version."""

from __future__ import annotations

import re

from prisonsurvey.errors import UsageError

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_WIDTH = 3


def xlsform_version(semver: str) -> str:
    """Return the XLSForm version for a semantic version ``MAJOR.MINOR.PATCH``.

    Each part is zero-padded to three digits (``1.2.3`` -> ``001002003``), so the strings sort
    the same way lexically, numerically and by semantic version, and every release gives a new,
    larger version as ODK Central requires.

    Raises:
        UsageError: ``semver`` is not ``MAJOR.MINOR.PATCH`` or a part exceeds 999.
    """
    match = _SEMVER.match(semver.strip())
    if match is None:
        raise UsageError(f"version {semver!r} is not MAJOR.MINOR.PATCH")
    parts = [int(p) for p in match.groups()]
    if any(p >= 10**_WIDTH for p in parts):
        raise UsageError(f"version {semver!r}: each part must be at most {10**_WIDTH - 1}")
    return "".join(f"{p:0{_WIDTH}d}" for p in parts)
