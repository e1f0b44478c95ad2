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

import numpy as np
import pandas as pd

from prisonsurvey.distributions import chi2_sf
from prisonsurvey.quality.context import CheckContext
from prisonsurvey.quality.findings import ROOT, empty_findings, frame
from prisonsurvey.quality.registry import check
from prisonsurvey.quality.stats import benjamini_hochberg
from prisonsurvey.questionnaire.model import QuestionType


def _test(
    fac: np.ndarray, who: np.ndarray, answer: np.ndarray, n_f: int, n_i: int, n_a: int, min_n: int
) -> tuple[float, int, np.ndarray]:
    """Stratified chi-square statistic, its degrees of freedom, and each interviewer's distance.

    The distance is a chi-square distance of an interviewer's answers from those of all others.
    """
    counts = (
        np.bincount((fac * n_i + who) * n_a + answer, minlength=n_f * n_i * n_a)
        .reshape(n_f, n_i, n_a)
        .astype(float)
    )
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


@check(
    "interviewer_effect",
    family="interviewer",
    severity="warning",
    title="Answers differ by interviewer beyond chance (within facility)",
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
    skip = {cols.facility, cols.interviewer, *cols.person}
    rng = np.random.default_rng(t.seed)
    rows = []
    for question in ctx.present(None):
        if question.type is not QuestionType.SELECT_ONE or question.name in skip:
            continue
        values = pd.to_numeric(root[question.name], errors="coerce").to_numpy(dtype=float)
        dk, rf = ctx.missing_code(None, question.name)
        ok = ~np.isnan(values) & ~dk & ~rf
        if ok.sum() < 2 * t.min_n:
            continue
        a_uniq, answer = np.unique(values[ok], return_inverse=True)
        if len(a_uniq) < 2:
            continue
        dims = (len(fac_uniq), len(who_uniq), len(a_uniq))
        chi2, df, contrib = _test(fac[ok], who[ok], answer, *dims, t.min_n)
        if df == 0:
            continue
        if t.permutations:
            p = _permutation_p(fac[ok], who[ok], answer, dims, t.min_n, chi2, t.permutations, rng)
        else:
            p = float(chi2_sf(chi2, df))
        rows.append(
            {
                "question": question.name,
                "answers": int(ok.sum()),
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
