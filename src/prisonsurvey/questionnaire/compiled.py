"""Parse every expression of a questionnaire once, check it, and cache the result.

Logic is kept as source text in the model (``relevant``, ``constraint``, ``calculation``,
``choice_filter``, ``required`` when it is an expression, ``repeat_count``, ``instance_name``).
:func:`compiled` returns a :class:`CompiledQuestionnaire` mapping ``(item name, field)`` to the
parsed expression with choice names resolved to codes (``${status} = 'pretrial'`` becomes
``${status} = 1``), so the XLSForm exporter, the paper form, the codebook and the evaluator all
use one parse::

    cq = compiled(questionnaire)
    cq.get("age", "relevant")        # resolved Expr, or None when the item has no such field
    cq.parsed[("age", "relevant")]   # the same before choice names were resolved

Results are cached per questionnaire object (the model is immutable), and
:func:`~prisonsurvey.questionnaire.load.load_questionnaire` fills the cache while linting, so
a loaded questionnaire is never parsed twice.

:func:`analyse_logic` is the checking half, used by :mod:`prisonsurvey.questionnaire.lint`:
syntax and types come from the expression language (its ``EXP`` codes are kept); on top of it
references must point to questions asked earlier (QNR134), a question outside a repeat may see
the answers inside it only through an aggregate such as ``count()``/``sum()`` (QNR136), a
choice_filter may use only the list's ``filters`` keys (QNR117), and calculations may not
depend on each other in a circle (QNR135, with the cycle's path).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from prisonsurvey.errors import InputError, Issue, Severity
from prisonsurvey.questionnaire.codes import QnrCode
from prisonsurvey.questionnaire.expressions.ast import Call, Expr, Name, Ref
from prisonsurvey.questionnaire.expressions.errors import ExpressionError
from prisonsurvey.questionnaire.expressions.functions import AGGREGATES
from prisonsurvey.questionnaire.expressions.parser import parse
from prisonsurvey.questionnaire.expressions.resolve import VarInfo, check_all, resolve
from prisonsurvey.questionnaire.model import (
    Group,
    Question,
    Questionnaire,
    QuestionType,
)
from prisonsurvey.questionnaire.source_map import ModelPath, SourceMap
from prisonsurvey.questionnaire.walk import WalkedItem, walk_items

ExprKey = tuple[str, str]
"""``(item name, field name)``, e.g. ``("age", "relevant")``."""

QUESTION_FIELDS: Final = ("relevant", "required", "constraint", "calculation", "choice_filter")
GROUP_FIELDS: Final = ("relevant", "repeat_count")
INSTANCE_NAME: Final[ExprKey] = ("", "instance_name")
"""Key of the questionnaire's ``instance_name`` expression."""


@dataclass(frozen=True)
class CompiledQuestionnaire:
    """Every expression of a questionnaire, parsed once.

    Attributes:
        resolved: ``(item name, field)`` to the expression with choice names resolved to codes.
            The questionnaire's ``instance_name`` is under :data:`INSTANCE_NAME`.
        parsed: The same keys to the expression as written (choice names kept).
        variables: What expressions know about each question (type, list, enclosing repeat).
    """

    resolved: Mapping[ExprKey, Expr]
    parsed: Mapping[ExprKey, Expr]
    variables: Mapping[str, VarInfo]

    def get(self, item: str, field_name: str) -> Expr | None:
        """Return the resolved expression of ``item``'s ``field_name``, or ``None``."""
        return self.resolved.get((item, field_name))

    def __getitem__(self, key: ExprKey) -> Expr:
        return self.resolved[key]


@dataclass
class LogicAnalysis:
    """What :func:`analyse_logic` found: the problems and the compiled expressions."""

    issues: list[Issue] = field(default_factory=list)
    compiled: CompiledQuestionnaire | None = None


def variables_of(q: Questionnaire) -> dict[str, VarInfo]:
    """Describe every question (and repeat) for the expression checker.

    A repeat is a variable too, so that ``count(${children})`` counts its entries.
    """
    out: dict[str, VarInfo] = {}
    for _, ancestors, item in walk_items(q):
        repeat = next((g.name for g in reversed(ancestors) if g.is_repeat), None)
        if isinstance(item, Question):
            choices = q.choice_lists.get(item.choices) if item.choices else None
            out.setdefault(item.name, VarInfo(item.type, choices, repeat))
        elif item.is_repeat:
            out.setdefault(item.name, VarInfo(QuestionType.NOTE, None, item.name))
    return out


