"""The frequencies of a project's codebook, read from the store a chunk of rows at a time.

Category counts and missing counts by kind add up over chunks, so one pass over the root table
(:data:`CODEBOOK_CHUNK_ROWS` rows in memory at a time) gives exactly the figures of the whole
table. Summary statistics (mean, median...) need every value of their column: each numeric
variable is read alone, one column in memory at a time. Weighted counts are sums of the
chunks' sums (they may differ from a whole-table sum in the last digits).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

import pandas as pd

from prisonsurvey.codebook.build import (
    build_codebook,
    frequencies,
    has_stats,
    missing_counts,
    stats_of,
    with_figures,
)
from prisonsurvey.codebook.model import Codebook, Variable
from prisonsurvey.progress import Progress, report
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.missing import missing_kinds
from prisonsurvey.responses.store import Store

K = TypeVar("K", int, str)
N = TypeVar("N", int, float)
CODEBOOK_CHUNK_ROWS = 50_000
"""Rows of the root table in memory at a time."""


def _weights(frame: pd.DataFrame, weight: str | None) -> pd.Series | None:
    if weight is None:
        return None
    values = pd.to_numeric(frame[weight], errors="coerce")
    return pd.Series(values.to_numpy(dtype="float64", na_value=float("nan")), index=frame.index)


def _add(total: dict[K, N], part: dict[K, N]) -> None:
    for key, value in part.items():
        total[key] = total[key] + value if key in total else value


def store_codebook(
    q: Questionnaire,
    store: Store,
    lang: str | None = None,
    weight: str | None = None,
    progress: Progress | None = None,
    rows: int = CODEBOOK_CHUNK_ROWS,
) -> Codebook:
    """The codebook of ``q`` with the frequencies of the store's current root table.

    Args:
        q: The project's questionnaire.
        store: The open store.
        lang: Language of the texts.
        weight: Column of the store holding weights, for weighted frequencies.
        progress: Called as the chunks are read (:mod:`prisonsurvey.progress`).
        rows: Rows per chunk.

    Returns:
        The same codebook as :func:`~prisonsurvey.codebook.build.build_codebook` of the whole
        table.
    """
    book = build_codebook(q, lang)
    present = set(store.columns(q.id))
    described = [v for v in book.variables if v.name in present]
    counts: dict[str, dict[int, int]] = {v.name: {} for v in described}
    weighted: dict[str, dict[int, float]] = {v.name: {} for v in described}
    missing: dict[str, dict[str, int]] = {v.name: {} for v in described}
    total = store.count(q.id)
    done = 0
    for chunk in store.response_chunks(q.id, rows=rows):
        report(progress, "frequencies", done, total)
        kinds = missing_kinds(q, chunk)
        w = _weights(chunk, weight)
        for v in described:
            n, nw = frequencies(v, chunk, w)
            _add(counts[v.name], n)
            _add(weighted[v.name], nw)
            _add(missing[v.name], missing_counts(kinds, v.name))
        done += len(chunk)
    report(progress, "frequencies done", total, total)
    out: list[Variable] = []
    for v in book.variables:
        if v.name not in present:
            out.append(v)
            continue
        stats = None
        if has_stats(v):
            frame = store.responses(q.id, columns=[v.name, *([weight] if weight else [])])
            stats = stats_of(frame[v.name], _weights(frame, weight))
        out.append(
            with_figures(
                v,
                counts[v.name],
                weighted[v.name] if weight is not None else None,
                stats,
                missing[v.name],
            )
        )
    return replace(book, variables=tuple(out), n_rows=total, weighted=weight is not None)
