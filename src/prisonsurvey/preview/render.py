"""Render a questionnaire as a printable paper questionnaire (one self-contained HTML file)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import markupsafe
import pandas as pd

from prisonsurvey.errors import InputError, Issue
from prisonsurvey.preview._words import vocabulary, word
from prisonsurvey.preview.layout import (
    BlockView,
    CardView,
    OptionView,
    QuestionView,
    label_has_number,
    module_numbers,
    needs_card,
    question_numbers,
)
from prisonsurvey.questionnaire.expressions import (
    BinOp,
    Current,
    Expr,
    Number,
    Ref,
    evaluate,
    parse,
    references,
    resolve,
    to_words,
    to_xpath,
)
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType, Text
from prisonsurvey.xlsform._logic import variables


class _Renderer:
    def __init__(self, questionnaire: Questionnaire, lang: str) -> None:
        self.q = questionnaire
        self.lang = lang
        self.vars = variables(questionnaire)
        self.numbers = question_numbers(questionnaire)
        self.module_number = dict(
            zip((m.name for m in questionnaire.modules), module_numbers(questionnaire), strict=True)
        )
        self.cards: list[CardView] = []

    def text(self, text: Text) -> str:
        return text.get(self.lang) or text.get(self.q.default_language, "")

    def expr(self, source: str, current: str | None = None) -> Expr:
        return resolve(parse(source), self.vars, self.vars.get(current) if current else None)

    def _label(self, name: str) -> str:
        number = self.numbers.get(name)
        return f"{name} ({number})" if number else name

    def _choice_label(self, name: str, code: str) -> str:
        question = self._question(name)
        if question is None or not question.choices or not code.lstrip("-").isdigit():
            return code
        choice = self.q.choice_lists[question.choices].by_code().get(int(code))
        return f"{code} ({self.text(choice.label)})" if choice else code

    def _question(self, name: str) -> Question | None:
        try:
            return self.q.question(name)
        except KeyError:
            return None

    def words(self, source: str | None) -> str:
        if not source:
            return ""
        return to_words(
            self.expr(source), self.lang, label=self._label, choice_label=self._choice_label
        )

    def count_words(self, source: str | None) -> str:
        """Say how many roster entries there are: the question giving the number, or the rule."""
        if not source:
            return ""
        expr = self.expr(source)
        if isinstance(expr, Ref):
            return self._label(expr.name)
        return to_xpath(expr)

    def module(self, module: Group) -> BlockView:
        number = self.module_number[module.name]
        view = self.block(module, number, module.sensitive)
        view.self_administered = module.sensitive
        view.numbered_label = label_has_number(view.label, number)
        flat = list(_flatten(module))
        for i, item in enumerate(flat):
            if item.type is QuestionType.SELECT_ONE:
                self.skips(item, flat[i + 1 :], self._find(view, item.name))
        return view

    def block(self, group: Group, number: str, self_administered: bool) -> BlockView:
        view = BlockView(
            name=group.name,
            number=number,
            label=self.text(group.label),
            intro=self.text(group.intro),
            ask_if=self.words(group.relevant),
            repeat=group.is_repeat,
            repeat_count=self.count_words(group.repeat_count),
        )
        for item in group.items:
            if isinstance(item, Group):
                view.items.append(self.block(item, number, self_administered or item.sensitive))
            elif item.type is not QuestionType.CALCULATE:
                view.items.append(self.question(item, self_administered))
        return view

    def question(self, question: Question, self_administered: bool) -> QuestionView:
        view = QuestionView(
            name=question.name,
            number=self.numbers.get(question.name, ""),
            kind=question.type.value,
            label=self.text(question.label),
            hint=self.text(question.hint),
            guidance=self.text(question.guidance_hint),
            ask_if=self.words(question.relevant),
            unit=question.unit or "",
            required=question.required is True,
            boxes=self.boxes(question),
        )
        if question.is_select and question.choices in self.q.choice_lists:
            view.options = [
                OptionView(code=c.code, label=self.text(c.label))
                for c in self.q.choice_lists[question.choices].choices
            ]
        if needs_card(question, self_administered):
            card = CardView(
                number=len(self.cards) + 1,
                question=f"{view.number} {view.label}",
                text=self.text(question.show_card),
                options=[OptionView(o.code, o.label) for o in view.options],
            )
            self.cards.append(card)
            view.card = card.number
        return view

    def boxes(self, question: Question) -> int:
        """Digits needed for a number: from the largest value its constraint allows, else 4."""
        if not question.constraint:
            return 4
        largest = 0.0
        for node in self.expr(question.constraint, question.name).walk():
            if not isinstance(node, BinOp):
                continue
            if node.op in ("<", "<=") and isinstance(node.left, Current):
                bound = node.right
            elif node.op in (">", ">=") and isinstance(node.right, Current):
                bound = node.left
            else:
                continue
            if isinstance(bound, Number):
                largest = max(largest, bound.value)
        return min(max(len(str(int(largest))), 1), 8) if largest >= 1 else 4

    def skips(self, question: Question, following: list[Question], view: QuestionView) -> None:
        """Write "go to" instructions on the answers after which the next questions are skipped.

        For each answer code, the following questions of the module whose filters depend on this
        question only are checked with the same vectorised evaluation used on data; the first
        one still asked is where the interviewer goes.
        """
        if not following or not view.options:
            return
        codes = [o.code for o in view.options]
        frame = pd.DataFrame({question.name: pd.array(codes, dtype="Int64")})
        skipping = [False] * len(codes)
        done = [False] * len(codes)
        for item in following:
            filters = self.filters_on(item, question.name)
            kept = [True] * len(codes)
            for expr in filters or ():
                result = evaluate(expr, frame).fillna(False).astype(bool).tolist()
                kept = [a and b for a, b in zip(kept, result, strict=True)]
            for i, option in enumerate(view.options):
                if done[i]:
                    continue
                if not kept[i]:
                    skipping[i] = True
                    continue
                if skipping[i]:
                    option.go_to = f"{word('go_to', self.lang)} {self.numbers[item.name]}"
                done[i] = True
            if all(done):
                return
        last = self.q.modules[-1].name == self.q.ancestors(question.name)[0].name
        where = word("end", self.lang) if last else word("next_module", self.lang)
        for i, option in enumerate(view.options):
            if skipping[i] and not done[i]:
                option.go_to = f"{word('go_to', self.lang)} {where}"

    def filters_on(self, item: Question, name: str) -> list[Expr] | None:
        """Return the filters of ``item`` (its own and its groups') if all depend on ``name`` only.

        ``None`` means the item has no filter, or a filter that depends on something else: the
        skip cannot be printed as a plain "go to".
        """
        sources = [g.relevant for g in self.q.ancestors(item.name) if g.relevant]
        if item.relevant:
            sources.append(item.relevant)
        exprs = [self.expr(s) for s in sources]
        if not exprs or any(references(e) != {name} for e in exprs):
            return None
        return exprs

    def _find(self, view: BlockView, name: str) -> QuestionView:
        for item in view.items:
            if isinstance(item, BlockView):
                try:
                    return self._find(item, name)
                except KeyError:
                    continue
            elif item.name == name:
                return item
        raise KeyError(name)


def _flatten(group: Group) -> list[Question]:
    out: list[Question] = []
    for item in group.items:
        if isinstance(item, Group):
            out.extend(_flatten(item))
        elif item.type not in (QuestionType.CALCULATE, QuestionType.NOTE):
            out.append(item)
    return out


def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("prisonsurvey.preview", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True)


def render_preview(questionnaire: Questionnaire | Path, lang: str | None = None) -> str:
    """Return the paper questionnaire as one self-contained HTML page.

    Questions are numbered ``module.question``; filters and skips are printed in words, select
    answers with their codes, and show cards for self-administered modules are appended.

    Args:
        questionnaire: The instrument, or the folder to load it from.
        lang: Language to print; defaults to the questionnaire's default language.

    Raises:
        InputError: The questionnaire folder cannot be loaded, or ``lang`` is not one of the
            questionnaire's languages (PRV001).
    """
    if isinstance(questionnaire, Path):
        questionnaire = load_questionnaire_or_raise(questionnaire)
    lang = lang or questionnaire.default_language
    if lang not in questionnaire.languages:
        raise InputError(
            Issue(
                "PRV001",
                f"language {lang!r} is not in the questionnaire; use one of "
                f"{', '.join(questionnaire.languages)}",
            )
        )
    renderer = _Renderer(questionnaire, lang)
    modules = [renderer.module(m) for m in questionnaire.modules]
    css = resources.files("prisonsurvey.preview").joinpath("templates/questionnaire.css")
    template = _environment().get_template("questionnaire.html.j2")
    return template.render(
        lang=lang,
        title=renderer.text(questionnaire.title),
        description=renderer.text(questionnaire.description),
        instrument_id=questionnaire.id,
        version=questionnaire.version,
        modules=modules,
        cards=renderer.cards,
        words=vocabulary(lang),
        css=markupsafe.Markup(css.read_text(encoding="utf-8")),
    )
