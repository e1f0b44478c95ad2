"""The comparability summary of a country adaptation against its regional core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.versions.changes import Change, ChangeKind, Impact, VersionDiff

_IGNORED = {ChangeKind.LANGUAGE_REMOVED, ChangeKind.TITLE_CHANGED}


@dataclass(frozen=True)
class ComparabilitySummary:
    """Which core items an adaptation kept, adapted or did not field.

    Attributes:
        base: The core instrument and version (``regional-inmate 1.0.0``).
        adapted: The adapted instrument and version.
        kept: Core questions fielded unchanged (or with cosmetic changes only).
        adapted_items: Core questions fielded with changes, and what changed.
        not_fielded: Core questions not fielded, with the reason.
        added: National questions and groups added.
        declared: Deliberate breaking changes, with the reason given.
        undeclared_breaking: Breaking changes to core questions that were not declared.
    """

    base: str
    adapted: str
    kept: tuple[str, ...]
    adapted_items: dict[str, tuple[str, ...]]
    not_fielded: dict[str, str]
    added: tuple[str, ...]
    declared: dict[str, str] = field(default_factory=dict)
    undeclared_breaking: tuple[Change, ...] = ()

    @property
    def comparable(self) -> bool:
        """Whether no undeclared change breaks comparability with the core."""
        return not self.undeclared_breaking

    def counts(self) -> dict[str, int]:
        """How many core items were kept, adapted and not fielded, and how many were added."""
        return {
            "kept": len(self.kept),
            "adapted": len(self.adapted_items),
            "not_fielded": len(self.not_fielded),
            "added": len(self.added),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "base": self.base,
            "adapted": self.adapted,
            "counts": self.counts(),
            "comparable": self.comparable,
            "kept": list(self.kept),
            "adapted_items": {k: list(v) for k, v in self.adapted_items.items()},
            "not_fielded": dict(self.not_fielded),
            "added": list(self.added),
            "declared": dict(self.declared),
            "undeclared_breaking": [c.to_dict() for c in self.undeclared_breaking],
        }

    def text(self) -> str:
        """A few readable lines for ``validate``."""
        c = self.counts()
        core_total = c["kept"] + c["adapted"] + c["not_fielded"]
        lines = [
            f"comparability with {self.base}: {c['kept']} of {core_total} core questions kept, "
            f"{c['adapted']} adapted, {c['not_fielded']} not fielded; {c['added']} national "
            "items added",
        ]
        for name, what in self.adapted_items.items():
            note = f" (declared: {self.declared[name]})" if name in self.declared else ""
            lines.append(f"  adapted {name}: {'; '.join(what)}{note}")
        for name, reason in self.not_fielded.items():
            lines.append(f"  not fielded {name}: {reason}")
        return "\n".join(lines)


def summarise(
    core: Questionnaire,
    adapted: Questionnaire,
    diff: VersionDiff,
    not_fielded: dict[str, str],
    declared: dict[str, str],
    derived: dict[str, str] | None = None,
) -> ComparabilitySummary:
    """Classify every core question from the diff of the core against the adaptation.

    Core questions ``derived`` from a national question through a crosswalk are adapted, not
    broken: the comparable variable is still produced, from national codes.
    """
    derived = derived or {}
    # a module not fielded leaves out every question in it, for the module's reason
    in_modules = {
        q.name: not_fielded[group.name]
        for q in core.questions()
        for group in core.ancestors(q.name)
        if group.name in not_fielded and q.name not in not_fielded
    }
    left_out = {**in_modules, **not_fielded}
    changes_by_item: dict[str, list[Change]] = {}
    added: list[str] = []
    undeclared: list[Change] = []
    for change in diff.changes:
        if change.kind in _IGNORED:
            continue
        if change.kind in (ChangeKind.QUESTION_ADDED, ChangeKind.GROUP_ADDED):
            added.append(change.item)
            continue
        if change.kind in (ChangeKind.QUESTION_REMOVED, ChangeKind.GROUP_REMOVED) and (
            change.item in left_out
        ):
            continue
        if change.kind is ChangeKind.GROUP_REMOVED:
            continue
        if change.item in derived:
            continue
        changes_by_item.setdefault(change.item, []).append(change)
        if change.impact is Impact.BREAKING and change.item not in declared:
            undeclared.append(change)
    kept: list[str] = []
    adapted_items: dict[str, tuple[str, ...]] = {}
    core_names = [q.name for q in core.questions() if q.holds_data]
    for name in core_names:
        if name in left_out:
            continue
        real = [c for c in changes_by_item.get(name, []) if c.impact is not Impact.COSMETIC]
        if name in derived:
            adapted_items[name] = (f"coded from the national question '{derived[name]}'",)
        elif real:
            adapted_items[name] = tuple(dict.fromkeys(c.detail for c in real))
        else:
            kept.append(name)
    return ComparabilitySummary(
        base=f"{core.id} {core.version}",
        adapted=f"{adapted.id} {adapted.version}",
        kept=tuple(kept),
        adapted_items=adapted_items,
        not_fielded={k: v for k, v in not_fielded.items()},
        added=tuple(added),
        declared=dict(declared),
        undeclared_breaking=tuple(undeclared),
    )