def _outside_aggregates(expr: Expr) -> list[Ref]:
    """References not inside an aggregate call such as count() or sum()."""
    found: list[Ref] = []

    def visit(node: Expr) -> None:
        if isinstance(node, Call) and node.name in AGGREGATES:
            return
        if isinstance(node, Ref):
            found.append(node)
        for child in node.children():
            visit(child)

    visit(expr)
    return found


class _Analyser:
    def __init__(self, q: Questionnaire, source: SourceMap, items: list[WalkedItem]) -> None:
        self.q = q
        self.source = source
        self.items = items
        self.variables = variables_of(q)
        self.order: dict[str, int] = {}
        for index, (_, _, item) in enumerate(items):
            self.order.setdefault(item.name, index)
        self.issues: list[Issue] = []
        self.resolved: dict[ExprKey, Expr] = {}
        self.parsed: dict[ExprKey, Expr] = {}
        self.calc_paths: dict[str, ModelPath] = {}
        self.calc_refs: dict[str, list[Ref]] = {}
        self.forward: list[tuple[str, Ref, ModelPath]] = []

    def add(self, code: str, message: str, path: ModelPath, offset: int | None) -> None:
        self.issues.append(
            Issue(code, message, self.source.locate_offset(path, offset), Severity.ERROR)
        )

    def expression(
        self,
        key: ExprKey,
        text: str,
        path: ModelPath,
        index: int | None,
        ancestors: tuple[Group, ...],
    ) -> None:
        try:
            expr = parse(text)
        except ExpressionError as err:
            self.add(err.code, err.message, path, err.offset)
            return
        self.parsed[key] = expr
        item_name, field_name = key
        current = self.variables.get(item_name) if field_name == "constraint" else None
        attributes: set[str] | None = None
        if field_name == "choice_filter":
            attributes = self.filter_names(item_name, expr, path)
        try:
            self.resolved[key] = resolve(expr, self.variables, current, attributes=attributes)
        except ExpressionError:
            # resolve() stops at the first problem; report them all.
            for problem in check_all(expr, self.variables, current, attributes=attributes):
                self.add(problem.code, problem.message, path, problem.offset)
        refs = [n for n in expr.walk() if isinstance(n, Ref)]
        if index is not None:
            self.order_and_repeats(key, expr, refs, path, index, ancestors)
        if field_name == "calculation":
            self.calc_paths[item_name] = path
            self.calc_refs[item_name] = [r for r in refs if r.name in self.variables]

    def filter_names(self, item_name: str, expr: Expr, path: ModelPath) -> set[str]:
        question = next(
            (i for _, _, i in self.items if i.name == item_name and isinstance(i, Question)),
            None,
        )
        cl = self.q.choice_lists.get(question.choices or "") if question else None
        used = {n.name: n for n in expr.walk() if isinstance(n, Name)}
        if cl is None:
            return set(used)
        keys = {k for c in cl.choices for k in c.filters} | {"name", "code"}
        for name, node in used.items():
            if name not in keys:
                known = ", ".join(sorted(keys - {"name", "code"})) or "none"
                self.add(
                    QnrCode.UNKNOWN_FILTER.value,
                    f"choice_filter of '{item_name}' uses '{name}', which is not a filters key "
                    f"of list '{cl.name}' (keys: {known}); add `filters: {{{name}: ...}}` to "
                    "its choices or fix the name",
                    path,
                    node.offset,
                )
        return keys | set(used)

    def order_and_repeats(
        self,
        key: ExprKey,
        expr: Expr,
        refs: list[Ref],
        path: ModelPath,
        index: int,
        ancestors: tuple[Group, ...],
    ) -> None:
        item_name, field_name = key
        for ref in refs:
            target = self.order.get(ref.name)
            if target is None:
                continue  # unknown names are reported by the expression checker (EXP010)
            if ref.name == item_name and field_name == "constraint":
                continue
            if target >= index:
                self.forward.append((item_name, ref, path))
        enclosing = {g.name for g in ancestors if g.is_repeat}
        if item_name in self.variables and self.variables[item_name].in_repeat == item_name:
            enclosing.add(item_name)
        for ref in _outside_aggregates(expr):
            info = self.variables.get(ref.name)
            if info is None or info.in_repeat is None or info.in_repeat in enclosing:
                continue
            if ref.name == info.in_repeat and ref.name in enclosing:
                continue
            where = (
                "is a repeat"
                if ref.name == info.in_repeat
                else f"is inside repeat '{info.in_repeat}'"
            )
            self.add(
                QnrCode.REPEAT_REFERENCE.value,
                f"{field_name} of '{item_name}' uses ${{{ref.name}}}, which {where}; outside "
                f"the repeat use an aggregate such as count(${{{ref.name}}}) or "
                f"sum(${{{ref.name}}})",
                path,
                ref.offset,
            )

    def cycles(self) -> set[tuple[str, str]]:
        """Report calculation cycles; return the edges that lie on one."""
        graph = {
            name: [r.name for r in refs if r.name in self.calc_refs]
            for name, refs in self.calc_refs.items()
        }
        on_cycle: set[tuple[str, str]] = set()
        reported: set[frozenset[str]] = set()
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(node: str) -> None:
            state[node] = 1
            stack.append(node)
            for nxt in graph[node]:
                if state.get(nxt) == 1:
                    cycle = [*stack[stack.index(nxt) :], nxt]
                    on_cycle.update(itertools.pairwise(cycle))
                    members = frozenset(cycle)
                    if members not in reported:
                        reported.add(members)
                        first = min(members, key=lambda n: self.order.get(n, 0))
                        start = cycle.index(first)
                        shown = [*cycle[start:-1], *cycle[:start], first]
                        self.add(
                            QnrCode.CALCULATION_CYCLE.value,
                            "calculations depend on each other in a circle: "
                            + " -> ".join(shown)
                            + "; break the circle by computing one of them from answers only",
                            self.calc_paths[first],
                            None,
                        )
                elif nxt not in state:
                    visit(nxt)
            stack.pop()
            state[node] = 2

        for name in graph:
            if name not in state:
                visit(name)
        return on_cycle

    def run(self) -> LogicAnalysis:
        if self.q.instance_name is not None:
            self.expression(INSTANCE_NAME, self.q.instance_name, ("instance_name",), None, ())
        for index, (path, ancestors, item) in enumerate(self.items):
            fields = QUESTION_FIELDS if isinstance(item, Question) else GROUP_FIELDS
            for field_name in fields:
                value = getattr(item, field_name)
                if isinstance(value, str):
                    self.expression(
                        (item.name, field_name), value, (*path, field_name), index, ancestors
                    )
        on_cycle = self.cycles()
        for item_name, ref, path in self.forward:
            if (item_name, ref.name) in on_cycle:
                continue
            what = "itself" if ref.name == item_name else f"'{ref.name}', which comes later"
            self.add(
                QnrCode.FORWARD_REFERENCE.value,
                f"'{item_name}' refers to {what}; an expression may use only questions asked "
                "before it: move the question or change the expression",
                path,
                ref.offset,
            )
        if any(i.severity is Severity.ERROR for i in self.issues):
            return LogicAnalysis(self.issues, None)
        cq = CompiledQuestionnaire(self.resolved, self.parsed, self.variables)
        return LogicAnalysis(self.issues, cq)


