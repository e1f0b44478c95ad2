"""Build an adapted questionnaire from ``adaptation.yaml`` and its regional core.

The core folder is read with the questionnaire loader's own reader, the adaptation is applied to
that model input (so every location still points at the file that wrote it), and the result is
validated by the same rules as any questionnaire. Format (all keys but ``base``, ``id``,
``version`` and ``languages`` optional)::

    base: regional-inmate@1.0.0          # or a path, relative to this file
    id: arcadia-inmate
    version: 1.0.0
    title: {es: ..., en: ...}
    languages: [es, en]                  # the core's languages fielded, plus added ones
    default_language: es
    add_languages: {ht: translations_ht.yaml}   # texts of an added language (see below)
    modules:                             # national modules, each after a core module
      - {file: national_module.yaml, after: m3_legal}
    questions:                           # national questions appended to a core group
      - {file: more_questions.yaml, into: m5_conditions}
    choice_files: [national_choices.yaml]
    replace_choices:                     # local lists from the survey's frame
      facility: {from_csv: facilities.csv, code: code, label: name, filters: [region]}
    not_fielded: {sexual_orientation: "not approved by the national ethics committee"}
    overrides: {age: {constraint: . >= 16 and . <= 99}}   # changes to core questions
    declared_changes: {age: "minors are held in adult prisons in this country"}
    crosswalks:                          # national codes mapped to a core classification
      - {question: offence_iccs, national_question: offence_national, from_csv: offences.csv,
         code: code, label: name, maps_to: iccs}

A translations file for an added language maps ``title``/``description`` to a text, ``items``
to ``{name: {label: ..., hint: ...}}`` and ``choices`` to ``{list: {code: label}}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prisonsurvey.adaptation.code_table import code_choice, read_code_table
from prisonsurvey.adaptation.codes import AdpCode
from prisonsurvey.adaptation.crosswalk import apply_crosswalks
from prisonsurvey.adaptation.summary import ComparabilitySummary, summarise
from prisonsurvey.errors import InputError, Issue, Issues, Severity
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import (
    FolderLoader,
    LoadResult,
    load_questionnaire,
    questionnaire_summary,
)
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.questionnaire.model_errors import suggest
from prisonsurvey.questionnaire.text_fields import QUESTION_TEXTS, TEXT_FIELDS
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml
from prisonsurvey.versions.diff import diff_questionnaires

ADAPTATION_FILE = "adaptation.yaml"
KEYS: tuple[str, ...] = (
    "base",
    "id",
    "version",
    "title",
    "description",
    "languages",
    "default_language",
    "instance_name",
    "add_languages",
    "modules",
    "questions",
    "choice_files",
    "replace_choices",
    "not_fielded",
    "overrides",
    "declared_changes",
    "crosswalks",
)
REQUIRED: tuple[str, ...] = ("base", "id", "version", "languages")
_ROOT_OVERRIDES = ("id", "version", "title", "description", "languages", "default_language")
_TEXT_KEYS = TEXT_FIELDS
_OVERRIDABLE = frozenset(
    {
        *QUESTION_TEXTS,
        "required",
        "relevant",
        "constraint",
        "calculation",
        "choices",
        "choice_filter",
        "default",
        "appearance",
        "type",
        "sensitive",
        "identifying",
        "key",
    }
)
_EXPR_KEYS = ("relevant", "constraint", "calculation", "choice_filter", "repeat_count", "required")
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class AdaptedResult:
    """What loading an adaptation gave.

    Attributes:
        questionnaire: The adapted questionnaire, or ``None`` if any error was found.
        issues: Every problem, located in the file that caused it.
        core: The regional core questionnaire, when it loaded.
        comparability: The comparability summary, when the adaptation built.
    """

    questionnaire: Questionnaire | None
    issues: Issues = field(default_factory=Issues)
    core: Questionnaire | None = None
    comparability: ComparabilitySummary | None = None

    @property
    def ok(self) -> bool:
        """Whether the adapted questionnaire is usable."""
        return self.questionnaire is not None and not self.issues.has_errors

    def summary(self) -> dict[str, Any] | None:
        """Id, version and counts of a valid adapted questionnaire, or ``None``."""
        return questionnaire_summary(self.questionnaire)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (what ``validate --json`` prints for an adaptation)."""
        return {
            "ok": self.ok,
            "summary": self.summary(),
            "comparability": None if self.comparability is None else self.comparability.to_dict(),
            "issues": self.issues.to_list(),
        }


