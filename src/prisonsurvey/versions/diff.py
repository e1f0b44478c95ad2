"""Compare two questionnaires item by item and classify every change.

Items are matched by name, or through the lineage the new version declares (``renamed_from`` on
a question or group, ``replaces`` on a question). Expressions are compared after parsing, so a
change of spacing is not a change; wording is compared per language, and a change that only
touches case, spacing or punctuation is cosmetic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from prisonsurvey.questionnaire.expressions import ExpressionError, parse, to_xpath
from prisonsurvey.questionnaire.model import ChoiceList, Group, Question, Questionnaire, Text
from prisonsurvey.versions.changes import Change, ChangeKind, Impact, VersionDiff
from prisonsurvey.versions.phrases import Phrase

_HELP_FIELDS = ("hint", "guidance_hint", "show_card", "constraint_message", "required_message")
_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _normal_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.sub(" ", folded).strip()


def _normal_expr(source: str | None) -> str:
    if source is None or not source.strip():
        return ""
    try:
        return to_xpath(parse(source))
    except ExpressionError:
        return " ".join(source.split())


def _short(text: str | None, limit: int = 80) -> str:
    if text is None:
        return "(none)"
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _change(
    kind: ChangeKind,
    impact: Impact,
    item: str,
    phrase: Phrase,
    *,
    language: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> Change:
    return Change(kind, impact, item, phrase.text(), language, old, new, phrase)


def _index(q: Questionnaire) -> tuple[dict[str, Question], dict[str, Group], dict[str, str]]:
    questions: dict[str, Question] = {}
    groups: dict[str, Group] = {}
    module_of: dict[str, str] = {}
    for ancestors, item in q.walk():
        module_of[item.name] = ancestors[0].name if ancestors else item.name
        if isinstance(item, Question):
            questions[item.name] = item
        else:
            groups[item.name] = item
    return questions, groups, module_of


def _repeat_name(q: Questionnaire, name: str) -> str | None:
    group = q.repeat_of(name)
    return group.name if group is not None else None


def _text_changes(
    name: str, field: str, old: Text, new: Text, languages: set[str], help_text: bool
) -> Iterator[Change]:
    for lang in sorted(languages):
        a, b = old.get(lang), new.get(lang)
        if a == b or (a is None and b is None):
            continue
        if help_text:
            kind, impact = ChangeKind.HELP_TEXT_CHANGED, Impact.COSMETIC
        else:
            kind = ChangeKind.WORDING_CHANGED
            same = a is not None and b is not None and _normal_text(a) == _normal_text(b)
            impact = Impact.COSMETIC if same else Impact.COMPATIBLE
        yield _change(
            kind,
            impact,
            name,
            Phrase.of(f"text_{field}", lang=lang),
            language=lang,
            old=_short(a),
            new=_short(b),
        )


def _choice_changes(
    name: str,
    old_list: ChoiceList,
    new_list: ChoiceList,
    recode: dict[int, int],
    languages: set[str],
) -> Iterator[Change]:
    old_by, new_by = old_list.by_code(), new_list.by_code()
    recode_targets = set(recode.values())
    for code, old_choice in old_by.items():
        if code in recode:
            yield _change(
                ChangeKind.CHOICE_RECODED,
                Impact.COMPATIBLE,
                name,
                Phrase.of("choice_recoded", code=code, choice=old_choice.name, to=recode[code]),
                old=str(code),
                new=str(recode[code]),
            )
            continue
        new_choice = new_by.get(code)
        if new_choice is None:
            yield _change(
                ChangeKind.CHOICE_REMOVED,
                Impact.BREAKING,
                name,
                Phrase.of("choice_removed", code=code, choice=old_choice.name),
                old=str(code),
            )
        elif new_choice.name != old_choice.name:
            yield _change(
                ChangeKind.CHOICE_REMEANT,
                Impact.BREAKING,
                name,
                Phrase.of("choice_remeant", code=code, new=new_choice.name, old=old_choice.name),
                old=old_choice.name,
                new=new_choice.name,
            )
        else:
            for lang in sorted(languages):
                a, b = old_choice.label.get(lang), new_choice.label.get(lang)
                if a != b and a is not None and b is not None:
                    trivial = _normal_text(a) == _normal_text(b)
                    yield _change(
                        ChangeKind.CHOICE_RELABELLED,
                        Impact.COSMETIC if trivial else Impact.COMPATIBLE,
                        name,
                        Phrase.of("choice_relabelled", code=code, lang=lang),
                        language=lang,
                        old=_short(a),
                        new=_short(b),
                    )
    for code, new_choice in new_by.items():
        if code not in old_by and code not in recode_targets:
            yield _change(
                ChangeKind.CHOICE_ADDED,
                Impact.COMPATIBLE,
                name,
                Phrase.of("choice_added", code=code, choice=new_choice.name),
                new=str(code),
            )
    old_missing, new_missing = old_list.missing_codes(), new_list.missing_codes()
    if old_missing != new_missing:
        yield _change(
            ChangeKind.MISSING_CODES_CHANGED,
            Impact.COMPATIBLE,
            name,
            Phrase.of("missing_codes_changed"),
            old=_short(str({k: v.value for k, v in sorted(old_missing.items())})),
            new=_short(str({k: v.value for k, v in sorted(new_missing.items())})),
        )


def _question_changes(
    old_q: Questionnaire,
    new_q: Questionnaire,
    old: Question,
    new: Question,
    old_module: str,
    new_module: str,
    languages: set[str],
) -> Iterator[Change]:
    name = new.name
    if old.type != new.type:
        yield _change(
            ChangeKind.TYPE_CHANGED,
            Impact.BREAKING,
            name,
            Phrase.of("type_changed", old=old.type.value, new=new.type.value),
            old=old.type.value,
            new=new.type.value,
        )
    if _repeat_name(old_q, old.name) != _repeat_name(new_q, new.name):
        yield _change(
            ChangeKind.REPEAT_CHANGED,
            Impact.BREAKING,
            name,
            Phrase.of("repeat_moved"),
            old=_repeat_name(old_q, old.name),
            new=_repeat_name(new_q, new.name),
        )
    elif old_module != new_module:
        yield _change(
            ChangeKind.QUESTION_MOVED,
            Impact.COSMETIC,
            name,
            Phrase.of("question_moved", old=old_module, new=new_module),
            old=old_module,
            new=new_module,
        )
    yield from _text_changes(name, "label", old.label, new.label, languages, help_text=False)
    for field in _HELP_FIELDS:
        yield from _text_changes(
            name, field, getattr(old, field), getattr(new, field), languages, help_text=True
        )
    for field, kind, impact in (
        ("relevant", ChangeKind.UNIVERSE_CHANGED, Impact.BREAKING),
        ("constraint", ChangeKind.CONSTRAINT_CHANGED, Impact.COMPATIBLE),
        ("calculation", ChangeKind.CALCULATION_CHANGED, Impact.BREAKING),
        ("choice_filter", ChangeKind.UNIVERSE_CHANGED, Impact.BREAKING),
    ):
        a, b = getattr(old, field), getattr(new, field)
        if _normal_expr(a) != _normal_expr(b):
            phrase = Phrase.of(f"{field}_changed")
            yield _change(kind, impact, name, phrase, old=_short(a), new=_short(b))
    if old.required != new.required:
        yield _change(
            ChangeKind.REQUIRED_CHANGED,
            Impact.COMPATIBLE,
            name,
            Phrase.of("required_changed"),
            old=str(old.required),
            new=str(new.required),
        )
    for flag in ("sensitive", "identifying"):
        if getattr(old, flag) != getattr(new, flag):
            yield _change(
                ChangeKind.FLAG_CHANGED,
                Impact.COMPATIBLE,
                name,
                Phrase.of("flag_changed", flag=flag),
                old=str(getattr(old, flag)),
                new=str(getattr(new, flag)),
            )
    if old.is_select and new.is_select and old.type == new.type:
        old_list, new_list = old_q.choice_list(old), new_q.choice_list(new)
        if not (old_list.local and new_list.local):
            yield from _choice_changes(name, old_list, new_list, new.recode_from, languages)


def _group_changes(old: Group, new: Group, languages: set[str]) -> Iterator[Change]:
    name = new.name
    if old.type != new.type or _normal_expr(old.repeat_count) != _normal_expr(new.repeat_count):
        yield _change(
            ChangeKind.REPEAT_CHANGED,
            Impact.BREAKING,
            name,
            Phrase.of("group_repeat_changed"),
            old=f"{old.type} {old.repeat_count or ''}".strip(),
            new=f"{new.type} {new.repeat_count or ''}".strip(),
        )
    if _normal_expr(old.relevant) != _normal_expr(new.relevant):
        yield _change(
            ChangeKind.GROUP_UNIVERSE_CHANGED,
            Impact.BREAKING,
            name,
            Phrase.of("group_universe_changed"),
            old=_short(old.relevant),
            new=_short(new.relevant),
        )
    yield from _text_changes(name, "label", old.label, new.label, languages, help_text=True)
    yield from _text_changes(name, "intro", old.intro, new.intro, languages, help_text=True)


def diff_questionnaires(old: Questionnaire, new: Questionnaire) -> VersionDiff:
    """List every change from ``old`` to ``new`` and classify it.

    Args:
        old: The earlier questionnaire (or the regional core, for a country adaptation).
        new: The later questionnaire (or the adapted one).

    Returns:
        The changes, in the new questionnaire's document order, with removals last.
    """
    old_questions, old_groups, old_module = _index(old)
    _, _, new_module = _index(new)
    languages = set(old.languages) & set(new.languages)
    changes: list[Change] = []
    for lang in sorted(set(new.languages) - set(old.languages)):
        changes.append(
            _change(
                ChangeKind.LANGUAGE_ADDED,
                Impact.COMPATIBLE,
                new.id,
                Phrase.of("language_added", lang=lang),
            )
        )
    for lang in sorted(set(old.languages) - set(new.languages)):
        changes.append(
            _change(
                ChangeKind.LANGUAGE_REMOVED,
                Impact.COMPATIBLE,
                new.id,
                Phrase.of("language_removed", lang=lang),
            )
        )
    changes.extend(_text_changes(new.id, "title", old.title, new.title, languages, True))
    matched_old: set[str] = set()
    for _, item in new.walk():
        if isinstance(item, Group):
            source = item.name if item.name in old_groups else item.renamed_from
            if source is None or source not in old_groups:
                changes.append(
                    _change(
                        ChangeKind.GROUP_ADDED,
                        Impact.COMPATIBLE,
                        item.name,
                        Phrase.of("group_added"),
                    )
                )
                continue
            matched_old.add(source)
            if source != item.name:
                changes.append(
                    _change(
                        ChangeKind.GROUP_RENAMED,
                        Impact.COMPATIBLE,
                        item.name,
                        Phrase.of("group_renamed", old=source),
                        old=source,
                        new=item.name,
                    )
                )
            changes.extend(_group_changes(old_groups[source], item, languages))
            continue
        for replaced in item.replaces:
            if replaced in old_questions:
                matched_old.add(replaced)
                changes.append(
                    _change(
                        ChangeKind.QUESTION_REPLACED,
                        Impact.BREAKING,
                        item.name,
                        Phrase.of("question_replaced", old=replaced),
                        old=replaced,
                        new=item.name,
                    )
                )
        if item.name in old_questions:
            source = item.name
        elif item.renamed_from is not None and item.renamed_from in old_questions:
            source = item.renamed_from
        else:
            if not item.replaces:
                changes.append(
                    _change(
                        ChangeKind.QUESTION_ADDED,
                        Impact.COMPATIBLE,
                        item.name,
                        Phrase.of("question_added", type=item.type.value),
                    )
                )
            continue
        matched_old.add(source)
        if source != item.name:
            changes.append(
                _change(
                    ChangeKind.QUESTION_RENAMED,
                    Impact.COMPATIBLE,
                    item.name,
                    Phrase.of("question_renamed", old=source),
                    old=source,
                    new=item.name,
                )
            )
        changes.extend(
            _question_changes(
                old,
                new,
                old_questions[source],
                item,
                old_module[source],
                new_module[item.name],
                languages,
            )
        )
    for name, question in old_questions.items():
        if name not in matched_old:
            changes.append(
                _change(
                    ChangeKind.QUESTION_REMOVED,
                    Impact.BREAKING,
                    name,
                    Phrase.of("question_removed", type=question.type.value, name=name),
                )
            )
    for name in old_groups:
        if name not in matched_old:
            changes.append(
                _change(
                    ChangeKind.GROUP_REMOVED, Impact.COMPATIBLE, name, Phrase.of("group_removed")
                )
            )
    return VersionDiff(
        instrument=new.id,
        old_version=old.version,
        new_version=new.version,
        changes=tuple(changes),
        old_instrument=old.id,
    )
