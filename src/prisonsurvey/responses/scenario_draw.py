"""Draw answers as a :class:`~prisonsurvey.responses.scenario.Scenario` says, vectorised.

For a select question each row's log-odds are the log of the scenario's probabilities, and the
target choice's log-odds move by the shifts of the row's earlier answers, its facility's random
effect, its interviewer's effect and its latent factor (shared by related items, so a person
who was injured was usually also threatened). Choices not offered (choice filters) get
probability 0. Numbers are normal (or log-normal) within bounds that may be expressions of
earlier answers, dates uniform between bounds; constraints are still met by the caller.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import ExpressionError, parse, resolve
from prisonsurvey.questionnaire.model import Question, Questionnaire, QuestionType
from prisonsurvey.responses.scenario import Entry, Scenario

PERSON = "__person__"
"""Internal column: the respondent's position, carried into repeat rows."""

Evaluate = Callable[..., pd.Series]
EXCLUSIVE = frozenset({"none", "dont_know", "refused"})


class ScenarioDraws:
    """The scenario's random effects for one simulation and the draws that use them."""

    def __init__(
        self,
        scenario: Scenario,
        q: Questionnaire,
        rng: np.random.Generator,
        facility: np.ndarray,
        interviewer: np.ndarray,
        evaluate: Evaluate,
    ) -> None:
        self.scenario = scenario
        self.q = q
        self.rng = rng
        self.facility = facility
        self.interviewer = interviewer
        self.evaluate = evaluate
        self.variables = compiled(q).variables
        n_fac = int(facility.max()) + 1 if len(facility) else 1
        n_int = int(interviewer.max()) + 1 if len(interviewer) else 1
        self.interviewer_effect = rng.normal(0, scenario.fieldwork.interviewer_sd, n_int)
        self.factor: dict[str, np.ndarray] = {}
        for name, f in scenario.factors.items():
            per_facility = rng.normal(0, f.facility_sd, n_fac)
            self.factor[name] = (
                f.shift + per_facility[facility] + rng.normal(0, f.sd, len(facility))
            )
        self.facility_effect: dict[str, np.ndarray] = {
            name: rng.normal(0, e.facility_sd, n_fac) for name, e in scenario.questions.items()
        }

    def entry(self, question: Question) -> Entry | None:
        """The scenario's entry for ``question`` that fits its type, if any."""
        entry = self.scenario.questions.get(question.name)
        if entry is None:
            return None
        t = question.type
        if entry.choices is not None and t in (
            QuestionType.SELECT_ONE,
            QuestionType.SELECT_MULTIPLE,
        ):
            return entry
        if entry.number is not None and t in (QuestionType.INTEGER, QuestionType.DECIMAL):
            return entry
        if entry.date is not None and t in (QuestionType.DATE, QuestionType.DATETIME):
            return entry
        return None

    def _persons(self, df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        persons: np.ndarray = df[PERSON].to_numpy()[rows].astype(np.int64)
        return persons

    def _lift(self, name: str, entry: Entry, df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """Log-odds added to the target choice of each row."""
        persons = self._persons(df, rows)
        lift = self.facility_effect[name][self.facility[persons]]
        lift = lift + self.interviewer_effect[self.interviewer[persons]]
        if entry.factor is not None:
            lift = lift + entry.loading * self.factor[entry.factor][persons]
        for other, by in entry.shift.items():
            if other not in df.columns:
                continue
            values = df[other].to_numpy()[rows]
            codes = self._codes(other)
            text = pd.Series(values, dtype=object).astype(str).to_numpy()
            for answer, delta in by.items():
                lift = lift + np.where(text == codes.get(answer, answer), delta, 0.0)
        return np.asarray(lift, dtype=float)

    def _codes(self, name: str) -> dict[str, str]:
        question = self.q.question(name)
        if question.type not in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE):
            return {}
        return {c.name: str(c.code) for c in self.q.choice_list(question).choices}

    def _base(self, question: Question, entry: Entry) -> tuple[np.ndarray, int]:
        assert entry.choices is not None
        choices = self.q.choice_list(question).choices
        p = np.array([entry.choices.get(c.name, 0.0) for c in choices], dtype=float)
        target = [c.name for c in choices].index(entry.target_choice or choices[0].name)
        return p, target

    def select_one(
        self,
        question: Question,
        entry: Entry,
        df: pd.DataFrame,
        rows: np.ndarray,
        allowed: np.ndarray,
    ) -> np.ndarray:
        """Position of the choice drawn for each row (-1 where nothing is offered)."""
        p, target = self._base(question, entry)
        with np.errstate(divide="ignore"):
            logits = np.tile(np.log(p), (len(rows), 1))
        logits[:, target] += self._lift(question.name, entry, df, rows)
        weights = np.exp(logits - np.nanmax(logits, axis=1, keepdims=True)) * allowed
        weights = np.where(weights.sum(axis=1, keepdims=True) > 0, weights, allowed * 1.0)
        total = weights.sum(axis=1)
        cum = np.cumsum(weights, axis=1)
        u = self.rng.random(len(rows)) * total
        pick = (cum < u[:, None]).sum(axis=1)
        return np.where(total > 0, np.minimum(pick, len(p) - 1), -1)

    def select_multiple(
        self,
        question: Question,
        entry: Entry,
        df: pd.DataFrame,
        rows: np.ndarray,
        allowed: np.ndarray,
    ) -> np.ndarray:
        """Boolean matrix of the choices ticked: an exclusive answer alone, or some others."""
        p, target = self._base(question, entry)
        choices = self.q.choice_list(question).choices
        missing = self.q.choice_list(question).missing_codes()
        exclusive = np.array([c.name in EXCLUSIVE or c.code in missing for c in choices])
        n = len(rows)
        prob = np.tile(np.clip(p, 0, 1), (n, 1))
        odds = np.log(np.clip(prob[:, target], 1e-9, 1 - 1e-9))
        odds = odds - np.log1p(-np.clip(prob[:, target], 1e-9, 1 - 1e-9))
        prob[:, target] = 1 / (1 + np.exp(-(odds + self._lift(question.name, entry, df, rows))))
        chosen = (self.rng.random((n, len(choices))) < prob) & allowed & ~exclusive
        alone = ~chosen.any(axis=1)
        if exclusive.any():
            pe = np.where(exclusive, p, 0.0)[None, :] * allowed
            pick = np.cumsum(pe, axis=1) < self.rng.random(n)[:, None] * pe.sum(axis=1)[:, None]
            k = np.minimum(pick.sum(axis=1), len(choices) - 1)
            ok = alone & (pe.sum(axis=1) > 0)
            chosen[np.flatnonzero(ok), k[ok]] = True
        out: np.ndarray = chosen
        return out

    def _bound(
        self, value: float | str | None, df: pd.DataFrame, rows: np.ndarray
    ) -> np.ndarray | None:
        if value is None:
            return None
        if isinstance(value, int | float):
            return np.full(len(rows), float(value))
        try:
            expr = resolve(parse(value), self.variables)
            got = self.evaluate(expr, df.iloc[rows].reset_index(drop=True))
        except ExpressionError:
            return None
        out: np.ndarray
        if pd.api.types.is_datetime64_any_dtype(got):
            out = got.to_numpy(dtype="datetime64[us]").astype("int64").astype(float)
        else:
            out = pd.to_numeric(got, errors="coerce").to_numpy(dtype=float)
        return out

    def number(
        self, question: Question, entry: Entry, df: pd.DataFrame, rows: np.ndarray
    ) -> pd.Series:
        """Numbers for ``rows``: normal or log-normal, clipped to the bounds."""
        spec = entry.number
        assert spec is not None
        n = len(rows)
        if spec.lognormal:
            sigma = np.sqrt(np.log1p((spec.sd / max(spec.mean, 1e-9)) ** 2))
            mu = np.log(max(spec.mean, 1e-9)) - sigma**2 / 2
            x = self.rng.lognormal(mu, sigma, n)
        else:
            x = self.rng.normal(spec.mean, spec.sd, n)
        lo, hi = self._bound(spec.min, df, rows), self._bound(spec.max, df, rows)
        if lo is not None:
            x = np.where(np.isnan(lo), x, np.maximum(x, lo))
        if hi is not None:
            x = np.where(np.isnan(hi), x, np.minimum(x, hi))
        if question.type is QuestionType.INTEGER:
            whole = np.round(x)
            if hi is not None:
                whole = np.where(np.isnan(hi) | (whole <= hi), whole, np.floor(hi))
            return pd.Series(whole, dtype="Float64").astype("Int64")
        return pd.Series(np.round(x, 1), dtype="Float64")

    def date(
        self,
        question: Question,
        entry: Entry,
        df: pd.DataFrame,
        rows: np.ndarray,
        today: pd.Timestamp,
    ) -> pd.Series:
        """Dates uniform between the bounds (per row when the bounds are expressions)."""
        spec = entry.date
        assert spec is not None
        day = 86400 * 1_000_000
        lo = self._date_bound(spec.min, df, rows, today)
        hi = self._date_bound(spec.max, df, rows, today)
        hi = np.where(np.isnan(hi), float(today.value // 1000), hi)
        lo = np.where(np.isnan(lo), hi - 3 * 365 * day, lo)
        lo = np.minimum(lo, hi)
        span = np.floor((hi - lo) / day)
        days = np.floor(self.rng.random(len(rows)) * (span + 1))
        us = (np.ceil(lo / day) + np.minimum(days, span)) * day
        us = np.minimum(us, hi)
        stamps = pd.to_datetime(us.astype("int64"), unit="us").normalize()
        if question.type is QuestionType.DATETIME:
            stamps = stamps + pd.to_timedelta(
                self.rng.integers(8 * 3600, 17 * 3600, len(rows)), unit="s"
            )
        return pd.Series(stamps, dtype="datetime64[us]")

    def _date_bound(
        self, text: str, df: pd.DataFrame, rows: np.ndarray, today: pd.Timestamp
    ) -> np.ndarray:
        if text == "today()":
            return np.full(len(rows), float(today.value // 1000))
        try:
            return np.full(len(rows), float(pd.Timestamp(text).value // 1000))
        except ValueError:
            got = self._bound(text, df, rows)
            return got if got is not None else np.full(len(rows), np.nan)
