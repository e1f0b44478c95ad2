"""Interviewer effects: answer distributions that differ by interviewer beyond chance.

For each select_one question asked once per submission, a chi-square test of interviewer by
answer is computed within each facility and the statistics (and degrees of freedom) are added
up, so that interviewers working in different facilities are not blamed for differences between
facilities. Interviewers with fewer than ``min_n`` answers in a facility are left out there.
With ``thresholds.permutations`` set, the p-value is instead the share of that many shuffles of
the answers within each facility giving a statistic at least as large (exact for small
interviewer workloads, where the chi-square approximation is poor). p-values over all
questions are adjusted with Benjamini-Hochberg; questions with
``q < alpha`` are findings, naming the interviewer whose answers are farthest from the pooled
answers of all other interviewers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from prisonsurvey.distributions import chi2_sf
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import ROOT, empty_findings, frame
from prisonsurvey.quality.gather import append, gather, gathered
from prisonsurvey.quality.registry import check
from prisonsurvey.quality.stats import benjamini_hochberg
from prisonsurvey.questionnaire.model import QuestionType


def _table(
    fac: np.ndarray, who: np.ndarray, answer: np.ndarray, n_f: int, n_i: int, n_a: int
) -> np.ndarray:
    """Counts of answers by facility, interviewer and answer code (a 3-d array)."""
    return (
        np.bincount((fac * n_i + who) * n_a + answer, minlength=n_f * n_i * n_a)
        .reshape(n_f, n_i, n_a)
        .astype(float)
    )


def _test(
    fac: np.ndarray, who: np.ndarray, answer: np.ndarray, n_f: int, n_i: int, n_a: int, min_n: int
) -> tuple[float, int, np.ndarray]:
    """:func:`_test_table` of the answers' counts."""
    return _test_table(_table(fac, who, answer, n_f, n_i, n_a), min_n)


def _test_table(counts: np.ndarray, min_n: int) -> tuple[float, int, np.ndarray]:
    """Stratified chi-square statistic, its degrees of freedom, and each interviewer's distance.

    The distance is a chi-square distance of an interviewer's answers from those of all others.
    """
    rows = counts.sum(axis=2, keepdims=True)
    counts = np.where(rows >= min_n, counts, 0.0)
    rows = counts.sum(axis=2, keepdims=True)
    cols = counts.sum(axis=1, keepdims=True)
    total = rows.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        expected = rows * cols / total
        contrib = np.where(expected > 0, (counts - expected) ** 2 / expected, 0.0)
    n_rows = (rows[:, :, 0] > 0).sum(axis=1)
    n_cols = (cols[:, 0, :] > 0).sum(axis=1)
    df = np.maximum(n_rows - 1, 0) * np.maximum(n_cols - 1, 0)
    use = df > 0
    chi2 = float(contrib[use].sum())
    # With two interviewers in a facility both contribute alike to the statistic, so the one
    # to name is the one farthest from the pooled answers of all the others.
    mine = counts.sum(axis=0)
    others = mine.sum(axis=0, keepdims=True) - mine
    with np.errstate(all="ignore"):
        p_rest = others / others.sum(axis=1, keepdims=True)
        exp_i = mine.sum(axis=1, keepdims=True) * p_rest
        distance = np.where(exp_i > 0, (mine - exp_i) ** 2 / exp_i, 0.0).sum(axis=1)
    distance = np.where(mine.sum(axis=1) > 0, distance, -1.0)
    return chi2, int(df[use].sum()), distance


def _permutation_p(
    fac: np.ndarray,
    who: np.ndarray,
    answer: np.ndarray,
    dims: tuple[int, int, int],
    min_n: int,
    observed: float,
    rounds: int,
    rng: np.random.Generator,
) -> float:
    """p-value of the stratified statistic from ``rounds`` shuffles of answers within facility."""
    by_facility = np.argsort(fac, kind="stable")
    at_least = 0
    for _ in range(rounds):
        shuffled = np.lexsort((rng.random(len(fac)), fac))
        permuted = np.empty_like(answer)
        permuted[by_facility] = answer[shuffled]
        stat, _, _ = _test(fac, who, permuted, *dims, min_n)
        at_least += stat >= observed - 1e-9
    return (at_least + 1) / (rounds + 1)


class _Answers(NamedTuple):
    """A question's answers gathered from every row."""

    counts: pd.DataFrame
    """``facility``, ``interviewer``, ``value`` and ``n``: answers counted (codes, no DK/RF)."""
    values: np.ndarray | None
    """Each row's answer (NaN: none, don't know or refused), kept for permutation tests."""


def _questions(ctx: CheckContext) -> list[str]:
    cols = ctx.config.columns
    skip = {cols.facility, cols.interviewer, *cols.person}
    return [
        q.name
        for q in ctx.present(None)
        if q.type is QuestionType.SELECT_ONE and q.name not in skip
    ]


