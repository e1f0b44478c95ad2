"""Changes between two questionnaires and how they affect comparability."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from prisonsurvey.versions.phrases import Phrase
from prisonsurvey.versions.semver import Bump, bump_between, next_version


class Impact(StrEnum):
    """What a change does to the comparability of data between the two versions."""

    BREAKING = "breaking"
    """Numbers from the two versions no longer compare (needs a major bump)."""
    COMPATIBLE = "compatible"
    """Data still compare, possibly through declared lineage (needs a minor bump)."""
    COSMETIC = "cosmetic"
    """Nothing a respondent's answer depends on changed (needs a patch bump)."""

    @property
    def bump(self) -> Bump:
        """The version bump this impact needs."""
        return {
            Impact.BREAKING: Bump.MAJOR,
            Impact.COMPATIBLE: Bump.MINOR,
            Impact.COSMETIC: Bump.PATCH,
        }[self]


class ChangeKind(StrEnum):
    """Every kind of change the diff reports."""

    QUESTION_ADDED = "question_added"
    QUESTION_REMOVED = "question_removed"
    QUESTION_RENAMED = "question_renamed"
    QUESTION_REPLACED = "question_replaced"
    QUESTION_MOVED = "question_moved"
    TYPE_CHANGED = "type_changed"
    CHOICE_ADDED = "choice_added"
    CHOICE_REMOVED = "choice_removed"
    CHOICE_RECODED = "choice_recoded"
    CHOICE_REMEANT = "choice_remeant"
    CHOICE_RELABELLED = "choice_relabelled"
    MISSING_CODES_CHANGED = "missing_codes_changed"
    WORDING_CHANGED = "wording_changed"
    HELP_TEXT_CHANGED = "help_text_changed"
    UNIVERSE_CHANGED = "universe_changed"
    CONSTRAINT_CHANGED = "constraint_changed"
    REQUIRED_CHANGED = "required_changed"
    CALCULATION_CHANGED = "calculation_changed"
    FLAG_CHANGED = "flag_changed"
    GROUP_ADDED = "group_added"
    GROUP_REMOVED = "group_removed"
    GROUP_RENAMED = "group_renamed"
    GROUP_UNIVERSE_CHANGED = "group_universe_changed"
    REPEAT_CHANGED = "repeat_changed"
    LANGUAGE_ADDED = "language_added"
    LANGUAGE_REMOVED = "language_removed"
    TITLE_CHANGED = "title_changed"


@dataclass(frozen=True)
class Change:
    """One change between two questionnaires.

    Attributes:
        kind: What changed.
        impact: Breaking, compatible or cosmetic.
        item: Name of the question or group in the new version (the old name when removed).
        detail: Plain-English description, with old and new values.
        language: The language of a wording change, if any.
        old: Old value, when it is a short text.
        new: New value, when it is a short text.
        phrase: ``detail`` as a template that can be said in other languages.
    """

    kind: ChangeKind
    impact: Impact
    item: str
    detail: str
    language: str | None = None
    old: str | None = None
    new: str | None = None
    phrase: Phrase | None = field(default=None, compare=False)

    def said(self, lang: str = "en") -> str:
        """``detail`` in ``lang`` (as written when the change has no phrase)."""
        return self.phrase.text(lang) if self.phrase is not None else self.detail

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "kind": self.kind.value,
            "impact": self.impact.value,
            "item": self.item,
            "detail": self.detail,
            "language": self.language,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class VersionDiff:
    """Every change between an old and a new questionnaire.

    Attributes:
        instrument: Id of the new questionnaire.
        old_version: Version of the old questionnaire.
        new_version: Version of the new questionnaire.
        changes: The changes in document order of the new questionnaire, removals last.
        old_instrument: Id of the old questionnaire (differs for a country adaptation).
    """

    instrument: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...] = field(default_factory=tuple)
    old_instrument: str = ""

    @property
    def required_bump(self) -> Bump:
        """The smallest version bump the changes need."""
        return max((c.impact.bump for c in self.changes), default=Bump.NONE)

    @property
    def actual_bump(self) -> Bump:
        """The bump from the old to the new version number."""
        return bump_between(self.old_version, self.new_version)

    @property
    def bump_ok(self) -> bool:
        """Whether the new version number grew at least as much as the changes need."""
        return self.actual_bump >= self.required_bump

    @property
    def suggested_version(self) -> str:
        """The smallest version number the changes allow after the old version."""
        return next_version(self.old_version, self.required_bump)

    def by_impact(self, impact: Impact) -> list[Change]:
        """The changes with the given impact."""
        return [c for c in self.changes if c.impact is impact]

    def counts(self) -> dict[str, int]:
        """Number of changes per impact."""
        return {i.value: len(self.by_impact(i)) for i in Impact}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (what ``diff --format json`` prints)."""
        return {
            "instrument": self.instrument,
            "old_instrument": self.old_instrument or self.instrument,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": self.required_bump.label,
            "actual_bump": self.actual_bump.label,
            "bump_ok": self.bump_ok,
            "suggested_version": self.suggested_version,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }
