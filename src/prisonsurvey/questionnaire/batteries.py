"""Batteries of a questionnaire: runs of rating-scale questions answered one after another."""

from __future__ import annotations

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType


def find_batteries(questionnaire: Questionnaire, least: int) -> dict[str, tuple[str, ...]]:
    """Runs of at least ``least`` consecutive select_one questions sharing a rating scale.

    A rating scale is a choice list with four or more substantive answers; the questions of a
    run belong to one group. Each battery is named after its first question.

    Args:
        questionnaire: The questionnaire searched.
        least: Fewest questions of a battery.

    Returns:
        Battery name to its question names, in questionnaire order.
    """
    found: dict[str, tuple[str, ...]] = {}

    def scale(q: Question | Group) -> str | None:
        if not isinstance(q, Question) or q.type is not QuestionType.SELECT_ONE:
            return None
        cl = questionnaire.choice_lists.get(q.choices or "")
        if cl is None or len(cl.choices) - len(cl.missing_codes()) < 4:
            return None
        return cl.name

    def visit(group: Group) -> None:
        run: list[str] = []
        current: str | None = None
        for item in (*group.items, None):
            lst = scale(item) if item is not None else None
            if lst is not None and lst == current:
                run.append(item.name)  # type: ignore[union-attr]
                continue
            if len(run) >= least:
                found[run[0]] = tuple(run)
            run = [item.name] if lst is not None and item is not None else []
            current = lst
            if isinstance(item, Group):
                visit(item)

    for module in questionnaire.modules:
        visit(module)
    return found
