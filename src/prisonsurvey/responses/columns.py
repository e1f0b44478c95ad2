"""Match export headers to questions: names or labels, with or without group paths.

A header can be a question name (``age``), its group path joined by ``-`` (Central) or ``/``
(KoBo, XML), a label in any of the questionnaire's languages, with or without the group labels
before it (KoBo's hierarchy option), a select_multiple option column (``services/education``,
``Which services do you use?/Education``) or a system column. Headers seen more than once (two
questions with the same label) are given to those questions in document order.

Codes:
    IMP010  column matches no question of this questionnaire version
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from prisonsurvey.errors import Issue, Location
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType, Text
from prisonsurvey.xlsform.layout import form_fields

# Central and KoBo columns that are not questions. Their values stay in the raw rows.
SYSTEM_COLUMNS: dict[str, str] = {
    "SubmissionDate": "_submitted_at",
    "KEY": "_key",
    "PARENT_KEY": "_parent_key",
    "ReviewState": "_review_state",
    "Edits": "_edits",
    "FormVersion": "_version",
    "SubmitterName": "_submitter",
    "DeviceID": "_device_id",
    "_submission_time": "_submitted_at",
    "_validation_status": "_review_state",
    "__version__": "_version",
    "_submitted_by": "_submitter",
    "meta/instanceName": "_instance_name",
    "meta-instanceName": "_instance_name",
    "instanceName": "_instance_name",
    "meta/rootUuid": "_root_uuid",
    "meta/instanceID": "_instance_id",
    "meta-instanceID": "_instance_id",
    "instanceID": "_instance_id",
    "@version": "_version",
}
IGNORED_COLUMNS = frozenset(
    {
        "SubmitterID",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "@id",
        "meta/deprecatedID",
        "meta-deprecatedID",
        "deprecatedID",
        "meta/audit",
        "meta-audit",
    }
)
METADATA_COLUMNS = ("start", "end", "today", "deviceid", "username", "phonenumber")
"""ODK metadata kept as columns of the typed table when present."""


@dataclass(frozen=True)
class Target:
    """What a column holds.

    Attributes:
        kind: ``question``, ``option`` (select_multiple 0/1 column), ``system``, ``metadata``,
            ``ignored`` or ``note``.
        name: Question name, system column name or metadata name.
        code: Choice code for ``option`` columns.
        language: Language of the label the header used, if it was a label.
    """

    kind: str
    name: str
    code: int | None = None
    language: str | None = None


@dataclass
class ColumnMap:
    """The meaning of each column of one table.

    Attributes:
        targets: Per column position, its target (``None``: unknown).
        issues: One ``IMP010`` per unknown column.
        language: Language of label headers, if the headers were labels.
    """

    targets: list[Target | None]
    issues: list[Issue] = field(default_factory=list)
    language: str | None = None

    def position(self, kind: str, name: str) -> int | None:
        """First column position holding ``kind``/``name``."""
        for i, t in enumerate(self.targets):
            if t is not None and t.kind == kind and t.name == name:
                return i
        return None


def _suffixes(parts: list[str]) -> list[list[str]]:
    return [parts[i:] for i in range(len(parts) + 1)]


_CACHE: dict[tuple[int, str | None], tuple[Questionnaire, dict[str, list[Target]]]] = {}


def header_index(q: Questionnaire, table: str | None) -> dict[str, list[Target]]:
    """Every header spelling of the questions in ``table`` (``None``: root), in document order."""
    hit = _CACHE.get((id(q), table))
    if hit is not None and hit[0] is q:
        return hit[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[(id(q), table)] = (q, _build_index(q, table))
    return _CACHE[(id(q), table)][1]


def _build_index(q: Questionnaire, table: str | None) -> dict[str, list[Target]]:
    index: dict[str, list[Target]] = defaultdict(list)

    def add(key: str, target: Target) -> None:
        if target not in index[key]:
            index[key].append(target)

    groups = {item.name: item for _, item in q.walk() if isinstance(item, Group)}
    # the exported form's fields: the questions, and the notes the export adds to groups
    for form_field in form_fields(q):
        if form_field.table != table or form_field.kind == "metadata":
            continue
        ancestors = [groups[name] for name in form_field.groups]
        if form_field.question is not None:
            _add_question(q, ancestors, form_field.question, add)
        else:
            target = Target("note", form_field.name)
            for base, lang in _spellings(q, ancestors, form_field.name, form_field.label):
                add(base, Target("note", form_field.name, language=lang))
            add(form_field.name, target)
    return dict(index)


def _name_paths(
    ancestors: list[Group], name: str, original: str | None
) -> list[tuple[list[str], str]]:
    """The group names and name of a field, and the same in the XLSForm it was imported from.

    A question or group renamed on import keeps its original name (``xlsform_name``): data
    collected with the original form carry those names in their headers.
    """
    paths = [([g.name for g in ancestors], name)]
    before = ([g.xlsform_name or g.name for g in ancestors], original or name)
    if before != paths[0]:
        paths.append(before)
    return paths


def _spellings(
    q: Questionnaire, ancestors: list[Group], name: str, label: Text, original: str | None = None
) -> list[tuple[str, str | None]]:
    """Every header of a field: its name with group paths, and its label in each language."""
    bases: list[tuple[str, str | None]] = []
    for names, own in _name_paths(ancestors, name, original):
        for sep in ("-", "/"):
            for suffix in _suffixes(names):
                bases.append((sep.join([*suffix, own]), None))
    for lang in q.languages:
        text = label.get(lang) or name
        labels = [g.label[lang] for g in ancestors if g.label.get(lang)]
        for suffix in _suffixes(labels):
            bases.append(("/".join([*suffix, text]), lang))
    return bases


def _add_question(q: Questionnaire, ancestors: list[Group], item: Question, add) -> None:  # type: ignore[no-untyped-def]
    kind = "note" if item.type is QuestionType.NOTE else "question"
    bases = _spellings(q, ancestors, item.name, item.label, item.xlsform_name)
    for base, base_lang in bases:
        add(base, Target(kind, item.name, language=base_lang))
    if item.type is QuestionType.SELECT_MULTIPLE and item.choices in q.choice_lists:
        cl = q.choice_lists[item.choices]
        for base, base_lang in bases:
            for c in cl.choices:
                option = Target("option", item.name, c.code, base_lang)
                for spelling in dict.fromkeys((c.name, str(c.code), c.xlsform_name or c.name)):
                    add(f"{base}/{spelling}", option)
                if base_lang is not None and c.label.get(base_lang):
                    add(f"{base}/{c.label[base_lang]}", option)


def map_columns(
    q: Questionnaire, table: str | None, header: list[str], where: str, sheet: str | None
) -> ColumnMap:
    """Give each header of ``table`` its meaning; unknown headers become ``IMP010`` issues."""
    index = header_index(q, table)
    used: dict[str, int] = defaultdict(int)
    targets: list[Target | None] = []
    issues: list[Issue] = []
    langs: dict[str, int] = defaultdict(int)
    for raw in header:
        h = raw.strip()
        target: Target | None = None
        if h in SYSTEM_COLUMNS:
            target = Target("system", SYSTEM_COLUMNS[h])
        elif h in IGNORED_COLUMNS or h.startswith(("_", "meta/", "meta-")):
            target = Target("ignored", h)
        elif h in METADATA_COLUMNS:
            target = Target("metadata", h)
        elif h in index:
            candidates = index[h]
            k = used[h]
            used[h] += 1
            target = candidates[min(k, len(candidates) - 1)]
            if target.language:
                langs[target.language] += 1
        else:
            hint = difflib.get_close_matches(h, list(index), n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else "is this export of another form?"
            issues.append(
                Issue(
                    "IMP010",
                    f"column '{h}' matches no question of {q.id} {q.version}"
                    f"{' repeat ' + table if table else ''}; {fix}",
                    Location(
                        where,
                        sheet=sheet,
                        row=1 if sheet else None,
                        column=h,
                        line=None if sheet else 1,
                    ),
                )
            )
        targets.append(target)
    language = max(langs, key=lambda k: langs[k]) if langs else None
    return ColumnMap(targets, issues, language)
