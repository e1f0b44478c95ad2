"""What every check sees: the questionnaire, the tables prepared once, cached logic results.

:class:`CheckContext` evaluates each relevance once per table and keeps it, joins to each
repeat table the submission's answers its expressions use (so ``${sex}`` works in a roster),
and knows which rows are completed interviews, who the interviewer is and which facility.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from prisonsurvey.errors import Issue, Location
from prisonsurvey.quality.config import DEFAULT_RULES, QualityConfig, Rule
from prisonsurvey.quality.findings import ROOT, as_text
from prisonsurvey.questionnaire.compiled import CompiledQuestionnaire, compiled
from prisonsurvey.questionnaire.expressions import (
    Expr,
    ExpressionError,
    evaluate,
    parse,
    references,
    resolve,
)
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

Tables = dict[str | None, pd.DataFrame]
"""``None`` (one row per submission) and each repeat name to its typed table."""


def table_label(table: str | None) -> str:
    """The name of a table in findings: ``root`` or the repeat's name."""
    return ROOT if table is None else table


@dataclass
class CheckContext:
    """Shared, cached inputs of the checks.

    Attributes:
        questionnaire: The questionnaire the data follows.
        tables: The typed tables; repeats carry the submission's answers they need.
        config: The ``quality:`` settings.
        today: The date ``today()`` means in constraints, and the reference for progress.
        notes: What could not be checked and why (shown in the report).
        extra_tables: Summary tables the checks produce (rates, progress...), by name.
        cache: Intermediate results checks of one family share.
        audit: Form audit log events (see :mod:`prisonsurvey.quality.audit`), if any.
        scanned: The tables row checks look at (``None``: every table); a chunk's context
            (:meth:`chunk`) holds the root table whole for joins but scans only its chunk.
        totals: Finished :mod:`~prisonsurvey.quality.gather` quantities, by name.
    """

    questionnaire: Questionnaire
    tables: Tables
    config: QualityConfig
    today: dt.date
    notes: list[str] = field(default_factory=list)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    cache: dict[str, object] = field(default_factory=dict)
    audit: pd.DataFrame | None = None
    scanned: tuple[str | None, ...] | None = None
    totals: dict[str, object] = field(default_factory=dict)
    _relevance: dict[tuple[str | None, str], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(
        cls, questionnaire: Questionnaire, tables: Tables, config: QualityConfig, today: dt.date
    ) -> CheckContext:
        """Prepare the tables (join the submission's answers into repeats) and the caches."""
        ctx = cls(questionnaire, {}, config, today)
        root = tables.get(None, pd.DataFrame())
        ctx.tables[None] = root.reset_index(drop=True)
        for name, table in tables.items():
            if name is not None:
                ctx.tables[name] = ctx._join_root(name, table.reset_index(drop=True))
        return ctx

    def chunk(self, table: str | None, rows: pd.DataFrame) -> CheckContext:
        """A context scanning ``rows`` of ``table`` (repeat rows joined to this root).

        For the root table the chunk is the context's root; for a repeat the root stays this
        context's (which must hold :meth:`whole_columns`). Parsed expressions, the today and
        the settings are shared; notes go to the new context.
        """
        part = CheckContext(self.questionnaire, {}, self.config, self.today, audit=self.audit)
        for name in ("cq", "questions", "_table_of", "_rules"):
            if name in self.__dict__:
                part.__dict__[name] = self.__dict__[name]
        part.scanned = (table,)
        if table is None:
            part.tables[None] = rows.reset_index(drop=True)
        else:
            part.tables[None] = self.root
            if "_key" in self.root.columns:
                part.cache["root_index"] = self._root_index()
            part.tables[table] = part._join_root(table, rows.reset_index(drop=True))
        return part

    def checked_tables(self) -> list[str | None]:
        """The tables row checks look at, in order (every table unless this is a chunk's)."""
        if self.scanned is None:
            return list(self.tables)
        return [t for t in self.scanned if t in self.tables]

    def joined_columns(self, name: str) -> set[str]:
        """Root columns a repeat's expressions and rules use, with facility and interviewer."""
        wanted: set[str] = set()
        for item, _ in self.cq.resolved:
            if item and self._table_of.get(item) == name:
                wanted |= references(self.cq.resolved[(item, _)])
        for rule in self.rules():
            if rule[0].table == name:
                wanted |= references(rule[1])
        cols = self.config.columns
        return wanted | {cols.facility, cols.interviewer}

    def whole_columns(self, repeats: list[str]) -> set[str]:
        """Root columns that checks of scope ``totals`` and joins to ``repeats`` read.

        The key, the facility, interviewer, device, times and person columns, the columns of
        the completed and refused conditions and those :meth:`joined_columns` names.
        """
        cols = self.config.columns
        out = {"_key", cols.facility, cols.interviewer, cols.device, cols.start, cols.end}
        out |= set(cols.person)
        out.add("consent")
        for text in (self.config.completed, self.config.refused):
            if text is not None:
                with contextlib.suppress(ExpressionError):  # reported by check_rules
                    out |= references(resolve(parse(text), self.cq.variables))
        for name in repeats:
            out |= self.joined_columns(name)
        return out

    @cached_property
    def cq(self) -> CompiledQuestionnaire:
        """Every expression of the questionnaire, parsed and resolved once."""
        return compiled(self.questionnaire)

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Questions by name."""
        return {q.name: q for q in self.questionnaire.questions()}

    @cached_property
    def _table_of(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for ancestors, item in self.questionnaire.walk():
            repeats = [g.name for g in ancestors if g.is_repeat]
            out[item.name] = repeats[-1] if repeats else None
        return out

    def table_of(self, name: str) -> str | None:
        """The table (repeat name, or ``None`` for the root) a question's answers are in."""
        return self._table_of.get(name)

    @property
    def instrument(self) -> str:
        """The questionnaire id."""
        return self.questionnaire.id

    @property
    def root(self) -> pd.DataFrame:
        """One row per submission."""
        return self.tables[None]

    def _join_root(self, name: str, table: pd.DataFrame) -> pd.DataFrame:
        root = self.tables[None]
        if "_parent_key" not in table.columns or "_key" not in root.columns:
            return table
        wanted = self.joined_columns(name)
        join = sorted(c for c in wanted if c in root.columns and c not in table.columns)
        if not join:
            return table
        pos = self.root_positions(table)
        valid = pos >= 0
        picked = root[join].iloc[np.where(valid, pos, 0)].reset_index(drop=True)
        if not valid.all():
            picked = picked.mask(np.repeat(~valid[:, None], len(join), axis=1))
        return pd.concat([table, picked.set_axis(table.index)], axis=1)

    def root_positions(self, table: pd.DataFrame) -> np.ndarray:
        """For each row of a repeat table, the position of its submission in the root (-1: none).

        The first root row of a key wins when a key appears twice.
        """
        root = self.tables[None]
        if "_key" not in root.columns or "_parent_key" not in table.columns:
            return np.full(len(table), -1)
        key = table["_root_key"] if "_root_key" in table.columns else table["_parent_key"]
        index, where = self._root_index()
        pos = index.get_indexer(pd.Index(key))
        return np.where(pos >= 0, where[np.maximum(pos, 0)], -1)

    def _root_index(self) -> tuple[pd.Index, np.ndarray]:
        """The root's keys (first row of each) and their positions; cached."""
        cached = self.cache.get("root_index")
        if isinstance(cached, tuple):
            return cached
        keys = self.tables[None]["_key"]
        first = ~keys.duplicated().to_numpy()
        found = (pd.Index(keys[first]), np.flatnonzero(first))
        self.cache["root_index"] = found
        return found

    def rules(self) -> list[tuple[Rule, Expr]]:
        """Consistency rules that apply to this questionnaire, with their parsed expression."""
        return list(self._rules)

    @cached_property
    def _rules(self) -> list[tuple[Rule, Expr]]:
        given = self.config.rules
        out: list[tuple[Rule, Expr]] = []
        for rule in DEFAULT_RULES if given is None else given:
            try:
                expr = resolve(parse(rule.when), self.cq.variables)
            except ExpressionError:
                continue  # a default rule about questions this questionnaire lacks
            out.append((rule, expr))
        return out

    def check_rules(self) -> list[Issue]:
        """Problems with expressions in ``quality:``.

        QC003: a rule's expression; QC004: a rule's table; QC005: ``completed``/``refused``.
        """
        issues: list[Issue] = []
        repeats = {g.name for _, g in self.questionnaire.walk() if isinstance(g, Group)}
        for i, rule in enumerate(self.config.rules or ()):
            where = Location("survey.yaml", column=f"quality.rules[{i}]")
            try:
                resolve(parse(rule.when), self.cq.variables)
            except ExpressionError as exc:
                issues.append(
                    Issue(
                        "QC003",
                        f"rule '{rule.id}': {exc.code} at character {exc.offset + 1}: "
                        f"{exc.message}",
                        where,
                    )
                )
            if rule.table is not None and rule.table not in repeats:
                issues.append(
                    Issue("QC004", f"rule '{rule.id}': no repeat named '{rule.table}'", where)
                )
        for name in ("completed", "refused"):
            text = getattr(self.config, name)
            if text is None:
                continue
            try:
                resolve(parse(text), self.cq.variables)
            except ExpressionError as exc:
                issues.append(
                    Issue(
                        "QC005",
                        f"quality.{name}: {exc.code} at character {exc.offset + 1}: {exc.message}",
                        Location("survey.yaml", column=f"quality.{name}"),
                    )
                )
        return issues

    def evaluate(self, expr: Expr, table: str | None, current: str | None = None) -> pd.Series:
        """Evaluate ``expr`` on every row of ``table``.

        Raises:
            ExpressionError: A column it needs is not in the table.
        """
        return evaluate(expr, self.tables[table], current=current, today=self.today)

    def relevant(self, table: str | None, name: str) -> np.ndarray:
        """Whether the item ``name`` was relevant on each row of ``table`` (cached).

        A repeat's own relevance is implied by its rows; a condition that cannot be evaluated
        on the table counts as true.
        """
        cache_key = (table, name)
        if cache_key in self._relevance:
            return self._relevance[cache_key]
        df = self.tables[table]
        ancestors = self.questionnaire.ancestors(name)
        parent = ancestors[-1] if ancestors else None
        if parent is None or parent.is_repeat:
            mask = np.ones(len(df), dtype=bool)
        else:
            mask = self.relevant(table, parent.name)
        expr = self.cq.get(name, "relevant")
        if expr is not None:
            try:
                value = self.evaluate(expr, table).to_numpy(dtype=bool)
                mask = mask & value
            except ExpressionError as exc:
                self.notes.append(f"relevance of {name} not evaluated: {exc.code} {exc.message}")
        self._relevance[cache_key] = mask
        return mask

    def present(self, table: str | None) -> list[Question]:
        """Questions holding data whose column is in ``table``, in questionnaire order."""
        df = self.tables.get(table)
        if df is None:
            return []
        return [
            q
            for q in self.questions.values()
            if q.holds_data and q.name in df.columns and self.table_of(q.name) == table
        ]

    def empty(self, table: str | None, name: str) -> np.ndarray:
        """Whether each answer of ``name`` in ``table`` is missing (blank text counts); cached."""
        cache_key = f"empty:{table}:{name}"
        cached = self.cache.get(cache_key)
        if isinstance(cached, np.ndarray):
            return cached
        values = self.tables[table][name]
        empty = values.isna().to_numpy(dtype=bool)
        if self.questions[name].type in (QuestionType.TEXT, QuestionType.SELECT_MULTIPLE):
            empty = empty | (values.astype(str).str.strip() == "").to_numpy(dtype=bool)
        self.cache[cache_key] = empty
        return empty

    def missing_code(self, table: str | None, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Whether each answer is the list's don't know code, and whether it is refused."""
        cache_key = f"codes:{table}:{name}"
        cached = self.cache.get(cache_key)
        if isinstance(cached, tuple):
            return cached
        result = self._missing_code(table, name)
        self.cache[cache_key] = result
        return result

    def _missing_code(self, table: str | None, name: str) -> tuple[np.ndarray, np.ndarray]:
        question = self.questions[name]
        n = len(self.tables[table])
        no = np.zeros(n, dtype=bool)
        if not question.is_select or question.choices not in self.questionnaire.choice_lists:
            return no, no
        cl = self.questionnaire.choice_lists[question.choices]
        values = self.tables[table][name]
        if question.type is QuestionType.SELECT_ONE:
            num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        else:
            text = values.astype(str).str.strip()
            num = pd.to_numeric(text.where(~text.str.contains(" ")), errors="coerce").to_numpy(
                dtype=float
            )
        dk = num == cl.dont_know if cl.dont_know is not None else no
        rf = num == cl.refused if cl.refused is not None else no
        return np.asarray(dk, dtype=bool), np.asarray(rf, dtype=bool)

    def column_text(self, table: str | None, name: str) -> np.ndarray:
        """A column as text (empty when the table lacks it); cached."""
        cache_key = f"text:{table}:{name}"
        cached = self.cache.get(cache_key)
        if isinstance(cached, np.ndarray):
            return cached
        text = self._column_text(table, name)
        self.cache[cache_key] = text
        return text

    def _column_text(self, table: str | None, name: str) -> np.ndarray:
        df = self.tables[table]
        if name not in df.columns:
            return np.full(len(df), "", dtype=object)
        return as_text(df[name])

    def keys(self, table: str | None) -> np.ndarray:
        """The ``_key`` of each row (row numbers when there is none)."""
        df = self.tables[table]
        if "_key" in df.columns:
            return self.column_text(table, "_key")
        return np.char.add("row ", np.arange(1, len(df) + 1).astype(str)).astype(object)

    def facility(self, table: str | None) -> np.ndarray:
        """The facility of each row, as text."""
        return self.column_text(table, self.config.columns.facility)

    def interviewer(self, table: str | None) -> np.ndarray:
        """The interviewer of each row, as text."""
        return self.column_text(table, self.config.columns.interviewer)

    def shown(self, name: str, values: pd.Series) -> np.ndarray:
        """Values as text, hidden when the question is identifying (unless allowed)."""
        question = self.questions.get(name)
        if question is not None and question.identifying and not self.config.show_identifying:
            return np.where(values.isna().to_numpy(), "", "[identifying]").astype(object)
        return as_text(values)

    def _condition(self, source: str | None, default: str) -> np.ndarray | None:
        text = source
        if text is None:
            if "consent" not in self.root.columns or "consent" not in self.cq.variables:
                return None
            text = default
        try:
            expr = resolve(parse(text), self.cq.variables)
            return self.evaluate(expr, None).to_numpy(dtype=bool)
        except ExpressionError as exc:
            self.notes.append(f"condition {text!r} not evaluated: {exc.code} {exc.message}")
            return None

    @cached_property
    def completed(self) -> np.ndarray:
        """Which submissions are completed interviews (all, when this cannot be told)."""
        mask = self._condition(self.config.completed, "${consent} = 'yes'")
        return np.ones(len(self.root), dtype=bool) if mask is None else mask

    @cached_property
    def refused(self) -> np.ndarray:
        """Which submissions are refusals (none, when this cannot be told)."""
        mask = self._condition(self.config.refused, "${consent} = 'no'")
        return np.zeros(len(self.root), dtype=bool) if mask is None else mask
