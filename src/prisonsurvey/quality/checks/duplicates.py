"""Duplicates: same submission or person twice, copied answers, one device twice at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.quality.checks._rows import root_rows
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import as_text, empty_findings
from prisonsurvey.quality.gather import append, gather, gathered
from prisonsurvey.quality.registry import check


def _answers(ctx: CheckContext) -> tuple[list[str], list[str]]:
    """Every answer of the root table, and those other than who, where and when."""
    cols = ctx.config.columns
    who = {*cols.person, cols.facility, cols.interviewer, cols.device, cols.start, cols.end}
    everything = [q.name for q in ctx.present(None)]
    return everything, [q for q in everything if q not in who]


def _finish_digests(
    parts: list[dict[str, np.ndarray | None]] | None,
) -> dict[str, pd.Series | None]:
    out: dict[str, pd.Series | None] = {"everything": None, "answers": None}
    for name in out:
        pieces = [p[name] for p in parts or ()]
        if pieces and all(p is not None for p in pieces):
            out[name] = pd.Series(np.concatenate([p for p in pieces if p is not None]))
    return out


@gather("digests", root_only=True, add=append, finish=_finish_digests)
def _digests(ctx: CheckContext, table: str | None) -> dict[str, np.ndarray | None]:
    """A hash of each submission's answers: all of them, and all but who, where and when."""
    root = ctx.tables[table]
    out: dict[str, np.ndarray | None] = {}
    for name, columns in zip(("everything", "answers"), _answers(ctx), strict=True):
        hashed = pd.util.hash_pandas_object(root[columns], index=False) if columns else None
        out[name] = None if hashed is None else hashed.to_numpy()
    return out


def _first_key_of_group(keys: np.ndarray, groups: pd.Series) -> np.ndarray:
    """For each row, the key of the first row of its group (the one it duplicates)."""
    first = pd.Series(keys).groupby(groups.to_numpy()).transform("first")
    return first.to_numpy(dtype=object)


@check(
    "duplicate_submission",
    family="duplicates",
    severity="error",
    title="Same submission twice (same key, or the same answers under another key)",
    scope="totals",
    needs=("digests",),
)
def duplicate_submission(ctx: CheckContext) -> pd.DataFrame:
    """Rows sharing a key, and rows whose every answer equals another submission's."""
    root = ctx.root
    if root.empty:
        return empty_findings()
    keys = ctx.keys(None)
    parts = []
    same_key = pd.Series(keys).duplicated(keep=False).to_numpy()
    parts.append(root_rows(ctx, same_key, "", keys[same_key], "key appears more than once"))
    digest = gathered(ctx, _digests)["everything"]
    if digest is not None:
        copies = digest.duplicated(keep=False).to_numpy() & ~same_key
        if copies.any():
            first = _first_key_of_group(keys, digest)
            mask = copies & (first != keys)
            message = np.char.add("every answer equals submission ", first[mask].astype(str))
            parts.append(root_rows(ctx, mask, "", first[mask], message.astype(object)))
    return pd.concat(parts, ignore_index=True)


@check(
    "duplicate_person",
    family="duplicates",
    severity="error",
    title="Same person interviewed twice",
    scope="totals",
)
def duplicate_person(ctx: CheckContext) -> pd.DataFrame:
    """Submissions with the same person identifiers (facility and roster line) as another."""
    cols = list(ctx.config.columns.person)
    root = ctx.root
    if root.empty or not cols or any(c not in root.columns for c in cols):
        ctx.notes.append(f"duplicate_person: columns {', '.join(cols)} not all in the data")
        return empty_findings()
    ids = root[cols]
    complete = ids.notna().all(axis=1).to_numpy()
    keys = ctx.keys(None)
    other_key = pd.Series(keys).duplicated(keep=False).to_numpy()
    digest = pd.util.hash_pandas_object(ids, index=False)
    dup = digest.duplicated(keep=False).to_numpy() & complete & ~other_key
    if not dup.any():
        return empty_findings()
    first = _first_key_of_group(keys, digest)
    shown = [ctx.shown(c, root[c][dup]) for c in cols]
    value = shown[0]
    for part in shown[1:]:
        value = np.char.add(np.char.add(value.astype(str), " / "), part.astype(str))
    count = digest.groupby(digest.to_numpy()).transform("size").to_numpy()[dup]
    message = np.char.add(
        np.char.add(f"same {' + '.join(cols)} in ", count.astype(str)),
        np.char.add(" submissions, first ", first[dup].astype(str)),
    )
    return root_rows(ctx, dup, cols[-1], np.asarray(value, dtype=object), message.astype(object))