def _walk_items(items: list[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if isinstance(item, dict):
            yield item
            if isinstance(item.get("items"), list):
                yield from _walk_items(item["items"])


def _remove(items: list[Any], names: set[str]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and item.get("name") in names:
            continue
        if isinstance(item, dict) and isinstance(item.get("items"), list):
            item["items"] = _remove(item["items"], names)
        out.append(item)
    return out


def _keep_languages(value: Any, languages: set[str], parent: str | None = None) -> Any:
    if isinstance(value, dict):
        if parent in _TEXT_KEYS:
            return {k: v for k, v in value.items() if k in languages}
        return {k: _keep_languages(v, languages, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_keep_languages(v, languages, parent) for v in value]
    return value


class _Adapter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent
        self.issues: list[Issue] = []
        self.derived: dict[str, str] = {}
        self.doc = read_yaml(path)
        self.issues.extend(self.doc.issues)

    def _issue(
        self, code: AdpCode, message: str, where: tuple[str | int, ...], key: bool = False
    ) -> None:
        self.issues.append(Issue(code.value, message, self.doc.locate(where, key=key)))

    def _mapping(self, key: str) -> dict[str, Any]:
        value = self.doc.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self._issue(AdpCode.BAD_STRUCTURE, f"'{key}' must be a mapping", (key,))
            return {}
        return value

    def _list(self, key: str) -> list[Any]:
        value = self.doc.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._issue(AdpCode.BAD_STRUCTURE, f"'{key}' must be a list", (key,))
            return []
        return value

    def check_keys(self) -> bool:
        data = self.doc.data
        if not isinstance(data, dict):
            self._issue(
                AdpCode.BAD_STRUCTURE, "adaptation.yaml must be a mapping (base, id, ...)", ()
            )
            return False
        for key in data:
            if key not in KEYS:
                self._issue(
                    AdpCode.UNKNOWN_FIELD,
                    f"unknown field '{key}' in adaptation.yaml; {suggest(str(key), KEYS)}",
                    (key,),
                    key=True,
                )
        for key in REQUIRED:
            if key not in data:
                self._issue(AdpCode.MISSING_FIELD, f"'{key}' is required in adaptation.yaml", ())
        return all(k in data for k in REQUIRED)

    def core_folder(self) -> Path | None:
        base = str(self.doc.data["base"])
        relative = self.folder / base
        try:
            return find_instrument(relative if relative.is_dir() else base)
        except InputError as err:
            first = next(iter(err.issues))
            self._issue(AdpCode.UNKNOWN_CORE_ITEM, f"base: {first.message}", ("base",))
            return None

    def _read_extra(self, name: str, where: tuple[str | int, ...]) -> YamlDocument | None:
        target = self.folder / name
        if not target.is_file():
            self._issue(
                AdpCode.BAD_STRUCTURE,
                f"file '{name}' does not exist beside adaptation.yaml; create it or fix the name",
                where,
            )
            return None
        doc = read_yaml(target)
        self.issues.extend(doc.issues)
        return doc if doc.ok else None

    def apply(self, loader: FolderLoader, data: dict[str, Any], core: Questionnaire) -> None:
        spec = self.doc.data
        for key in _ROOT_OVERRIDES:
            if key in spec:
                data[key] = spec[key]
        if "instance_name" in spec:
            data["instance_name"] = spec["instance_name"]
        languages = {str(lang) for lang in spec.get("languages") or []}
        if "default_language" not in spec and data.get("default_language") not in languages:
            data["default_language"] = next(iter(spec.get("languages") or []), None)
        self._not_fielded(data)
        self._overrides(data)
        self._modules(loader, data, core)
        self._questions(data, core)
        self._choice_files(loader, data)
        self._replace_choices(data, core, languages)
        walked = apply_crosswalks(
            self._list("crosswalks"), self.folder, self.doc, data, sorted(languages)
        )
        self.issues.extend(walked.issues)
        self.derived = walked.derived
        self._add_languages(data, core)
        for key in ("modules", "choice_lists", "title", "description"):
            if key in data:
                data[key] = _keep_languages(data[key], languages, key)

    def _not_fielded(self, data: dict[str, Any]) -> None:
        reasons = self._mapping("not_fielded")
        if not reasons:
            return
        names = set(reasons)
        known = {i.get("name") for i in _walk_items(data["modules"])}
        for name in sorted(names - known):
            self._issue(
                AdpCode.UNKNOWN_CORE_ITEM,
                f"not_fielded names '{name}', which the core does not have",
                ("not_fielded", name),
                key=True,
            )
        data["modules"] = _remove(data["modules"], names)
        for item in _walk_items(data["modules"]):
            for key in _EXPR_KEYS:
                value = item.get(key)
                if isinstance(value, str):
                    for ref in sorted(set(_REF.findall(value)) & names):
                        self._issue(
                            AdpCode.NOT_FIELDED_REFERENCED,
                            f"'{ref}' is not fielded but '{item.get('name')}' uses it in {key}; "
                            f"also leave out '{item.get('name')}' or override its {key}",
                            ("not_fielded", ref),
                            key=True,
                        )

    def _overrides(self, data: dict[str, Any]) -> None:
        items = {i.get("name"): i for i in _walk_items(data["modules"])}
        for name, changes in self._mapping("overrides").items():
            if name not in items:
                self._issue(
                    AdpCode.UNKNOWN_CORE_ITEM,
                    f"overrides names '{name}', which the core does not have",
                    ("overrides", name),
                    key=True,
                )
                continue
            if not isinstance(changes, dict):
                self._issue(
                    AdpCode.BAD_STRUCTURE, "an override is a mapping of fields", ("overrides", name)
                )
                continue
            for key, value in changes.items():
                if key not in _OVERRIDABLE:
                    self._issue(
                        AdpCode.BAD_OVERRIDE,
                        f"'{key}' cannot be overridden; {suggest(str(key), sorted(_OVERRIDABLE))}",
                        ("overrides", name, key),
                        key=True,
                    )
                    continue
                items[name][key] = value

    def _group_index(self, data: dict[str, Any], name: str) -> int | None:
        for index, module in enumerate(data["modules"]):
            if isinstance(module, dict) and module.get("name") == name:
                return index
        return None

    def _modules(self, loader: FolderLoader, data: dict[str, Any], core: Questionnaire) -> None:
        for index, entry in enumerate(self._list("modules")):
            where: tuple[str | int, ...] = ("modules", index)
            if not isinstance(entry, dict) or "file" not in entry:
                self._issue(
                    AdpCode.BAD_STRUCTURE, "a module entry is {file: ..., after: ...}", where
                )
                continue
            doc = self._read_extra(str(entry["file"]), (*where, "file"))
            if doc is None:
                continue
            position = len(data["modules"])
            after = entry.get("after")
            if after is not None:
                found = self._group_index(data, str(after))
                if found is None:
                    self._issue(
                        AdpCode.UNKNOWN_CORE_ITEM,
                        f"after: '{after}' is not a module of the core; "
                        f"{suggest(str(after), [m.name for m in core.modules])}",
                        (*where, "after"),
                    )
                else:
                    position = found + 1
            data["modules"].insert(position, doc.data)
            loader.source.modules.insert(position, doc)
            loader.read_order.append(doc.file)

    def _questions(self, data: dict[str, Any], core: Questionnaire) -> None:
        groups = {i.get("name"): i for i in _walk_items(data["modules"]) if "items" in i}
        for index, entry in enumerate(self._list("questions")):
            where: tuple[str | int, ...] = ("questions", index)
            if not isinstance(entry, dict) or "file" not in entry or "into" not in entry:
                self._issue(
                    AdpCode.BAD_STRUCTURE, "a questions entry is {file: ..., into: group}", where
                )
                continue
            target = groups.get(entry["into"])
            if target is None:
                self._issue(
                    AdpCode.UNKNOWN_CORE_ITEM,
                    f"into: '{entry['into']}' is not a group of the core",
                    (*where, "into"),
                )
                continue
            doc = self._read_extra(str(entry["file"]), (*where, "file"))
            if doc is None:
                continue
            if not isinstance(doc.data, list):
                self._issue(
                    AdpCode.BAD_STRUCTURE,
                    "a questions file is a list of questions",
                    (*where, "file"),
                )
                continue
            target["items"] = [*target["items"], *doc.data]

    def _choice_files(self, loader: FolderLoader, data: dict[str, Any]) -> None:
        for index, name in enumerate(self._list("choice_files")):
            doc = self._read_extra(str(name), ("choice_files", index))
            if doc is None or not isinstance(doc.data, dict):
                continue
            for list_name, definition in doc.data.items():
                if list_name in data["choice_lists"]:
                    self.issues.append(
                        Issue(
                            AdpCode.BAD_STRUCTURE.value,
                            f"choice list '{list_name}' is already in the core; give the national "
                            "list another name, or replace the core list under replace_choices",
                            doc.locate((list_name,), key=True),
                        )
                    )
                    continue
                if isinstance(definition, dict):
                    data["choice_lists"][list_name] = {**definition, "name": list_name}
                    loader.source.choice_lists[list_name] = doc

    def _replace_choices(
        self, data: dict[str, Any], core: Questionnaire, languages: set[str]
    ) -> None:
        for list_name, spec in self._mapping("replace_choices").items():
            where: tuple[str | int, ...] = ("replace_choices", list_name)
            if list_name not in data["choice_lists"]:
                self._issue(
                    AdpCode.UNKNOWN_CORE_ITEM,
                    f"replace_choices names '{list_name}', which is not a core list; "
                    f"{suggest(str(list_name), sorted(core.choice_lists))}",
                    where,
                    key=True,
                )
                continue
            if not isinstance(spec, dict) or "from_csv" not in spec:
                self._issue(
                    AdpCode.BAD_STRUCTURE,
                    "a replacement is {from_csv: file.csv, code: column, label: column, "
                    "filters: [columns]}",
                    where,
                )
                continue
            choices = self._csv_choices(spec, where, list_name, languages)
            if choices is not None:
                core_list = data["choice_lists"][list_name]
                data["choice_lists"][list_name] = {
                    "name": list_name,
                    "local": core_list.get("local", False),
                    "choices": choices,
                }

    def _csv_choices(
        self,
        spec: dict[str, Any],
        where: tuple[str | int, ...],
        list_name: str,
        languages: set[str],
    ) -> list[dict[str, Any]] | None:
        path = self.folder / str(spec["from_csv"])
        label_col = str(spec.get("label", "name"))
        filters = [str(f) for f in spec.get("filters") or []]
        read = read_code_table(path, str(spec.get("code", "code")), [label_col, *filters])
        if isinstance(read, Issue):
            self._issue(AdpCode(read.code), read.message, where)
            return None
        rows, row_issues = read
        self.issues.extend(row_issues)
        return [
            code_choice(
                list_name,
                row,
                row.cells[label_col],
                sorted(languages),
                {f: row.cells[f] for f in filters},
            )
            for row in rows
        ]

    def _add_languages(self, data: dict[str, Any], core: Questionnaire) -> None:
        items = {i.get("name"): i for i in _walk_items(data["modules"])}
        for lang, file_name in self._mapping("add_languages").items():
            doc = self._read_extra(str(file_name), ("add_languages", lang))
            if doc is None or not isinstance(doc.data, dict):
                continue
            texts = doc.data
            for key in ("title", "description"):
                if isinstance(texts.get(key), str) and isinstance(data.get(key), dict):
                    data[key] = {**data[key], lang: texts[key]}
            for name, fields in (texts.get("items") or {}).items():
                if name not in items or not isinstance(fields, dict):
                    self.issues.append(
                        Issue(
                            AdpCode.UNKNOWN_CORE_ITEM.value,
                            f"'{name}' is not a question or group of the adapted questionnaire",
                            doc.locate(("items", name), key=True),
                        )
                    )
                    continue
                for key, text in fields.items():
                    if key in _TEXT_KEYS and isinstance(items[name].get(key), dict):
                        items[name][key] = {**items[name][key], lang: text}
            for list_name, labels in (texts.get("choices") or {}).items():
                definition = data["choice_lists"].get(list_name)
                if definition is None or not isinstance(labels, dict):
                    continue
                for choice in definition.get("choices", []):
                    if choice.get("code") in labels:
                        choice["label"] = {**choice.get("label", {}), lang: labels[choice["code"]]}


def load_adapted(path: Path) -> AdaptedResult:
    """Build an adapted questionnaire and its comparability summary.

    Args:
        path: ``adaptation.yaml`` or the folder holding it.

    Returns:
        The adapted questionnaire (``None`` on errors), every issue, and the summary.
    """
    path = Path(path)
    if path.is_dir():
        path = path / ADAPTATION_FILE
    adapter = _Adapter(path)
    if not adapter.doc.ok or not adapter.check_keys():
        return AdaptedResult(None, Issues(adapter.issues))
    core_folder = adapter.core_folder()
    if core_folder is None:
        return AdaptedResult(None, Issues(adapter.issues))
    core_result: LoadResult = load_questionnaire(core_folder)
    core = core_result.questionnaire
    if core is None:
        adapter.issues.extend(core_result.issues)
        return AdaptedResult(None, Issues(adapter.issues))
    loader = FolderLoader(core_folder)
    data = loader.read()
    if data is None:
        adapter.issues.extend(loader.issues)
        return AdaptedResult(None, Issues(adapter.issues), core)
    adapter.apply(loader, data, core)
    result = loader.build(data)
    issues = Issues([*adapter.issues, *result.issues])
    adapted = result.questionnaire if not issues.has_errors else None
    summary: ComparabilitySummary | None = None
    if result.questionnaire is not None:
        declared = {str(k): str(v) for k, v in adapter._mapping("declared_changes").items()}
        not_fielded = {str(k): str(v) for k, v in adapter._mapping("not_fielded").items()}
        diff = diff_questionnaires(core, result.questionnaire)
        summary = summarise(
            core, result.questionnaire, diff, not_fielded, declared, adapter.derived
        )
        for change in summary.undeclared_breaking:
            issues.add(
                Issue(
                    AdpCode.UNDECLARED_BREAK.value,
                    f"core question '{change.item}': {change.detail} breaks comparability with "
                    f"{summary.base}; undo it, or declare it under declared_changes with a reason",
                    adapter.doc.locate(("overrides", change.item)),
                )
            )
        for name in declared:
            if name not in summary.adapted_items:
                issues.add(
                    Issue(
                        AdpCode.UNKNOWN_CORE_ITEM.value,
                        f"declared_changes names '{name}', which the adaptation does not change",
                        adapter.doc.locate(("declared_changes", name), key=True),
                        Severity.WARNING,
                    )
                )
        if issues.has_errors:
            adapted = None
    return AdaptedResult(adapted, issues, core, summary)


def load_adapted_or_raise(path: Path) -> Questionnaire:
    """Build an adapted questionnaire or raise with every error found.

    Raises:
        InputError: The adaptation or its core has errors.
    """
    result = load_adapted(path)
    if result.questionnaire is None:
        raise InputError(result.issues.errors)
    return result.questionnaire
