"""The expression language: XLSForm syntax parsed once, with three back ends.

Relevance, constraints, calculations, choice filters, indicator numerators and universes are
written in XLSForm expression syntax. :func:`parse` turns the text into an immutable tree;
:func:`resolve` checks it against the questionnaire's variables and rewrites choice names to
codes; :func:`to_xpath` writes it back for XLSForm, :func:`to_words` says it in plain words
for paper forms and codebooks, and :func:`evaluate` computes it on a whole DataFrame with
ODK's semantics (see :mod:`~prisonsurvey.questionnaire.expressions.evaluate`)::

    expr = resolve(parse("${age} >= 18 and ${status} = 'pretrial'"), variables)
    to_xpath(expr)                      # "${age} >= 18 and ${status} = 1"
    to_words(expr, "en", label=short)   # "age is 18 or more and legal status is 1"
    evaluate(expr, df)                  # boolean Series, one value per row

Supported: ``${name}``, ``.``, bare names (choice attributes in a ``choice_filter``), numbers
(no exponent), 'text' and "text", ``or and = != < <= > >= + - * div mod``, unary minus,
parentheses and the functions in :data:`SIGNATURES`. Problems raise :class:`ExpressionError`
with a code from :data:`CODES` and the 0-based offset of the problem in the text.
"""

from prisonsurvey.questionnaire.expressions.ast import (
    ARITHMETIC,
    BINARY_OPERATORS,
    COMPARISONS,
    LOGICAL,
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
    functions,
    names,
    references,
    uses_current,
)
from prisonsurvey.questionnaire.expressions.errors import CODES, ExpressionError
from prisonsurvey.questionnaire.expressions.evaluate import evaluate
from prisonsurvey.questionnaire.expressions.functions import SIGNATURES, Signature
from prisonsurvey.questionnaire.expressions.parser import parse
from prisonsurvey.questionnaire.expressions.resolve import VarInfo, check_all, resolve
from prisonsurvey.questionnaire.expressions.words import to_words
from prisonsurvey.questionnaire.expressions.xpath import to_xpath

__all__ = [
    "ARITHMETIC",
    "BINARY_OPERATORS",
    "CODES",
    "COMPARISONS",
    "LOGICAL",
    "PRECEDENCE",
    "SIGNATURES",
    "BinOp",
    "Call",
    "Current",
    "Expr",
    "ExpressionError",
    "Name",
    "Neg",
    "Not",
    "Number",
    "Ref",
    "Signature",
    "String",
    "VarInfo",
    "check_all",
    "evaluate",
    "functions",
    "names",
    "parse",
    "references",
    "resolve",
    "to_words",
    "to_xpath",
    "uses_current",
]
