"""The expression syntax tree: small immutable nodes.

Every node records the 0-based ``offset`` of its first character in the source; offsets are
ignored when nodes are compared, so ``parse(to_xpath(e)) == e``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expr:
    """Base class of all expression nodes."""

    offset: int = field(default=-1, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Expr, ...]:
        """Return the direct sub-expressions."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """Yield this node and every node below it, depth first, left to right."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Ref(Expr):
    """``${name}``: the answer to another question."""

    name: str


@dataclass(frozen=True)
class Name(Expr):
    """A bare name such as ``region`` (a choice attribute inside a ``choice_filter``)."""

    name: str


@dataclass(frozen=True)
class Current(Expr):
    """``.``: the current answer (in constraints)."""


@dataclass(frozen=True)
class Number(Expr):
    """A number literal (never negative: ``-1`` is ``Neg(Number(1))``)."""

    value: float


@dataclass(frozen=True)
class String(Expr):
    """A string literal ``'text'`` or ``"text"``."""

    value: str


BINARY_OPERATORS: tuple[str, ...] = (
    "or",
    "and",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "div",
    "mod",
)
"""Binary operators, lowest precedence first."""

PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
"""XPath precedence of each binary operator (higher binds tighter)."""

UNARY_PRECEDENCE = 7

COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
LOGICAL = frozenset({"and", "or"})


@dataclass(frozen=True)
class BinOp(Expr):
    """A binary operation ``left op right``; ``op`` is one of :data:`BINARY_OPERATORS`."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        """Return the two operands."""
        return (self.left, self.right)


@dataclass(frozen=True)
class Neg(Expr):
    """Unary minus."""

    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        """Return the operand."""
        return (self.operand,)


@dataclass(frozen=True)
class Not(Expr):
    """``not(operand)``."""

    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        """Return the operand."""
        return (self.operand,)


@dataclass(frozen=True)
class Call(Expr):
    """A function call such as ``selected(${care}, 'relatives')`` (``not()`` is :class:`Not`)."""

    name: str
    args: tuple[Expr, ...] = ()

    def children(self) -> tuple[Expr, ...]:
        """Return the arguments."""
        return self.args


def references(expr: Expr) -> frozenset[str]:
    """Return the names used as ``${name}`` in ``expr``."""
    return frozenset(node.name for node in expr.walk() if isinstance(node, Ref))


def names(expr: Expr) -> frozenset[str]:
    """Return the bare names (choice attributes in a ``choice_filter``) used in ``expr``."""
    return frozenset(node.name for node in expr.walk() if isinstance(node, Name))


def uses_current(expr: Expr) -> bool:
    """Return whether ``.`` (the current answer) appears in ``expr``."""
    return any(isinstance(node, Current) for node in expr.walk())


def functions(expr: Expr) -> frozenset[str]:
    """Return the names of the functions called in ``expr`` (``not`` included)."""
    out = {node.name for node in expr.walk() if isinstance(node, Call)}
    if any(isinstance(node, Not) for node in expr.walk()):
        out.add("not")
    return frozenset(out)