@check(
    "copied_answers",
    family="duplicates",
    severity="error",
    title="Interview with the same answers as another person's",
    scope="totals",
    needs=("digests",),
)
def copied_answers(ctx: CheckContext) -> pd.DataFrame:
    """Completed interviews of different people whose every other answer is the same.

    With hundreds of questions two people never answer alike; an interview copied from another
    one (a fabricating interviewer) differs only in the person, interviewer, device and times.
    Submissions sent twice (same person too) are ``duplicate_submission``'s.
    """
    root = ctx.root
    digests = gathered(ctx, _digests) if not root.empty else {}
    digest, everything = digests.get("answers"), digests.get("everything")
    if digest is None or everything is None:
        return empty_findings()
    keys = ctx.keys(None)
    done = ctx.completed
    sent_twice = everything.duplicated(keep=False)
    ok = done & ~sent_twice.to_numpy() & ~pd.Series(keys).duplicated(keep=False).to_numpy()
    picked = digest[ok]
    rows = np.flatnonzero(ok)
    copies = np.zeros(len(root), dtype=bool)
    copies[rows] = picked.duplicated(keep=False).to_numpy()
    if not copies.any():
        return empty_findings()
    first = np.empty(len(root), dtype=object)
    first[rows] = pd.Series(keys[ok]).groupby(picked.to_numpy()).transform("first").to_numpy()
    size = np.zeros(len(root), dtype=int)
    size[rows] = picked.groupby(picked.to_numpy()).transform("size").to_numpy()
    message = [
        f"same answers in {n} interviews of different people, first {k}"
        for n, k in zip(size[copies], first[copies], strict=True)
    ]
    return root_rows(ctx, copies, "", first[copies], np.asarray(message, dtype=object))


@check(
    "device_overlap",
    family="duplicates",
    severity="warning",
    title="One device used for two interviews at the same time",
    scope="totals",
)
def device_overlap(ctx: CheckContext) -> pd.DataFrame:
    """Interviews on the same device whose start-end times overlap."""
    cols = ctx.config.columns
    root = ctx.root
    if root.empty or any(c not in root.columns for c in (cols.device, cols.start, cols.end)):
        ctx.notes.append(
            f"device_overlap: needs columns {cols.device}, {cols.start} and {cols.end}"
        )
        return empty_findings()
    start = pd.to_datetime(root[cols.start], errors="coerce")
    end = pd.to_datetime(root[cols.end], errors="coerce")
    device = root[cols.device]
    usable = (device.notna() & start.notna() & end.notna()).to_numpy()
    order = pd.DataFrame(
        {"d": device.astype(str), "s": start, "e": end, "pos": np.arange(len(root))}
    )[usable].sort_values(["d", "s", "e", "pos"], kind="mergesort")
    # Within a device, an interview overlaps an earlier one when it starts before the latest
    # end seen so far; the earlier one overlaps too.
    running_end = order.groupby("d")["e"].cummax()
    prev_end = running_end.groupby(order["d"]).shift(1)
    overlaps = (order["s"] < prev_end).fillna(False).to_numpy(dtype=bool)
    flagged = np.zeros(len(root), dtype=bool)
    pos = order["pos"].to_numpy()
    flagged[pos[overlaps]] = True
    # mark the interview overlapped: the one holding the running end before each overlap
    next_overlaps = np.append(overlaps[1:], False)
    same_device = np.append(order["d"].to_numpy()[1:] == order["d"].to_numpy()[:-1], False)
    flagged[pos[next_overlaps & same_device]] = True
    if not flagged.any():
        return empty_findings()
    value = as_text(device[flagged])
    return root_rows(ctx, flagged, cols.device, value, "overlaps another interview on this device")
