"""Run ODK Web Forms' engine on an XForm and compare its decisions with prisonsurvey's own.

The engine fills every respondent in one Node process (``tests/odk/fill_batch.mjs``); its
per-node report is turned into one table per context (the root, and each repeat) with the data
conventions prisonsurvey uses for imported data, and the questionnaire's relevance, constraint
and calculation expressions are evaluated on those tables with ``expressions.evaluate``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from prisonsurvey.questionnaire.expressions import Expr, evaluate, parse, references, resolve
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.xlsform._logic import variables

from .respondents import Respondent

ODK_DIR = Path(__file__).resolve().parents[1] / "odk"
NOW = "2026-01-15T10:00:00Z"
TODAY = dt.date(2026, 1, 15)
_INDEX = re.compile(r"\[\d+\]")


def run_engine(
    xform: Path,
    respondents: list[Respondent],
    work: Path,
    language: str | None = None,
    chunk: int = 25,
) -> dict[str, Any]:
    """Fill ``respondents`` into ``xform`` with the engine; return its parsed report.

    ``chunk`` respondents share one worker thread (and its memory) in the Node process.
    """
    batch = work / f"{xform.stem}.batch.json"
    out = work / f"{xform.stem}.result.json"
    payload: dict[str, Any] = {
        "form": str(xform),
        "now": NOW,
        "chunk": chunk,
        "respondents": [r.to_json() for r in respondents],
    }
    if language:
        payload["language"] = language
    batch.write_text(json.dumps(payload), encoding="utf-8")
    proc = subprocess.run(
        ["node", str(ODK_DIR / "fill_batch.mjs"), str(batch), str(out)],
        cwd=ODK_DIR,
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise AssertionError(f"engine failed: {proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


@dataclass
class Comparison:
    """Counts of checked decisions and every disagreement found."""

    relevance_checked: int = 0
    constraint_checked: int = 0
    calculation_checked: int = 0
    relevant_true: int = 0
    relevant_false: int = 0
    constraint_false: int = 0
    skipped_aggregates: int = 0
    mismatches: list[str] = field(default_factory=list)


def _typed(question: Question, values: list[str | None]) -> pd.Series:
    raw = pd.Series([None if v in (None, "") else v for v in values], dtype=object)
    kind = question.type
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
        return pd.to_numeric(raw, errors="coerce")
    if kind is QuestionType.SELECT_ONE:
        return pd.to_numeric(raw, errors="coerce").astype("Int64")
    if kind in (QuestionType.DATE, QuestionType.DATETIME):
        return pd.to_datetime(raw, errors="coerce")
    if kind is QuestionType.CALCULATE:
        numbers = pd.to_numeric(raw, errors="coerce")
        if numbers.notna().sum() == raw.notna().sum():
            return numbers
    return raw


def _context(ref: str) -> str:
    """``m1/child[2]/child_age`` -> ``m1/child[2]`` (the innermost repeat instance, or '')."""
    cut = ref.rfind("]")
    return ref[: cut + 1] if cut >= 0 else ""


def _parents(context: str) -> list[str]:
    """Every enclosing instance of a context, outermost first, ending with the context."""
    return [context[: m.end()] for m in re.finditer(r"\[\d+\]", context)]


class _Checker:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        self.vars = variables(questionnaire)
        self.questions = {q.name: q for q in questionnaire.questions()}
        self.relevance: dict[str, list[Expr]] = {}
        self.repeats: dict[str, set[str]] = {}
        for ancestors, item in questionnaire.walk():
            if isinstance(item, Question):
                self.repeats[item.name] = {g.name for g in ancestors if g.is_repeat}
                sources = [g.relevant for g in ancestors if g.relevant]
                sources += [item.relevant] if item.relevant else []
                self.relevance[item.name] = [self.expr(s) for s in sources]

    def aggregates(self, name: str, exprs: list[Expr]) -> bool:
        """Whether an expression of ``name`` reads answers of a repeat that does not hold it.

        Such aggregates (``sum(${child_lives_here})`` at the root) need the repeat's rows summed
        first; a table with one row per respondent cannot evaluate them, so they are skipped.
        """
        own = self.repeats[name]
        for expr in exprs:
            for ref in references(expr):
                repeat = self.vars[ref].in_repeat if ref in self.vars else None
                if repeat is not None and repeat not in own:
                    return True
        return False

    def expr(self, source: str, current: str | None = None) -> Expr:
        info = self.vars[current] if current else None
        return resolve(parse(source), self.vars, info)

    def tables(
        self, results: list[dict[str, Any]]
    ) -> dict[str, tuple[pd.DataFrame, dict[str, list[dict[str, Any]]]]]:
        """One table per context kind; with, per question, the engine's node in each row."""
        values: dict[tuple[int, str], dict[str, str | None]] = {}
        nodes_by_kind: dict[str, list[tuple[int, str]]] = {}
        engine_nodes: dict[tuple[int, str], dict[str, dict[str, Any]]] = {}
        for r_index, result in enumerate(results):
            values[(r_index, "")] = {}
            nodes_by_kind.setdefault("", []).append((r_index, ""))
            for node in result["nodes"]:
                name = _INDEX.sub("", node["ref"]).rsplit("/", 1)[-1]
                if name not in self.questions:
                    continue
                ctx = _context(node["ref"])
                key = (r_index, ctx)
                if key not in values:
                    values[key] = {}
                    nodes_by_kind.setdefault(_INDEX.sub("", ctx), []).append(key)
                relevant = node["relevant"] and node.get("value", "") != ""
                values[key][name] = node.get("value") if relevant else None
                engine_nodes.setdefault(key, {})[name] = node
        out: dict[str, tuple[pd.DataFrame, dict[str, list[dict[str, Any]]]]] = {}
        for kind, keys in nodes_by_kind.items():
            rows: list[dict[str, str | None]] = []
            for r_index, ctx in keys:
                row = dict(values[(r_index, "")])
                for parent in _parents(ctx):
                    row.update(values.get((r_index, parent), {}))
                rows.append(row)
            columns: dict[str, pd.Series] = {}
            for name, question in self.questions.items():
                if question.type is QuestionType.NOTE:
                    continue
                columns[name] = _typed(question, [row.get(name) for row in rows])
            frame = pd.DataFrame(columns)
            per_question: dict[str, list[dict[str, Any]]] = {}
            for i, key in enumerate(keys):
                for name, node in engine_nodes.get(key, {}).items():
                    per_question.setdefault(name, []).append({"row": i, **node})
            out[kind] = (frame, per_question)
        return out

    def compare(self, results: list[dict[str, Any]]) -> Comparison:
        cmp = Comparison()
        for frame, per_question in self.tables(results).values():
            for name, nodes in per_question.items():
                question = self.questions[name]
                rows = [n["row"] for n in nodes]
                if self.aggregates(name, self.relevance[name]):
                    cmp.skipped_aggregates += len(nodes)
                    continue
                ours = pd.Series(True, index=frame.index)
                for expr in self.relevance[name]:
                    ours &= evaluate(expr, frame, today=TODAY)
                for node, row in zip(nodes, rows, strict=True):
                    cmp.relevance_checked += 1
                    if node["relevant"]:
                        cmp.relevant_true += 1
                    else:
                        cmp.relevant_false += 1
                    if bool(ours.iloc[row]) != node["relevant"]:
                        cmp.mismatches.append(
                            f"relevance of {node['ref']} (row {row}): engine "
                            f"{node['relevant']}, prisonsurvey {bool(ours.iloc[row])}"
                        )
                self.compare_constraint(question, frame, nodes, cmp)
                self.compare_calculation(question, frame, nodes, cmp)
        return cmp

    def compare_constraint(
        self, question: Question, frame: pd.DataFrame, nodes: list[dict[str, Any]], cmp: Comparison
    ) -> None:
        if not question.constraint:
            return
        checked = [n for n in nodes if n["relevant"] and n.get("value", "") != ""]
        expr = self.expr(question.constraint, question.name)
        if not checked or self.aggregates(question.name, [expr]):
            return
        ours = evaluate(
            expr,
            frame,
            current=question.name,
            today=TODAY,
        )
        for node in checked:
            cmp.constraint_checked += 1
            cmp.constraint_false += not node["constraintValid"]
            mine = bool(ours.iloc[node["row"]])
            if mine != node["constraintValid"]:
                cmp.mismatches.append(
                    f"constraint of {node['ref']} = {node.get('value')!r}: engine "
                    f"{node['constraintValid']}, prisonsurvey {mine}"
                )

    def compare_calculation(
        self, question: Question, frame: pd.DataFrame, nodes: list[dict[str, Any]], cmp: Comparison
    ) -> None:
        if not question.calculation:
            return
        expr = self.expr(question.calculation, question.name)
        if self.aggregates(question.name, [expr]):
            cmp.skipped_aggregates += len(nodes)
            return
        ours = evaluate(expr, frame, today=TODAY)
        for node in nodes:
            if not node["relevant"]:
                continue
            cmp.calculation_checked += 1
            mine = ours.iloc[node["row"]]
            engine = node.get("value", "")
            if not _same(engine, mine):
                cmp.mismatches.append(
                    f"calculation of {node['ref']}: engine {engine!r}, prisonsurvey {mine!r}"
                )


def _same(engine: str, mine: Any) -> bool:
    if mine is None or (isinstance(mine, float) and math.isnan(mine)) or mine is pd.NA:
        return engine in ("", "NaN")
    if isinstance(mine, bool):
        return engine == ("true" if mine else "false")
    if isinstance(mine, (int, float)):
        try:
            return math.isclose(float(engine), float(mine), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    if isinstance(mine, pd.Timestamp):
        return engine[:10] == mine.date().isoformat()
    return str(engine) == str(mine)


def compare_with_engine(questionnaire: Questionnaire, results: list[dict[str, Any]]) -> Comparison:
    """Compare the engine's relevance, constraint and calculation results with ours."""
    return _Checker(questionnaire).compare(results)


def walk_groups(questionnaire: Questionnaire) -> list[Group]:
    """Every group of the questionnaire in document order."""
    return [item for _, item in questionnaire.walk() if isinstance(item, Group)]
