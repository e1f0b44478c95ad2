"""The comparability class of every country x indicator cell, with its reasons.

The class follows from the questions an indicator's expressions use (numerator, denominator,
variable, universe) and what the round's adaptation did to each, as the diff of the regional
core against the fielded questionnaire and the adaptation's summary say:

* a question the round did not field (or that its questionnaire lacks): **not collected**;
* a breaking change the adaptation did not declare, or a declared one that changes what the
  codes mean (choices removed, recoded or re-meant, type changed, question replaced):
  **not comparable**;
* a declared breaking change of another kind (a different universe or constraint), a
  compatible change (adapted wording, choices added) or a core question coded from national
  codes through a crosswalk: **comparable with a note**;
* otherwise **comparable**.

An analyst's judgement in ``region.yaml`` (``comparability:`` of the round) overrides the
derived class. Only comparable cells (with or without a note) carry a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prisonsurvey.questionnaire.expressions import parse, references
from prisonsurvey.questionnaire.indicators import Indicator, IndicatorCatalogue
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.rounds import Round
from prisonsurvey.region.words import WORDS
from prisonsurvey.versions.changes import Change, ChangeKind, Impact
from prisonsurvey.versions.phrases import Phrase

_MEANING = {
    ChangeKind.CHOICE_REMOVED,
    ChangeKind.CHOICE_RECODED,
    ChangeKind.CHOICE_REMEANT,
    ChangeKind.TYPE_CHANGED,
    ChangeKind.QUESTION_REPLACED,
    ChangeKind.MISSING_CODES_CHANGED,
}
_ORDER = {
    Comparability.COMPARABLE: 0,
    Comparability.COMPARABLE_NOTE: 1,
    Comparability.NOT_COMPARABLE: 2,
    Comparability.NOT_COLLECTED: 3,
}
_DERIVED = "coded from the national question"


@dataclass(frozen=True)
class Reason:
    """One reason of a cell, to be said in any of the report's languages.

    Attributes:
        key: Word key (:data:`~prisonsurvey.region.words.WORDS`) of the reason's template, or
            ``""`` for a reason given as written (an analyst's judgement in ``region.yaml``).
        fields: The template's fields (``name``, ``detail``, ...), or ``text`` as written. A
            field that is a :class:`~prisonsurvey.versions.phrases.Phrase` (what a change did)
            is said in the reason's language too.
    """

    key: str
    fields: tuple[tuple[str, str | Phrase], ...] = ()

    @classmethod
    def of(cls, key: str, **fields: str | Phrase) -> Reason:
        """The reason ``key`` with its fields."""
        return cls(key, tuple(sorted(fields.items())))

    def text(self, lang: str = "en") -> str:
        """The reason in ``lang`` (as written when it has no template)."""
        values: Mapping[str, str] = {
            k: v if isinstance(v, str) else v.text(lang) for k, v in self.fields
        }
        if not self.key:
            return values["text"]
        return WORDS[lang][self.key].format(**values)


@dataclass(frozen=True)
class Cell:
    """The class of one country x indicator cell and why.

    Attributes:
        comparability: The class.
        said: One reason per question that made it so (empty when comparable).
    """

    comparability: Comparability
    said: tuple[Reason, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in English, as the machine-readable outputs give them."""
        return self.reasons_in("en")

    def reasons_in(self, lang: str) -> tuple[str, ...]:
        """The reasons in ``lang``."""
        return tuple(r.text(lang) for r in self.said)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dictionary."""
        return {"comparability": self.comparability.value, "reasons": list(self.reasons)}


def used_questions(indicator: Indicator) -> dict[str, str]:
    """The questions an indicator's expressions use, with the first role using each."""
    out: dict[str, str] = {}
    for role, source in indicator.expressions().items():
        if source:
            for name in sorted(references(parse(source))):
                out.setdefault(name, role)
    return out


def _not_fielded_reason(name: str, core: Questionnaire, rnd: Round) -> Reason:
    fielded = rnd.summary.not_fielded if rnd.summary is not None else {}
    if name in fielded:
        return Reason.of("reason_not_fielded", name=name, why=fielded[name])
    try:
        groups = core.ancestors(name)
    except KeyError:
        groups = ()
    for group in groups:
        if group.name in fielded:
            return Reason.of(
                "reason_not_fielded_module", name=name, module=group.name, why=fielded[group.name]
            )
    return Reason.of("reason_not_in_questionnaire", name=name, questionnaire=rnd.questionnaire.id)


def _change_reason(
    name: str, role: str, change: Change, declared: Mapping[str, str]
) -> tuple[Comparability, Reason]:
    detail: str | Phrase = change.phrase if change.phrase is not None else change.detail
    if change.impact is Impact.BREAKING and (name not in declared or change.kind in _MEANING):
        if name in declared:
            reason = Reason.of(
                "reason_broken_declared", name=name, detail=detail, declared=declared[name]
            )
        else:
            reason = Reason.of("reason_broken", name=name, detail=detail)
        return Comparability.NOT_COMPARABLE, reason
    if change.impact is Impact.BREAKING:
        key = "reason_universe" if role == "universe" else "reason_adapted_declared"
        return Comparability.COMPARABLE_NOTE, Reason.of(
            key, name=name, detail=detail, declared=declared[name]
        )
    return Comparability.COMPARABLE_NOTE, Reason.of("reason_adapted", name=name, detail=detail)


def _question_cell(name: str, role: str, core: Questionnaire, rnd: Round) -> Cell:
    fielded = {q.name for q in rnd.questionnaire.questions() if q.holds_data}
    if name not in fielded:
        return Cell(Comparability.NOT_COLLECTED, (_not_fielded_reason(name, core, rnd),))
    summary = rnd.summary
    declared = summary.declared if summary is not None else {}
    adapted = summary.adapted_items.get(name, ()) if summary is not None else ()
    derived = [d for d in adapted if d.startswith(_DERIVED)]
    if derived:
        # the summary names the national question as "coded from the national question 'x'"
        national = derived[0][len(_DERIVED) :].strip().strip("'")
        return Cell(
            Comparability.COMPARABLE_NOTE,
            (Reason.of("reason_recoded", name=name, national=national),),
        )
    worst = Comparability.COMPARABLE
    reasons: list[Reason] = []
    for change in rnd.changes:
        if change.item != name or change.impact is Impact.COSMETIC:
            continue
        if change.kind is ChangeKind.LANGUAGE_REMOVED:
            continue
        klass, reason = _change_reason(name, role, change, declared)
        reasons.append(reason)
        if _ORDER[klass] > _ORDER[worst]:
            worst = klass
    return Cell(worst, tuple(dict.fromkeys(reasons)))


def classify(indicator: Indicator, core: Questionnaire, rnd: Round) -> Cell:
    """The comparability class of ``indicator`` in round ``rnd``.

    Args:
        indicator: A core catalogue indicator.
        core: The regional core questionnaire.
        rnd: The loaded round.
    """
    judged = rnd.ref.comparability.get(indicator.id)
    if judged is not None:
        return Cell(judged.class_, (Reason.of("", text=judged.reason),))
    cells = [_question_cell(n, role, core, rnd) for n, role in used_questions(indicator).items()]
    worst = max((c.comparability for c in cells), key=_ORDER.__getitem__, default=None)
    if worst is None or worst is Comparability.COMPARABLE:
        return Cell(Comparability.COMPARABLE)
    reasons = [r for c in cells if c.comparability is worst for r in c.said]
    return Cell(worst, tuple(dict.fromkeys(reasons)))


def classify_all(
    catalogue: IndicatorCatalogue, ids: list[str], core: Questionnaire, rounds: list[Round]
) -> dict[tuple[str, str], Cell]:
    """Every cell: ``(country, indicator) -> Cell``."""
    return {
        (rnd.ref.country, ind_id): classify(catalogue.get(ind_id), core, rnd)
        for rnd in rounds
        for ind_id in ids
    }
