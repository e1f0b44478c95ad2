"""Which questionnaire version each table of an import follows.

A project may accept data from earlier versions of its instrument (``instrument.previous`` in
``survey.yaml``). The version stamp of each submission (Central ``FormVersion``, KoBo
``__version__``, the XML ``version`` attribute) picks the questionnaire its columns are read
with; an export that mixes versions is split by submission, its repeat rows following their
submission (Central ``KEY`` prefixes, KoBo ``_submission__uuid``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.sources import RawTable

VERSION_HEADERS = ("FormVersion", "__version__", "@version", "_version")
Versions = Sequence[tuple[tuple[str, ...], Questionnaire]]


def _stamps(table: RawTable) -> pd.Series | None:
    for header in VERSION_HEADERS:
        column = table.column(header)
        if column is not None:
            return column.astype(str).str.strip()
    return None


def _subset(table: RawTable, mask: np.ndarray) -> RawTable:
    return replace(
        table,
        data=table.data[mask].reset_index(drop=True),
        files=table.files[mask].reset_index(drop=True),
        rows=table.rows[mask],
    )


def _root_keys(table: RawTable) -> pd.Series | None:
    for header in ("KEY", "_uuid", "meta/instanceID", "instanceID"):
        column = table.column(header)
        if column is not None:
            return column.astype(str).str.strip()
    return None


def _child_roots(table: RawTable) -> pd.Series | None:
    key = table.column("KEY")
    if key is not None:
        return key.astype(str).str.replace(r"/.*$", "", regex=True)
    uuid = table.column("_submission__uuid")
    return None if uuid is None else uuid.astype(str).str.strip()


def assign_versions(
    tables: list[RawTable], origins: list[str], versions: Versions
) -> tuple[list[tuple[RawTable, int]], list[Issue]]:
    """Pair each table (or the part of it of one version) with its questionnaire's index.

    Args:
        tables: Every table read.
        origins: For each table, the export it came from (tables of one export share it).
        versions: ``(stamps, questionnaire)`` oldest first; the last is the current one.

    Returns:
        The tables, split where an export mixes versions, each with the index in ``versions``;
        and problems (``IMP022``: a mixed export whose repeat rows cannot be matched).
    """
    current = len(versions) - 1
    index = {stamp: i for i, (stamps, _) in enumerate(versions) for stamp in stamps}
    if current == 0:
        return [(t, current) for t in tables], []
    out: list[tuple[RawTable, int]] = []
    issues: list[Issue] = []
    for origin in dict.fromkeys(origins):
        members = [t for t, o in zip(tables, origins, strict=True) if o == origin]
        by_key: dict[str, int] = {}
        root_versions: set[int] = set()
        for t in members:
            if t.repeat is not None:
                continue
            stamps = _stamps(t)
            if stamps is None:
                out.append((t, current))
                root_versions.add(current)
                continue
            which = stamps.map(index).fillna(current).astype(int).to_numpy()
            keys = _root_keys(t)
            if keys is not None:
                by_key.update(zip(keys, which.tolist(), strict=True))
            for i in sorted(set(which.tolist())):
                out.append((_subset(t, which == i), i))
                root_versions.add(i)
        for t in members:
            if t.repeat is None:
                continue
            if len(root_versions) <= 1:
                out.append((t, next(iter(root_versions), current)))
                continue
            roots = _child_roots(t)
            if roots is None:
                issues.append(
                    Issue(
                        "IMP022",
                        "this export mixes questionnaire versions and its repeat rows cannot be "
                        "matched to their submission; export each version separately",
                        Location(str(t.files.iloc[0]) if len(t.files) else "", sheet=t.sheet),
                    )
                )
                continue
            which = roots.map(by_key).fillna(current).astype(int).to_numpy()
            for i in sorted(set(which.tolist())):
                out.append((_subset(t, which == i), i))
    return out, issues


def root_versions(table: RawTable, versions: Versions) -> pd.Series:
    """The version index of each submission of a root table, by submission key."""
    current = len(versions) - 1
    index = {stamp: i for i, (stamps, _) in enumerate(versions) for stamp in stamps}
    stamps = _stamps(table)
    keys = _root_keys(table)
    if keys is None:
        return pd.Series(dtype=np.int64)
    if stamps is None:
        return pd.Series(current, index=keys.to_numpy(), dtype=np.int64)
    which = stamps.map(index).fillna(current).astype(np.int64).to_numpy()
    return pd.Series(which, index=keys.to_numpy())


def child_versions(
    table: RawTable, known: pd.Series, versions: Versions
) -> list[tuple[RawTable, int]]:
    """Split a repeat table by the version of its submissions, as :func:`assign_versions` does.

    ``known`` is what :func:`root_versions` gave for the root rows read before it.

    Raises:
        InputError: The submissions mix versions and the rows cannot be matched (IMP022).
    """
    current = len(versions) - 1
    seen = sorted(set(known.tolist())) if len(known) else [current]
    if len(seen) <= 1:
        return [(table, seen[0])]
    roots = _child_roots(table)
    if roots is None:
        raise InputError(
            Issue(
                "IMP022",
                "this export mixes questionnaire versions and its repeat rows cannot be "
                "matched to their submission; export each version separately",
                Location(str(table.files.iloc[0]) if len(table.files) else "", sheet=table.sheet),
            )
        )
    lookup = known[~known.index.duplicated(keep="last")]
    which = roots.map(lookup).fillna(current).astype(np.int64).to_numpy()
    return [(_subset(table, which == i), i) for i in sorted(set(which.tolist()))]
