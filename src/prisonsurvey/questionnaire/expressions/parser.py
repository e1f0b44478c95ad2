"""Parse XLSForm expression text into the syntax tree (recursive descent, XPath precedence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prisonsurvey.questionnaire.expressions.ast import (
    PRECEDENCE,
    BinOp,
    Call,
    Current,
    Expr,
    Name,
    Neg,
    Not,
    Number,
    Ref,
    String,
)
from prisonsurvey.questionnaire.expressions.errors import ExpressionError

_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*(?::[A-Za-z_][A-Za-z0-9_.\-]*)?"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<ref>\$\{)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<dot>\.(?!\.))
  | (?P<name>"""
    + _NAME
    + r""")
    """,
    re.VERBOSE,
)
MAX_DEPTH = 150
"""Deepest syntax tree accepted (a chain of 150 ``or`` is 150 deep), so that every back end
can walk it recursively."""

_EXPONENT = re.compile(r"[eE][+-]?\d+")
_REF_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")

_UNSUPPORTED = {
    "/": "paths such as '/data/x' or '../x' are not supported; write ${x}",
    "..": "paths such as '../x' are not supported; write ${x}",
    "[": "predicates '[...]' are not supported",
    "]": "predicates '[...]' are not supported",
    "|": "the union operator '|' is not supported",
    "@": "attributes '@x' are not supported",
    "$": "write a reference as ${name}",
}


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, text and 0-based offset."""

    kind: str
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens (whitespace dropped), ending with an ``eof`` token.

    Raises:
        ExpressionError: An unterminated string or reference (EXP002) or a character that
            cannot start a token (EXP001).
    """
    tokens: list[Token] = []
    pos = 0
    n = len(source)
    while pos < n:
        if source.startswith("${", pos):
            m = _REF_NAME.match(source, pos)
            if m is None:
                end = source.find("}", pos)
                if end < 0:
                    raise ExpressionError(
                        "EXP002", "reference '${' is not closed; write ${name}", pos
                    )
                raise ExpressionError(
                    "EXP001",
                    f"'{source[pos : end + 1]}' is not a valid reference; a name starts with a "
                    "letter and holds letters, digits or '_'",
                    pos,
                )
            tokens.append(Token("ref", m.group(1), pos))
            pos = m.end()
            continue
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            if ch in "'\"":
                raise ExpressionError(
                    "EXP002", f"string starting with {ch} is not closed; add the closing {ch}", pos
                )
            key = ".." if source.startswith("..", pos) else ch
            hint = _UNSUPPORTED.get(key, "remove it or put text inside quotes")
            raise ExpressionError("EXP001", f"unexpected character '{ch}': {hint}", pos)
        kind = m.lastgroup or ""
        exponent = _EXPONENT.match(source, m.end()) if kind == "num" else None
        if exponent is not None:
            raise ExpressionError(
                "EXP001",
                f"'{source[pos : exponent.end()]}': XPath numbers have no exponent; write the "
                "number in full (1e3 is 1000)",
                pos,
            )
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("eof", "", n))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, tok: Token, expected: str) -> ExpressionError:
        if tok.kind == "eof":
            return ExpressionError(
                "EXP001", f"expression ends too early: expected {expected}", tok.offset
            )
        return ExpressionError(
            "EXP001", f"unexpected '{tok.text}': expected {expected}", tok.offset
        )

    def parse(self) -> Expr:
        if self.tok.kind == "eof":
            raise ExpressionError("EXP005", "the expression is empty", 0)
        expr = self.binary()
        if self.tok.kind != "eof":
            tok = self.tok
            if tok.kind == "rparen":
                raise ExpressionError("EXP001", "')' has no matching '('; remove it", tok.offset)
            raise self.error(tok, "an operator such as 'and', 'or', '=' or the end")
        return expr

    def operator(self) -> str | None:
        """The binary operator at the current token, if one stands there."""
        tok = self.tok
        if tok.kind == "op" and tok.text in PRECEDENCE:
            return tok.text
        # 'and', 'or', 'div', 'mod' are operators only where an operator may stand.
        if tok.kind == "name" and tok.text in PRECEDENCE:
            return tok.text
        return None

    def binary(self, min_precedence: int = 1) -> Expr:
        """Precedence climbing: one call per operator, all operators left-associative."""
        left = self.unary()
        while True:
            op = self.operator()
            if op is None or PRECEDENCE[op] < min_precedence:
                return left
            self.advance()
            right = self.binary(PRECEDENCE[op] + 1)
            left = BinOp(op, left, right, offset=left.offset)

    def unary(self) -> Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text == "-":
            self.advance()
            return Neg(self.unary(), offset=tok.offset)
        return self.primary()

    def primary(self) -> Expr:
        tok = self.advance()
        if tok.kind == "num":
            return Number(float(tok.text), offset=tok.offset)
        if tok.kind == "str":
            return String(tok.text[1:-1], offset=tok.offset)
        if tok.kind == "ref":
            return Ref(tok.text, offset=tok.offset)
        if tok.kind == "dot":
            return Current(offset=tok.offset)
        if tok.kind == "lparen":
            inner = self.binary()
            if self.tok.kind != "rparen":
                raise ExpressionError(
                    "EXP001",
                    f"'(' at character {tok.offset + 1} is not closed; add ')'",
                    self.tok.offset,
                )
            self.advance()
            return inner
        if tok.kind == "name":
            if self.tok.kind == "lparen":
                return self.call(tok)
            return Name(tok.text, offset=tok.offset)
        self.i -= 1
        raise self.error(tok, "a value: a number, 'text', ${name}, '.', '(' or a function")

    def call(self, name: Token) -> Expr:
        self.advance()  # (
        args: list[Expr] = []
        if self.tok.kind != "rparen":
            while True:
                args.append(self.binary())
                if self.tok.kind == "comma":
                    self.advance()
                    continue
                if self.tok.kind == "rparen":
                    break
                raise self.error(self.tok, f"',' or ')' to continue the call to {name.text}()")
        self.advance()  # )
        if name.text == "not" and len(args) == 1:
            return Not(args[0], offset=name.offset)
        return Call(name.text, tuple(args), offset=name.offset)


@lru_cache(maxsize=4096)
def parse(source: str) -> Expr:
    """Parse XLSForm expression text into an immutable syntax tree.

    Results are cached: parsing the same text twice returns the same object.

    Args:
        source: Expression text such as ``${age} >= 18 and selected(${care}, 'relatives')``.

    Returns:
        The root node.

    Raises:
        ExpressionError: The text is not a valid expression; ``offset`` points at the problem.
            EXP006 when it is nested deeper than :data:`MAX_DEPTH`.
    """
    try:
        expr = _Parser(source).parse()
    except RecursionError:
        raise ExpressionError(
            "EXP006", "the expression is nested too deeply; split it into calculations", 0
        ) from None
    if _depth(expr) > MAX_DEPTH:
        raise ExpressionError(
            "EXP006",
            f"the expression has more than {MAX_DEPTH} levels of operators; split it into "
            "calculations",
            0,
        )
    return expr


def _depth(expr: Expr) -> int:
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children())
    return deepest
