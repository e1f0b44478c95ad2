"""Keep the imported expressions the expression language can carry; report and drop the rest."""

from __future__ import annotations

from typing import Any

from prisonsurvey.questionnaire.expressions import (
    BinOp,
    ExpressionError,
    Name,
    Ref,
    parse,
    resolve,
)
from prisonsurvey.questionnaire.lint import TEXT_REF_RE
from prisonsurvey.questionnaire.model import (
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)
from prisonsurvey.xlsform._logic import filter_attributes, variables
from prisonsurvey.xlsform.import_sheets import SheetImporter

_TEXTS = ("label", "hint", "guidance_hint", "constraint_message", "required_message", "intro")


def _remapped(choice_list: ChoiceList) -> bool:
    return any(c.name != str(c.code) for c in choice_list.choices)


class ExpressionCheck:
    """Keep the expressions the questionnaire format can carry; report and drop the others."""

    def __init__(self, importer: SheetImporter, questionnaire: Questionnaire) -> None:
        self.importer = importer
        self.q = questionnaire
        self.vars = variables(questionnaire)

    def ok(
        self,
        source: str | None,
        owner: str,
        column: str,
        current: str | None = None,
        attributes: set[str] | None = None,
    ) -> bool:
        """Check one expression; report it at its row and return False when it cannot be kept."""
        if not source:
            return True
        info = self.vars.get(current) if current else None
        try:
            resolve(parse(source), self.vars, info, attributes=attributes)
        except ExpressionError as err:
            self.importer.issue(
                "XLS117",
                f"{column} of '{owner}' cannot be represented ({err.code}: {err.message}); it "
                "is dropped. Rewrite it in the questionnaire",
                "survey",
                self.importer.row_of.get(owner),
                column,
            )
            return False
        return True

    def question(self, q: Question) -> Question | None:
        """Return the question with the expressions it cannot keep dropped (None: drop it)."""
        update: dict[str, Any] = {}
        for column in ("relevant", "constraint", "calculation"):
            current = q.name if column != "relevant" else None
            if not self.ok(getattr(q, column), q.name, column, current):
                update[column] = None
        if q.type is QuestionType.CALCULATE and "calculation" in update:
            return None
        if isinstance(q.required, str) and not self.ok(q.required, q.name, "required", q.name):
            update["required"] = False
        attributes = filter_attributes(self.q, q)
        if not self.ok(q.choice_filter, q.name, "choice_filter", q.name, attributes):
            update["choice_filter"] = None
        return q.model_copy(update=update) if update else q

    def group(self, g: Group) -> Group:
        """Return the group with every expression below it checked."""
        items: list[Question | Group] = []
        for item in g.items:
            checked = self.group(item) if isinstance(item, Group) else self.question(item)
            if checked is not None:
                items.append(checked)
        update: dict[str, Any] = {"items": tuple(items)}
        if not self.ok(g.relevant, g.name, "relevant"):
            update["relevant"] = None
        if not self.ok(g.repeat_count, g.name, "repeat_count"):
            update["repeat_count"] = None
        return g.model_copy(update=update)

    def texts(self, item: Question | Group, names: set[str]) -> Question | Group:
        """Return the item with ``${x}`` of questions that were dropped written as ``[x]``."""
        update: dict[str, Any] = {}
        for column in _TEXTS:
            text = getattr(item, column, None)
            if not text:
                continue
            lost = sorted({m.group(1) for v in text.values() for m in TEXT_REF_RE.finditer(v)})
            lost = [name for name in lost if name not in names]
            if not lost:
                continue
            update[column] = {
                lang: TEXT_REF_RE.sub(
                    lambda m: m.group(0) if m.group(1) in names else f"[{m.group(1)}]", v
                )
                for lang, v in text.items()
            }
            shown = ", ".join("${" + n + "}" for n in lost)
            self.importer.issue(
                "XLS127",
                f"{column} of '{item.name}' shows {shown}, which is not a question of the "
                "questionnaire (dropped, or never defined); it is written as "
                + ", ".join(f"[{n}]" for n in lost),
                "survey",
                self.importer.row_of.get(item.name),
                column,
            )
        if isinstance(item, Group):
            update["items"] = tuple(self.texts(i, names) for i in item.items)
        return item.model_copy(update=update) if update else item

    def filter_codes(self) -> dict[str, ChoiceList]:
        """Rewrite choice filter values that name choices of a re-coded list to their codes.

        ``choice_filter: region = ${region}`` compares a filter column with the answer to
        ``region``; once that list's choices are stored as codes, the filter column must be too.
        """
        lists = dict(self.q.choice_lists)
        for q in self.q.questions():
            if not q.choice_filter or q.choices not in lists:
                continue
            try:
                expr = parse(q.choice_filter)
            except ExpressionError:
                continue
            for node in expr.walk():
                if not (isinstance(node, BinOp) and node.op in ("=", "!=")):
                    continue
                pair = (node.left, node.right)
                attr = next((n.name for n in pair if isinstance(n, Name)), None)
                ref = next((n.name for n in pair if isinstance(n, Ref)), None)
                if attr is None or ref is None or ref not in self.vars:
                    continue
                source = self.vars[ref].choices
                if source is None or not _remapped(source):
                    continue
                by_name = source.by_name()
                by_name |= {c.xlsform_name: c for c in source.choices if c.xlsform_name}
                target = lists[q.choices or ""]
                choices = tuple(
                    c.model_copy(
                        update={
                            "filters": {
                                **c.filters,
                                attr: by_name[str(c.filters[attr])].code,
                            }
                        }
                    )
                    if str(c.filters.get(attr, "")) in by_name
                    else c
                    for c in target.choices
                )
                lists[target.name] = target.model_copy(update={"choices": choices})
        return lists
