"""Walk a questionnaire's groups and questions together with their model paths."""

from __future__ import annotations

from collections.abc import Iterator

from prisonsurvey.questionnaire.model import Group, Question, Questionnaire
from prisonsurvey.questionnaire.source_map import ModelPath

WalkedItem = tuple[ModelPath, tuple[Group, ...], Question | Group]
"""``(model path, enclosing groups outermost first, item)``."""


def walk_items(q: Questionnaire) -> Iterator[WalkedItem]:
    """Yield every module, group and question in document order with its model path.

    The path of the third item of the second module is ``("modules", 1, "items", 2)``.
    """

    def _walk(
        path: ModelPath, ancestors: tuple[Group, ...], items: tuple[Question | Group, ...]
    ) -> Iterator[WalkedItem]:
        for i, item in enumerate(items):
            item_path = (*path, "items", i)
            yield item_path, ancestors, item
            if isinstance(item, Group):
                yield from _walk(item_path, (*ancestors, item), item.items)

    for m, module in enumerate(q.modules):
        yield ("modules", m), (), module
        yield from _walk(("modules", m), (module,), module.items)
