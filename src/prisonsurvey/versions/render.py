"""Write a :class:`VersionDiff` as plain text or as a Markdown changelog section."""

from __future__ import annotations

from prisonsurvey.versions.changes import Change, Impact, VersionDiff

_HEADINGS = {
    Impact.BREAKING: "Breaking for comparability",
    Impact.COMPATIBLE: "Compatible",
    Impact.COSMETIC: "Cosmetic",
}


def _line(change: Change) -> str:
    text = f"{change.item}: {change.detail}"
    if change.old is not None or change.new is not None:
        text += f" ({change.old or '(none)'} -> {change.new or '(none)'})"
    return text


def _verdict(diff: VersionDiff) -> str:
    need = diff.required_bump.label
    if diff.bump_ok:
        return f"needs a {need} bump; {diff.old_version} -> {diff.new_version} is enough"
    return (
        f"needs a {need} bump; {diff.old_version} -> {diff.new_version} is too small: "
        f"use {diff.suggested_version} or later"
    )


def _title(diff: VersionDiff) -> str:
    old = diff.old_instrument or diff.instrument
    if old != diff.instrument:
        return f"{old} {diff.old_version} -> {diff.instrument} {diff.new_version}"
    return f"{diff.instrument} {diff.old_version} -> {diff.new_version}"


def diff_text(diff: VersionDiff) -> str:
    """Plain-text listing: a summary line, then the changes grouped by impact."""
    counts = diff.counts()
    lines = [
        _title(diff),
        f"{len(diff.changes)} change(s): {counts['breaking']} breaking, "
        f"{counts['compatible']} compatible, {counts['cosmetic']} cosmetic; {_verdict(diff)}",
    ]
    for impact in Impact:
        changes = diff.by_impact(impact)
        if changes:
            lines.append("")
            lines.append(f"{_HEADINGS[impact]} ({len(changes)}):")
            lines.extend(f"  - {_line(c)}" for c in changes)
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def diff_markdown(diff: VersionDiff) -> str:
    """A changelog section in Markdown (``## instrument version``, one list per impact)."""
    lines = [f"## {diff.instrument} {diff.new_version}", "", f"Changes since {diff.old_version}: "]
    lines[-1] += _verdict(diff) + "."
    for impact in Impact:
        changes = diff.by_impact(impact)
        if changes:
            lines += ["", f"### {_HEADINGS[impact]}", ""]
            lines.extend(
                f"- `{c.item}`: {_md_escape(_line(c)[len(c.item) + 2 :])}" for c in changes
            )
    if not diff.changes:
        lines += ["", "No changes."]
    return "\n".join(lines) + "\n"
