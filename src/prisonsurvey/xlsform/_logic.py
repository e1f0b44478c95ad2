"""Render questionnaire expressions as XLSForm text through the shared expression AST."""

from __future__ import annotations

from prisonsurvey.questionnaire.compiled import INSTANCE_NAME, compiled, variables_of
from prisonsurvey.questionnaire.expressions import VarInfo, to_xpath
from prisonsurvey.questionnaire.model import Question, Questionnaire


def variables(questionnaire: Questionnaire) -> dict[str, VarInfo]:
    """Return what expressions need to know about every question and repeat, by name."""
    return variables_of(questionnaire)


def filter_attributes(questionnaire: Questionnaire, question: Question) -> set[str]:
    """Return the choice attributes a question's ``choice_filter`` may name."""
    choice_list = questionnaire.choice_lists.get(question.choices or "")
    if choice_list is None:
        return set()
    return {key for choice in choice_list.choices for key in choice.filters}


class XPathRenderer:
    """XLSForm text of a questionnaire's expressions, with choice names resolved to codes.

    Expressions come from the questionnaire's compiled (parsed once, checked) form.

    Raises:
        InputError: Some expression of the questionnaire is invalid.
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        self._compiled = compiled(questionnaire)

    def field(self, item: str, field_name: str) -> str:
        """Return the XLSForm text of ``item``'s ``field_name`` ('' when it has none)."""
        expr = self._compiled.get(item, field_name)
        return to_xpath(expr) if expr is not None else ""

    def instance_name(self) -> str:
        """Return the XLSForm text of the questionnaire's ``instance_name`` ('' if none)."""
        return self.field(*INSTANCE_NAME)
