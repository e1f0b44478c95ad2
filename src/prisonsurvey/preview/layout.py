"""The paper questionnaire as a tree of printable blocks (numbers, texts, codes, cards)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType

_MODULE_TOKEN = re.compile(r"^([a-z]+?)(\d+)(?:_|$)")


@dataclass
class OptionView:
    """One printed answer option with its code and, if any, where the answer sends the reader."""

    code: int
    label: str
    go_to: str | None = None


@dataclass
class QuestionView:
    """One printed question (or a note read aloud)."""

    name: str
    number: str
    kind: str
    label: str
    hint: str = ""
    guidance: str = ""
    ask_if: str = ""
    unit: str = ""
    required: bool = False
    card: int | None = None
    boxes: int = 4
    options: list[OptionView] = field(default_factory=list)


@dataclass
class BlockView:
    """A module, a group inside it, or a roster (repeat), with what it contains."""

    name: str
    number: str
    label: str
    intro: str = ""
    ask_if: str = ""
    repeat: bool = False
    repeat_count: str = ""
    self_administered: bool = False
    numbered_label: bool = False
    items: list[QuestionView | BlockView] = field(default_factory=list)


@dataclass
class CardView:
    """A show card handed to the respondent."""

    number: int
    question: str
    text: str
    options: list[OptionView] = field(default_factory=list)


def label_has_number(label: str, number: str) -> bool:
    """Whether a module title already starts with its number ("Módulo 5. ...", "F5. ...")."""
    return re.match(rf"^\D{{0,12}}?{re.escape(number)}\b", label) is not None


def module_numbers(questionnaire: Questionnaire) -> list[str]:
    """Return the printed number of each module.

    Module names such as ``m5_conditions`` or ``f2_capacity`` give their own number when every
    module has a distinct one; a module of another series, such as a country's national module
    ``n1_arcadia`` among ``m0``..``m13``, keeps its letter (``N1``). Otherwise modules are
    numbered 1, 2, ... in order.
    """
    found = [_MODULE_TOKEN.match(m.name) for m in questionnaire.modules]
    prefixes = [m.group(1) for m in found if m]
    main = max(set(prefixes), key=prefixes.count) if prefixes else ""
    numbers = [
        ""
        if m is None
        else str(int(m.group(2)))
        if m.group(1) == main
        else f"{m.group(1).upper()}{int(m.group(2))}"
        for m in found
    ]
    if all(numbers) and len(set(numbers)) == len(numbers):
        return numbers
    return [str(i) for i in range(1, len(questionnaire.modules) + 1)]


def question_numbers(questionnaire: Questionnaire) -> dict[str, str]:
    """Return ``module.question`` numbers for every printed question (calculations excluded)."""
    out: dict[str, str] = {}

    def walk(items: tuple[Question | Group, ...], prefix: str, counter: list[int]) -> None:
        for item in items:
            if isinstance(item, Group):
                walk(item.items, prefix, counter)
            elif item.type not in (QuestionType.CALCULATE, QuestionType.NOTE):
                counter[0] += 1
                out[item.name] = f"{prefix}.{counter[0]}"

    for number, module in zip(module_numbers(questionnaire), questionnaire.modules, strict=True):
        walk(module.items, number, [0])
    return out


def needs_card(question: Question, self_administered: bool) -> bool:
    """Whether the question gets a show card: it has card text, or is a self-administered select."""
    return bool(question.show_card) or (
        question.is_select and (self_administered or question.sensitive)
    )
