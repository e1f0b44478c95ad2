"""Semantic versions: parsing and the kind of bump between two versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


class Bump(IntEnum):
    """How much a version number must grow, ordered from none to major."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        """Lower-case name (``none``, ``patch``, ``minor``, ``major``)."""
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Version:
    """A parsed ``MAJOR.MINOR.PATCH`` version (pre-release tags are kept but not ordered)."""

    major: int
    minor: int
    patch: int
    pre: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``text``.

        Raises:
            ValueError: ``text`` is not a semantic version.
        """
        match = _SEMVER.match(text.strip())
        if match is None:
            raise ValueError(f"'{text}' is not a semantic version MAJOR.MINOR.PATCH")
        major, minor, patch, pre = match.groups()
        return cls(int(major), int(minor), int(patch), pre or "")

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + (f"-{self.pre}" if self.pre else "")


def bump_between(old: str, new: str) -> Bump:
    """Return the bump from ``old`` to ``new`` (``NONE`` if ``new`` is not higher).

    Raises:
        ValueError: Either string is not a semantic version.
    """
    a, b = Version.parse(old), Version.parse(new)
    if b.major > a.major:
        return Bump.MAJOR
    if b.major == a.major and b.minor > a.minor:
        return Bump.MINOR
    if b.major == a.major and b.minor == a.minor and b.patch > a.patch:
        return Bump.PATCH
    return Bump.NONE


def next_version(old: str, bump: Bump) -> str:
    """Return the smallest version after ``old`` with the given bump."""
    v = Version.parse(old)
    if bump is Bump.MAJOR:
        return f"{v.major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{v.major}.{v.minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{v.major}.{v.minor}.{v.patch + 1}"
    return str(v)
