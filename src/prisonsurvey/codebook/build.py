"""Build a :class:`Codebook` from a questionnaire and, optionally, data and weights."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from prisonsurvey.codebook.model import Category, Codebook, Module, Stats, Variable
from prisonsurvey.progress import Progress, report
from prisonsurvey.questionnaire.compiled import CompiledQuestionnaire, compiled
from prisonsurvey.questionnaire.expressions import Expr, to_words, to_xpath
from prisonsurvey.questionnaire.model import (
    Group,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)

_NUMERIC = (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.CALCULATE)


NOTES_LANGUAGE = "en"
"""Designers' notes are written in English only: codebooks in other languages leave them out,
so that every text shown in a language output exists in that language."""


def text_in(texts: Text, lang: str, fallback: str) -> str:
    """Return the text in ``lang``, else in ``fallback``, else any, else empty."""
    return texts.get(lang) or texts.get(fallback) or next(iter(texts.values()), "")


class _Describer:
    def __init__(self, q: Questionnaire, lang: str) -> None:
        self.q = q
        self.lang = lang
        self.cq: CompiledQuestionnaire = compiled(q)

    def _label_of(self, name: str) -> str:
        return name

    def _choice_label(self, variable: str, code: str) -> str:
        info = self.cq.variables.get(variable)
        if info is None or info.choices is None:
            return code
        for choice in info.choices.choices:
            if str(choice.code) == code:
                return text_in(choice.label, self.lang, self.q.default_language)
        return code

    def words(self, exprs: list[Expr]) -> str | None:
        if not exprs:
            return None
        parts = [
            to_words(e, self.lang, label=self._label_of, choice_label=self._choice_label)
            for e in exprs
        ]
        joiner = {"es": " y ", "pt": " e ", "fr": " et "}.get(self.lang, " and ")
        return joiner.join(parts)

    def universe(
        self, ancestors: tuple[Group, ...], item: Question
    ) -> tuple[str | None, str | None]:
        exprs = [e for e in (self.cq.get(g.name, "relevant") for g in ancestors) if e is not None]
        own = self.cq.get(item.name, "relevant")
        if own is not None:
            exprs.append(own)
        if not exprs:
            return None, None
        return self.words(exprs), " and ".join(f"({to_xpath(e)})" for e in exprs)

    def constraint(self, item: Question) -> tuple[str | None, str | None]:
        expr = self.cq.get(item.name, "constraint")
        if expr is None:
            return None, None
        return self.words([expr]), to_xpath(expr)

    def variable(self, ancestors: tuple[Group, ...], item: Question) -> Variable:
        lang, default = self.lang, self.q.default_language
        question = text_in(item.label, lang, default)
        categories: tuple[Category, ...] = ()
        indicator_columns: tuple[str, ...] = ()
        if item.choices is not None and item.choices in self.q.choice_lists:
            clist = self.q.choice_lists[item.choices]
            missing = {code: kind.value for code, kind in clist.missing_codes().items()}
            categories = tuple(
                Category(c.code, text_in(c.label, lang, default), missing.get(c.code))
                for c in clist.choices
            )
            if item.type is QuestionType.SELECT_MULTIPLE:
                indicator_columns = tuple(f"{item.name}_{c.code}" for c in clist.choices)
        universe, universe_expr = self.universe(ancestors, item)
        constraint, constraint_expr = self.constraint(item)
        calc = self.cq.get(item.name, "calculation")
        repeat = next((g.name for g in reversed(ancestors) if g.is_repeat), None)
        hint = text_in(item.hint, lang, default) or text_in(item.guidance_hint, lang, default)
        return Variable(
            name=item.name,
            module=ancestors[0].name if ancestors else "",
            label=" ".join(question.split()) or item.name,
            question=question,
            type=item.type.value,
            universe=universe,
            universe_expr=universe_expr,
            categories=categories,
            constraint=constraint,
            constraint_expr=constraint_expr,
            calculation=to_xpath(calc) if calc is not None else None,
            sensitive=item.sensitive or any(g.sensitive for g in ancestors),
            identifying=item.identifying,
            unit=item.unit,
            repeat=repeat,
            indicator_columns=indicator_columns,
            hint=hint or None,
        )


def _weighted_counts(
    values: pd.Series, weights: pd.Series | None
) -> tuple[dict[int, int], dict[int, float]]:
    valid = values.notna()
    codes = pd.to_numeric(values[valid], errors="coerce").dropna().astype("int64")
    vc = codes.value_counts()
    counts = dict(zip(vc.index.astype("int64").tolist(), vc.to_numpy().tolist(), strict=True))
    if weights is None:
        return counts, {}
    w = weights.loc[codes.index].astype("float64")
    sums = w.groupby(codes.to_numpy()).sum()
    return counts, dict(
        zip(
            sums.index.astype("int64").tolist(),
            sums.to_numpy(dtype="float64").tolist(),
            strict=True,
        )
    )


def _multi_counts(
    df: pd.DataFrame, columns: tuple[str, ...], weights: pd.Series | None
) -> tuple[dict[int, int], dict[int, float]]:
    counts: dict[int, int] = {}
    weighted: dict[int, float] = {}
    for column in columns:
        if column not in df.columns:
            continue
        code = int(column.rsplit("_", 1)[1])
        flags = pd.to_numeric(df[column], errors="coerce").fillna(0.0).to_numpy() > 0
        counts[code] = int(flags.sum())
        if weights is not None:
            weighted[code] = float(weights.to_numpy(dtype="float64")[flags].sum())
    return counts, weighted


def _stats(values: pd.Series, weights: pd.Series | None) -> Stats:
    x = pd.to_numeric(values, errors="coerce")
    valid = x.notna().to_numpy()
    arr = x.to_numpy(dtype="float64", na_value=np.nan)[valid]
    if arr.size == 0:
        return Stats(0, None, None, None, None, None)
    wmean = None
    if weights is not None:
        w = weights.to_numpy(dtype="float64")[valid]
        total = w.sum()
        wmean = float((w * arr).sum() / total) if total > 0 else None
    return Stats(
        n=int(arr.size),
        mean=float(arr.mean()),
        sd=float(arr.std(ddof=1)) if arr.size > 1 else None,
        minimum=float(arr.min()),
        median=float(np.median(arr)),
        maximum=float(arr.max()),
        weighted_mean=wmean,
    )


def frequencies(
    variable: Variable, df: pd.DataFrame, weights: pd.Series | None
) -> tuple[dict[int, int], dict[int, float]]:
    """Counts (and weighted counts) of each category of ``variable`` in ``df``."""
    if variable.indicator_columns:
        return _multi_counts(df, variable.indicator_columns, weights)
    if variable.categories:
        return _weighted_counts(df[variable.name], weights)
    return {}, {}


def has_stats(variable: Variable) -> bool:
    """Whether the codebook shows summary statistics of ``variable`` (numbers, no categories)."""
    return variable.type in (t.value for t in _NUMERIC) and not variable.categories


def with_figures(
    variable: Variable,
    counts: dict[int, int],
    weighted: dict[int, float] | None,
    stats: Stats | None,
    missing: dict[str, int],
) -> Variable:
    """``variable`` with its category counts, statistics and missing counts by kind."""
    categories = tuple(
        replace(
            c,
            n=counts.get(c.code, 0),
            weighted=weighted.get(c.code) if weighted is not None else None,
        )
        for c in variable.categories
    )
    return replace(
        variable, categories=categories, stats=stats, missing=dict(sorted(missing.items()))
    )


def missing_counts(kinds: pd.DataFrame | None, name: str) -> dict[str, int]:
    """How many answers of ``name`` are missing, by kind."""
    if kinds is None or name not in kinds.columns:
        return {}
    return {str(k): int(v) for k, v in kinds[name].dropna().value_counts().items()}


def stats_of(values: pd.Series, weights: pd.Series | None) -> Stats:
    """Summary statistics of a numeric column (weighted mean with weights)."""
    return _stats(values, weights)


def _with_data(
    variable: Variable,
    df: pd.DataFrame,
    weights: pd.Series | None,
    kinds: pd.DataFrame | None,
) -> Variable:
    if variable.name not in df.columns:
        return variable
    counts, weighted = frequencies(variable, df, weights)
    stats = _stats(df[variable.name], weights) if has_stats(variable) else None
    return with_figures(
        variable,
        counts,
        weighted if weights is not None else None,
        stats,
        missing_counts(kinds, variable.name),
    )


def build_codebook(
    questionnaire: Questionnaire,
    lang: str | None = None,
    data: pd.DataFrame | None = None,
    weights: pd.Series | None = None,
    missing_kinds: Callable[[Questionnaire, pd.DataFrame], pd.DataFrame] | None = None,
    progress: Progress | None = None,
) -> Codebook:
    """Describe every variable of ``questionnaire``; add frequencies when data are given.

    Args:
        questionnaire: The questionnaire.
        lang: Language of the texts (default: the questionnaire's default language).
        data: Typed responses (root table), one column per question.
        weights: Weights aligned with ``data`` for weighted frequencies and means.
        missing_kinds: Function giving the missing kind of every cell (see
            :func:`prisonsurvey.responses.missing.missing_kinds`), for missing counts by kind.
        progress: Called as the frequencies of each variable are computed
            (:mod:`prisonsurvey.progress`).

    Returns:
        The codebook.
    """
    lang = lang or questionnaire.default_language
    describer = _Describer(questionnaire, lang)
    variables: list[Variable] = []
    module_vars: dict[str, list[str]] = {m.name: [] for m in questionnaire.modules}
    for ancestors, item in questionnaire.walk():
        if isinstance(item, Question) and item.holds_data:
            variable = describer.variable(ancestors, item)
            variables.append(variable)
            module_vars[variable.module].append(variable.name)
    n_rows = None
    if data is not None:
        kinds = missing_kinds(questionnaire, data) if missing_kinds is not None else None
        if weights is not None:
            weights = pd.Series(np.asarray(weights, dtype="float64"), index=data.index)
        described = []
        for done, v in enumerate(variables):
            report(progress, f"frequencies of {v.name}", done, len(variables))
            described.append(_with_data(v, data, weights, kinds))
        report(progress, "frequencies done", len(variables), len(variables))
        variables = described
        n_rows = len(data)
    modules = tuple(
        Module(
            name=m.name,
            label=text_in(m.label, lang, questionnaire.default_language) or m.name,
            note=m.note if lang == NOTES_LANGUAGE else None,
            variables=tuple(module_vars[m.name]),
        )
        for m in questionnaire.modules
    )
    return Codebook(
        instrument=questionnaire.id,
        version=questionnaire.version,
        title=text_in(questionnaire.title, lang, questionnaire.default_language),
        lang=lang,
        languages=questionnaire.languages,
        modules=modules,
        variables=tuple(variables),
        n_rows=n_rows,
        weighted=weights is not None and data is not None,
    )
