"""Say an expression in plain words (Spanish, English, Portuguese, French).

Used on paper forms ("Ask if age is 18 or more") and in codebooks. Common shapes get natural
wording; anything else falls back to the expression text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prisonsurvey.questionnaire.expressions.ast import (
    ARITHMETIC,
    COMPARISONS,
    LOGICAL,
    PRECEDENCE,
    BinOp,
    Call,
    Current,
    Expr,
    Neg,
    Not,
    Number,
    Ref,
    String,
)
from prisonsurvey.questionnaire.expressions.xpath import format_number, to_xpath


@dataclass(frozen=True)
class _Phrases:
    and_: str
    or_: str
    eq: str
    ne: str
    gt: str
    ge: str
    lt: str
    le: str
    before: str
    on_or_before: str
    after: str
    on_or_after: str
    empty: str
    answered: str
    selected: str
    not_selected: str
    count_selected: str
    count: str
    sum: str
    matches: str
    length: str
    current: str
    today: str
    not_: str
    between: str
    decimal: str


PHRASES: dict[str, _Phrases] = {
    "en": _Phrases(
        and_="and",
        or_="or",
        eq="{a} is {b}",
        ne="{a} is not {b}",
        gt="{a} is more than {b}",
        ge="{a} is {b} or more",
        lt="{a} is less than {b}",
        le="{a} is {b} or less",
        before="{a} is before {b}",
        on_or_before="{a} is {b} or earlier",
        after="{a} is after {b}",
        on_or_after="{a} is {b} or later",
        empty="{a} is not answered",
        answered="{a} is answered",
        selected="'{c}' is selected in {a}",
        not_selected="'{c}' is not selected in {a}",
        count_selected="the number of options selected in {a}",
        count="the number of {a}",
        sum="the sum of {a}",
        matches="{a} matches the pattern {b}",
        length="the length of {a}",
        current="the answer",
        today="today",
        not_="not ({x})",
        between="{a} is between {lo} and {hi}",
        decimal=".",
    ),
    "es": _Phrases(
        and_="y",
        or_="o",
        eq="{a} es {b}",
        ne="{a} no es {b}",
        gt="{a} es mayor que {b}",
        ge="{a} es {b} o más",
        lt="{a} es menor que {b}",
        le="{a} es {b} o menos",
        before="{a} es anterior a {b}",
        on_or_before="{a} es {b} o anterior",
        after="{a} es posterior a {b}",
        on_or_after="{a} es {b} o posterior",
        empty="{a} no tiene respuesta",
        answered="{a} tiene respuesta",
        selected="se marcó '{c}' en {a}",
        not_selected="no se marcó '{c}' en {a}",
        count_selected="el número de opciones marcadas en {a}",
        count="el número de {a}",
        sum="la suma de {a}",
        matches="{a} cumple el patrón {b}",
        length="la longitud de {a}",
        current="la respuesta",
        today="hoy",
        not_="no ({x})",
        between="{a} está entre {lo} y {hi}",
        decimal=",",
    ),
    "pt": _Phrases(
        and_="e",
        or_="ou",
        eq="{a} é {b}",
        ne="{a} não é {b}",
        gt="{a} é maior que {b}",
        ge="{a} é {b} ou mais",
        lt="{a} é menor que {b}",
        le="{a} é {b} ou menos",
        before="{a} é anterior a {b}",
        on_or_before="{a} é {b} ou anterior",
        after="{a} é posterior a {b}",
        on_or_after="{a} é {b} ou posterior",
        empty="{a} não foi respondida",
        answered="{a} foi respondida",
        selected="'{c}' está marcado em {a}",
        not_selected="'{c}' não está marcado em {a}",
        count_selected="o número de opções marcadas em {a}",
        count="o número de {a}",
        sum="a soma de {a}",
        matches="{a} segue o padrão {b}",
        length="o comprimento de {a}",
        current="a resposta",
        today="hoje",
        not_="não ({x})",
        between="{a} está entre {lo} e {hi}",
        decimal=",",
    ),
    "fr": _Phrases(
        and_="et",
        or_="ou",
        eq="{a} est {b}",
        ne="{a} n'est pas {b}",
        gt="{a} est supérieur à {b}",
        ge="{a} est {b} ou plus",
        lt="{a} est inférieur à {b}",
        le="{a} est {b} ou moins",
        before="{a} est antérieur à {b}",
        on_or_before="{a} est {b} ou antérieur",
        after="{a} est postérieur à {b}",
        on_or_after="{a} est {b} ou postérieur",
        empty="{a} est sans réponse",
        answered="{a} a une réponse",
        selected="'{c}' est coché dans {a}",
        not_selected="'{c}' n'est pas coché dans {a}",
        count_selected="le nombre d'options cochées dans {a}",
        count="le nombre de {a}",
        sum="la somme de {a}",
        matches="{a} respecte le modèle {b}",
        length="la longueur de {a}",
        current="la réponse",
        today="aujourd'hui",
        not_="non ({x})",
        between="{a} est entre {lo} et {hi}",
        decimal=",",
    ),
}
"""Wording per language; other languages use English."""

_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITH_SYMBOL = {"+": "+", "-": "-", "*": "×", "div": "÷", "mod": "mod"}


class _Words:
    def __init__(
        self,
        lang: str,
        label: Callable[[str], str],
        choice_label: Callable[[str, str], str] | None,
    ) -> None:
        self.p = PHRASES.get(lang, PHRASES["en"])
        self.label = label
        self.choice_label = choice_label

    def number(self, value: float) -> str:
        text = format_number(value)
        return text.replace(".", self.p.decimal)

    def var_name(self, node: Expr) -> str | None:
        if isinstance(node, Ref):
            return node.name
        if isinstance(node, Current):
            return "."
        return None

    def term(self, node: Expr) -> str:
        """A value: a variable, a literal, a count, a sum..."""
        if isinstance(node, Ref):
            return self.label(node.name)
        if isinstance(node, Current):
            return self.p.current
        if isinstance(node, Number):
            return self.number(node.value)
        if isinstance(node, String):
            return f"'{node.value}'"
        if isinstance(node, Neg):
            inner = self.term(node.operand)
            return f"-({inner})" if isinstance(node.operand, BinOp) else f"-{inner}"
        if isinstance(node, BinOp) and node.op in ARITHMETIC:
            p = PRECEDENCE[node.op]
            left = self.term(node.left)
            right = self.term(node.right)
            if isinstance(node.left, BinOp) and PRECEDENCE[node.left.op] < p:
                left = f"({left})"
            if isinstance(node.right, BinOp) and PRECEDENCE[node.right.op] <= p:
                right = f"({right})"
            return f"{left} {_ARITH_SYMBOL[node.op]} {right}"
        if isinstance(node, Call):
            if node.name == "count-selected":
                return self.p.count_selected.format(a=self.term(node.args[0]))
            if node.name == "string-length" and node.args:
                return self.p.length.format(a=self.term(node.args[0]))
            if node.name == "count" and len(node.args) == 1:
                return self.p.count.format(a=self.term(node.args[0]))
            if node.name == "sum" and len(node.args) == 1:
                return self.p.sum.format(a=self.term(node.args[0]))
            if node.name == "today":
                return self.p.today
        return to_xpath(node)

    def value_of(self, var: Expr, value: Expr) -> str:
        """Say ``value`` compared with ``var``: a choice label when there is one."""
        name = self.var_name(var)
        if name is not None and self.choice_label is not None:
            if isinstance(value, Number):
                return self.choice_label(name, format_number(value.value))
            if isinstance(value, String) and value.value != "":
                return self.choice_label(name, value.value)
        return self.term(value)

    def comparison(self, node: BinOp) -> str:
        left, op, right = node.left, node.op, node.right
        if isinstance(left, Number | String) and not isinstance(right, Number | String):
            left, op, right = right, _FLIP[op], left
        if op in ("=", "!=") and isinstance(right, String) and right.value == "":
            return (self.p.empty if op == "=" else self.p.answered).format(a=self.term(left))
        a = self.term(left)
        if op in ("=", "!="):
            b = self.value_of(left, right)
            return (self.p.eq if op == "=" else self.p.ne).format(a=a, b=b)
        b = self.term(right)
        is_date = any(isinstance(n, Call) and n.name == "today" for n in (left, right))
        if is_date:
            template = {
                "<": self.p.before,
                "<=": self.p.on_or_before,
                ">": self.p.after,
                ">=": self.p.on_or_after,
            }[op]
        else:
            template = {"<": self.p.lt, "<=": self.p.le, ">": self.p.gt, ">=": self.p.ge}[op]
        return template.format(a=a, b=b)

    def selected(self, node: Call, negated: bool) -> str:
        target, value = node.args
        name = self.var_name(target)
        if isinstance(value, String | Number):
            code = value.value if isinstance(value, String) else format_number(value.value)
            c = (
                self.choice_label(name, code)
                if name is not None and self.choice_label is not None
                else code
            )
        else:
            c = self.term(value)
        template = self.p.not_selected if negated else self.p.selected
        return template.format(c=c, a=self.term(target))

    def or_chain(self, node: BinOp) -> str:
        """``a or b or c``, saying runs like ``${x} = 1 or ${x} = 2`` as "x is A or B"."""
        terms: list[Expr] = []

        def flatten(n: Expr) -> None:
            if isinstance(n, BinOp) and n.op == "or":
                flatten(n.left)
                flatten(n.right)
            else:
                terms.append(n)

        flatten(node)
        groups: list[list[Expr]] = []
        subjects: list[Expr | None] = []
        for term in terms:
            found = _against_literal(term)
            subject = None
            if found is not None and found[1] == "=" and not _is_empty(found[2]):
                subject = found[0]
            if subject is not None and groups and subjects[-1] == subject:
                groups[-1].append(term)
            else:
                groups.append([term])
                subjects.append(subject)
        parts: list[str] = []
        for group, subject in zip(groups, subjects, strict=True):
            if subject is not None and len(group) > 1:
                values = [self.value_of(*_subject_value(t)) for t in group]
                listed = f"{', '.join(values[:-1])} {self.p.or_} {values[-1]}"
                parts.append(self.p.eq.format(a=self.term(subject), b=listed))
                continue
            text = self.condition(group[0])
            if isinstance(group[0], BinOp) and group[0].op == "and":
                text = f"({text})"
            parts.append(text)
        return f" {self.p.or_} ".join(parts)

    def between(self, node: Expr) -> str | None:
        """``${x} >= 18 and ${x} <= 99``: "x is between 18 and 99"."""
        if not (isinstance(node, BinOp) and node.op == "and"):
            return None
        first, second = _against_literal(node.left), _against_literal(node.right)
        if first is None or second is None or first[0] != second[0]:
            return None
        bounds = {first[1]: first[2], second[1]: second[2]}
        lo, hi = bounds.get(">="), bounds.get("<=")
        if not (isinstance(lo, Number) and isinstance(hi, Number)):
            return None
        return self.p.between.format(
            a=self.term(first[0]), lo=self.number(lo.value), hi=self.number(hi.value)
        )

    def condition(self, node: Expr) -> str:
        """A logical statement."""
        short = self.between(node)
        if short is not None:
            return short
        if isinstance(node, BinOp) and node.op == "or":
            return self.or_chain(node)
        if isinstance(node, BinOp) and node.op in LOGICAL:
            joiner = self.p.and_ if node.op == "and" else self.p.or_
            parts = []
            for child in (node.left, node.right):
                text = self.condition(child)
                if isinstance(child, BinOp) and child.op in LOGICAL and child.op != node.op:
                    text = f"({text})"
                parts.append(text)
            return f" {joiner} ".join(parts)
        if isinstance(node, BinOp) and node.op in COMPARISONS:
            return self.comparison(node)
        if isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
            return self.selected(node, negated=False)
        if isinstance(node, Call) and node.name == "regex" and len(node.args) == 2:
            return self.p.matches.format(a=self.term(node.args[0]), b=self.term(node.args[1]))
        if isinstance(node, Not):
            inner = node.operand
            if isinstance(inner, BinOp) and inner.op in ("=", "!="):
                flipped = BinOp("!=" if inner.op == "=" else "=", inner.left, inner.right)
                return self.comparison(flipped)
            if isinstance(inner, Call) and inner.name == "selected" and len(inner.args) == 2:
                return self.selected(inner, negated=True)
            if isinstance(inner, Ref | Current):
                return self.p.empty.format(a=self.term(inner))
            return self.p.not_.format(x=self.condition(inner))
        if isinstance(node, Ref | Current):
            return self.p.answered.format(a=self.term(node))
        return to_xpath(node)


def _against_literal(node: Expr) -> tuple[Expr, str, Expr] | None:
    """A comparison with a literal, turned so that the literal is on the right."""
    if not (isinstance(node, BinOp) and node.op in COMPARISONS):
        return None
    left, op, right = node.left, node.op, node.right
    if isinstance(left, Number | String) and not isinstance(right, Number | String):
        left, op, right = right, _FLIP[op], left
    if not isinstance(right, Number | String):
        return None
    return left, op, right


def _is_empty(node: Expr) -> bool:
    return isinstance(node, String) and node.value == ""


def _subject_value(node: Expr) -> tuple[Expr, Expr]:
    found = _against_literal(node)
    assert found is not None
    return found[0], found[2]


def to_words(
    expr: Expr,
    lang: str,
    *,
    label: Callable[[str], str],
    choice_label: Callable[[str, str], str] | None = None,
) -> str:
    """Say ``expr`` in plain words, e.g. "age is 18 or more and 'Relatives' is selected in Q12".

    Args:
        expr: A parsed (usually resolved) expression.
        lang: ``es``, ``en``, ``pt`` or ``fr``; other languages use English words.
        label: Gives the short label or number of a variable from its name.
        choice_label: Gives the label of a choice from the variable name and the code as text
            (``"."`` is passed as the variable for the current answer). Without it codes are
            shown as they are.

    Returns:
        The sentence (no capital letter or full stop, so callers can embed it). Constructs
        without a natural wording are shown as expression text.
    """
    words = _Words(lang, label, choice_label)
    return words.condition(expr)
