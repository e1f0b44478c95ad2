"""The questionnaire model, its expression language, and loading from YAML."""

from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Item,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)

__all__ = [
    "Choice",
    "ChoiceList",
    "Group",
    "Item",
    "Question",
    "QuestionType",
    "Questionnaire",
    "Text",
]