def analyse_logic(
    q: Questionnaire, source: SourceMap | None = None, items: list[WalkedItem] | None = None
) -> LogicAnalysis:
    """Check every expression of ``q`` and compile them when all are valid.

    Args:
        q: The questionnaire.
        source: Where its parts were written (locations are empty without it).
        items: ``walk_items(q)`` if the caller has it already.

    Returns:
        The issues found and, when there is no error, the compiled questionnaire (which is
        also stored in the cache :func:`compiled` reads).
    """
    analysis = _Analyser(
        q, source or SourceMap.empty(), items if items is not None else list(walk_items(q))
    ).run()
    if analysis.compiled is not None:
        _remember(q, analysis.compiled)
    return analysis


_CACHE_SIZE: Final = 64
_cache: dict[int, tuple[Questionnaire, CompiledQuestionnaire]] = {}


def _remember(q: Questionnaire, cq: CompiledQuestionnaire) -> None:
    # Keyed by identity and holding the questionnaire itself, so an id is never reused
    # while its entry lives; pydantic models cannot be weakly referenced.
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[id(q)] = (q, cq)


def compiled(q: Questionnaire) -> CompiledQuestionnaire:
    """Return every expression of ``q`` parsed and resolved, computing it once per object.

    Raises:
        InputError: Some expression is invalid (issues carry ``EXP``/``QNR`` codes; they
            have file locations only when the questionnaire was loaded from YAML, in which
            case loading reported them already).
    """
    hit = _cache.get(id(q))
    if hit is not None and hit[0] is q:
        return hit[1]
    analysis = analyse_logic(q)
    if analysis.compiled is None:
        raise InputError([i for i in analysis.issues if i.severity is Severity.ERROR])
    return analysis.compiled