def _finish_answers(parts: list[dict[str, _Answers]] | None) -> dict[str, _Answers]:
    out: dict[str, _Answers] = {}
    for name in parts[0] if parts else ():
        counts = pd.concat([p[name].counts for p in parts or ()], ignore_index=True)
        summed = counts.groupby(["facility", "interviewer", "value"])["n"].sum().reset_index()
        pieces = [p[name].values for p in parts or ()]
        values: np.ndarray | None = None
        if all(v is not None for v in pieces):
            values = np.concatenate([v for v in pieces if v is not None])
        out[name] = _Answers(summed, values)
    return out


@gather("answers_by_interviewer", root_only=True, add=append, finish=_finish_answers)
def _answers(ctx: CheckContext, table: str | None) -> dict[str, _Answers] | None:
    """Per select_one question, answers counted by facility, interviewer and code."""
    if ctx.config.columns.interviewer not in ctx.tables[table].columns:
        return None
    who_uniq, who = np.unique(ctx.interviewer(table).astype(str), return_inverse=True)
    fac_uniq, fac = np.unique(ctx.facility(table).astype(str), return_inverse=True)
    keep = bool(ctx.config.thresholds.permutations)
    out: dict[str, _Answers] = {}
    for name in _questions(ctx):
        values = pd.to_numeric(ctx.tables[table][name], errors="coerce").to_numpy(dtype=float)
        dk, rf = ctx.missing_code(table, name)
        ok = ~np.isnan(values) & ~dk & ~rf
        a_uniq, answer = np.unique(values[ok], return_inverse=True)
        dims = (len(fac_uniq), len(who_uniq), len(a_uniq))
        table_ = _table(fac[ok], who[ok], answer, *dims)
        f, w, a = np.nonzero(table_)
        counts = pd.DataFrame(
            {"facility": fac_uniq[f], "interviewer": who_uniq[w], "value": a_uniq[a]}
        ).assign(n=table_[f, w, a])
        out[name] = _Answers(counts, np.where(ok, values, np.nan) if keep else None)
    return out


@check(
    "interviewer_effect",
    family="interviewer",
    severity="warning",
    title="Answers differ by interviewer beyond chance (within facility)",
    scope="totals",
    needs=("answers_by_interviewer",),
)
def interviewer_effect(ctx: CheckContext) -> pd.DataFrame:
    """Questions whose answers depend on the interviewer (see the module docstring)."""
    root = ctx.root
    cols = ctx.config.columns
    t = ctx.config.thresholds
    if root.empty or cols.interviewer not in root.columns:
        ctx.notes.append(f"interviewer_effect: no column {cols.interviewer}")
        return empty_findings()
    who_uniq, who = np.unique(ctx.interviewer(None).astype(str), return_inverse=True)
    fac_uniq, fac = np.unique(ctx.facility(None).astype(str), return_inverse=True)
    if len(who_uniq) < 2:
        return empty_findings()
    rng = np.random.default_rng(t.seed)
    rows = []
    for name, answers in gathered(ctx, _answers).items():
        counts = answers.counts
        n_ok = int(counts["n"].sum())
        if n_ok < 2 * t.min_n:
            continue
        a_uniq = np.unique(counts["value"].to_numpy(dtype=float))
        if len(a_uniq) < 2:
            continue
        dims = (len(fac_uniq), len(who_uniq), len(a_uniq))
        cells = np.zeros(dims)
        np.add.at(
            cells,
            (
                np.searchsorted(fac_uniq, counts["facility"].to_numpy()),
                np.searchsorted(who_uniq, counts["interviewer"].to_numpy()),
                np.searchsorted(a_uniq, counts["value"].to_numpy(dtype=float)),
            ),
            counts["n"].to_numpy(dtype=float),
        )
        chi2, df, contrib = _test_table(cells, t.min_n)
        if df == 0:
            continue
        if t.permutations and answers.values is not None:
            ok = ~np.isnan(answers.values)
            answer = np.searchsorted(a_uniq, answers.values[ok])
            p = _permutation_p(fac[ok], who[ok], answer, dims, t.min_n, chi2, t.permutations, rng)
        else:
            p = float(chi2_sf(chi2, df))
        rows.append(
            {
                "question": name,
                "answers": n_ok,
                "chi2": round(chi2, 3),
                "df": df,
                "p": p,
                "most_different": str(who_uniq[int(np.argmax(contrib))]),
            }
        )
    table = pd.DataFrame(rows, columns=["question", "answers", "chi2", "df", "p", "most_different"])
    table["q"] = benjamini_hochberg(table["p"].to_numpy(dtype=float))
    ctx.extra_tables["interviewer_effects"] = table
    bad = table[table["q"] < t.alpha]
    if bad.empty:
        return empty_findings()
    message = [
        f"answers differ by interviewer within facility: chi2 = {c:.1f}, df = {d}, "
        f"q = {q:.2g}; most different: {w}"
        for c, d, q, w in zip(bad["chi2"], bad["df"], bad["q"], bad["most_different"], strict=True)
    ]
    return frame(
        instrument=ctx.instrument,
        table=ROOT,
        interviewer=bad["most_different"].to_numpy(dtype=object),
        question=bad["question"].to_numpy(dtype=object),
        value=np.asarray([f"{q:.2g}" for q in bad["q"]], dtype=object),
        message=np.asarray(message, dtype=object),
    )
