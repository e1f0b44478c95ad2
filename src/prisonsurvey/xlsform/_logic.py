"""Render questionnaire expressions as XLSForm text through the shared expression AST."""

from __future__ import annotations

from collections.abc import Collection

from prisonsurvey.errors import InputError, Issue
from prisonsurvey.questionnaire.expressions import (
    ExpressionError,
    VarInfo,
    parse,
    resolve,
    to_xpath,
)
from prisonsurvey.questionnaire.model import Question, Questionnaire


def variables(questionnaire: Questionnaire) -> dict[str, VarInfo]:
    """Return what expressions need to know about every question, by name."""
    out: dict[str, VarInfo] = {}
    for ancestors, item in questionnaire.walk():
        if isinstance(item, Question):
            repeats = [g.name for g in ancestors if g.is_repeat]
            choices = questionnaire.choice_lists.get(item.choices) if item.choices else None
            out[item.name] = VarInfo(
                type=item.type, choices=choices, in_repeat=repeats[-1] if repeats else None
            )
    return out


def filter_attributes(questionnaire: Questionnaire, question: Question) -> set[str]:
    """Return the choice attributes a question's ``choice_filter`` may name."""
    choice_list = questionnaire.choice_lists.get(question.choices or "")
    if choice_list is None:
        return set()
    return {key for choice in choice_list.choices for key in choice.filters}


class XPathRenderer:
    """Turn expression source into XLSForm text with choice names resolved to codes."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self._vars = variables(questionnaire)

    def render(
        self,
        source: str,
        current: str | None = None,
        what: str = "expression",
        attributes: Collection[str] | None = None,
    ) -> str:
        """Return the XLSForm text of ``source``; ``current`` names the question ``.`` refers to.

        Raises:
            InputError: The expression does not parse or names something unknown.
        """
        info = self._vars.get(current) if current else None
        try:
            return to_xpath(resolve(parse(source), self._vars, info, attributes=attributes))
        except ExpressionError as err:
            raise InputError(
                Issue(
                    "XLS001",
                    f"{what} of '{current or '?'}' cannot be rendered for XLSForm "
                    f"({err.code}: {err.message}); fix the expression in the questionnaire",
                )
            ) from err
