"""Synthetic respondents for filling exported forms in ODK's engine.

Answers are drawn at random per question type (numbers partly outside their constraints, some
questions left blank) so that relevance and constraints take both values over a batch.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from prisonsurvey.questionnaire.expressions import evaluate, parse, resolve
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.xlsform._logic import filter_attributes, variables

_WORDS = ("alfa", "bravo", "charlie", "delta", "eco", "<b>x</b> & 'y'")
_NUMBERS = (-1, 0, 1, 2, 3, 5, 7, 12, 17, 18, 19, 25, 30, 45, 60, 99, 100, 150, 500)


@dataclass
class Respondent:
    id: str
    answers: dict[str, Any]
    repeat_counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "answers": self.answers, "repeatCounts": self.repeat_counts}


class _Generator:
    def __init__(self, questionnaire: Questionnaire, rng: random.Random) -> None:
        self.q = questionnaire
        self.rng = rng
        self.vars = variables(questionnaire)
        self.counters = {
            m.group(1)
            for _, item in questionnaire.walk()
            if isinstance(item, Group) and item.repeat_count
            for m in [re.fullmatch(r"\s*\$\{(\w+)\}\s*", item.repeat_count)]
            if m
        }

    def number(self) -> int:
        return self.rng.choice(_NUMBERS) if self.rng.random() < 0.5 else self.rng.randint(0, 80)

    def value(self, question: Question, known: dict[str, Any]) -> Any:
        if self.rng.random() < 0.08:
            return None
        kind = question.type
        if kind is QuestionType.INTEGER:
            return self.rng.randint(0, 4) if question.name in self.counters else self.number()
        if kind is QuestionType.DECIMAL:
            return round(self.rng.uniform(-5, 200), 1)
        if kind is QuestionType.TEXT:
            return self.rng.choice(_WORDS)
        if kind is QuestionType.DATE:
            start = dt.date(1985, 1, 1)
            return (start + dt.timedelta(days=self.rng.randint(0, 16000))).isoformat()
        if kind is QuestionType.DATETIME:
            return None
        if question.is_select:
            codes = self.available(question, known)
            if not codes:
                return None
            if kind is QuestionType.SELECT_ONE:
                return str(self.rng.choice(codes))
            picked = self.rng.sample(codes, k=self.rng.randint(0, min(3, len(codes))))
            return " ".join(str(c) for c in picked)
        return None

    def available(self, question: Question, known: dict[str, Any]) -> list[int]:
        """The codes a choice_filter leaves, given the answers entered so far."""
        choice_list = self.q.choice_list(question)
        codes = [c.code for c in choice_list.choices]
        if not question.choice_filter:
            return codes
        expr = resolve(
            parse(question.choice_filter),
            self.vars,
            self.vars[question.name],
            attributes=filter_attributes(self.q, question),
        )
        frame = pd.DataFrame(
            [{**dict(c.filters), "name": str(c.code)} for c in choice_list.choices]
        )
        for name in re.findall(r"\$\{(\w+)\}", question.choice_filter):
            value = known.get(name)
            frame[name] = pd.NA if value is None else str(value)
        keep = evaluate(expr, frame).tolist()
        return [c for c, k in zip(codes, keep, strict=True) if k]

    def items(
        self,
        items: tuple[Question | Group, ...],
        prefix: str,
        answers: dict[str, Any],
        counts: dict[str, int],
        known: dict[str, Any],
    ) -> None:
        for item in items:
            path = f"{prefix}{item.name}"
            if isinstance(item, Group):
                if item.is_repeat:
                    n = self.repeat_instances(item, known)
                    if not item.repeat_count:
                        counts[path] = n
                    for i in range(1, n + 1):
                        self.items(item.items, f"{path}[{i}]/", answers, counts, dict(known))
                else:
                    self.items(item.items, f"{path}/", answers, counts, known)
                continue
            if item.type in (QuestionType.NOTE, QuestionType.CALCULATE) or item.read_only:
                continue
            value = self.value(item, known)
            known[item.name] = value
            if value is not None:
                answers[path] = value

    def repeat_instances(self, group: Group, known: dict[str, Any]) -> int:
        if group.repeat_count:
            ref = re.fullmatch(r"\s*\$\{(\w+)\}\s*", group.repeat_count)
            value = known.get(ref.group(1)) if ref else None
            return max(0, min(int(value), 4)) if isinstance(value, int) else 0
        return self.rng.randint(0, 3)

    def respondent(self, number: int) -> Respondent:
        answers: dict[str, Any] = {}
        counts: dict[str, int] = {}
        known: dict[str, Any] = {}
        for module in self.q.modules:
            self.items((module,), "", answers, counts, known)
        return Respondent(f"r{number:04d}", answers, counts)


def generate_respondents(questionnaire: Questionnaire, n: int, seed: int) -> list[Respondent]:
    """Return ``n`` reproducible random respondents for ``questionnaire``."""
    generator = _Generator(questionnaire, random.Random(seed))
    return [generator.respondent(i) for i in range(1, n + 1)]
