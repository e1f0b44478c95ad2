"""Load a questionnaire folder into the model, reporting every problem with its location.

:func:`load_questionnaire` reads ``questionnaire.yaml``, the module files and the choice files
of a folder (see ``docs/questionnaire-format.md``), builds the
:class:`~prisonsurvey.questionnaire.model.Questionnaire`, maps each pydantic validation error
back to the YAML node it came from, and runs the cross-field rules of
:mod:`prisonsurvey.questionnaire.lint`. Every problem is collected as an
:class:`~prisonsurvey.errors.Issue` with a ``QNR`` code (see
:mod:`prisonsurvey.questionnaire.codes`) and a ``file:line:column`` location.

:func:`load_questionnaire_or_raise` is the one-liner for code that needs a valid questionnaire.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prisonsurvey.errors import InputError, Issue, Issues, Location, Severity
from prisonsurvey.questionnaire.codes import QnrCode
from prisonsurvey.questionnaire.lint import lint_questionnaire
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.questionnaire.model_errors import suggest, validation_issues
from prisonsurvey.questionnaire.repair import outside_repaired, repair
from prisonsurvey.questionnaire.source_map import SourceMap
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml

ROOT_FILE = "questionnaire.yaml"
ROOT_KEYS: tuple[str, ...] = (
    "id",
    "version",
    "title",
    "description",
    "languages",
    "default_language",
    "instance_name",
    "modules",
    "choice_files",
)
"""Keys allowed in questionnaire.yaml."""

_BOOL_WORDS = {"yes": True, "no": False, "true": True, "false": False}
_EXPRESSION_FIELDS = frozenset(
    {"relevant", "constraint", "calculation", "choice_filter", "default", "repeat_count"}
)


def questionnaire_summary(q: Questionnaire | None) -> dict[str, Any] | None:
    """Id, version and counts of a questionnaire, or ``None`` when there is none.

    Args:
        q: The questionnaire (``None`` when loading it failed).

    Returns:
        ``{"id", "version", "modules", "questions", "languages"}`` or ``None``.
    """
    if q is None:
        return None
    return {
        "id": q.id,
        "version": q.version,
        "modules": len(q.modules),
        "questions": len(q.questions()),
        "languages": list(q.languages),
    }


@dataclass
class LoadResult:
    """What loading a questionnaire folder gave.

    Attributes:
        questionnaire: The questionnaire, or ``None`` if any error was found (warnings alone
            keep it).
        issues: Every problem found, in file and line order.
        source: Where each part was written (``None`` if questionnaire.yaml could not be read).
    """

    questionnaire: Questionnaire | None
    issues: Issues = field(default_factory=Issues)
    source: SourceMap | None = None

    @property
    def ok(self) -> bool:
        """Whether the questionnaire is usable (no errors; warnings allowed)."""
        return self.questionnaire is not None and not self.issues.has_errors

    def summary(self) -> dict[str, Any] | None:
        """Id, version and counts of a valid questionnaire, or ``None``."""
        return questionnaire_summary(self.questionnaire)

    def copy(self) -> LoadResult:
        """A copy whose issue list can be changed without touching this one."""
        return LoadResult(self.questionnaire, Issues(list(self.issues)), self.source)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result: ``ok``, ``summary`` and the ``issues`` list."""
        return {"ok": self.ok, "summary": self.summary(), "issues": self.issues.to_list()}


def _issue(code: QnrCode, message: str, location: Location) -> Issue:
    return Issue(code.value, message, location)


def _expressions_as_text(item: Any) -> Any:
    """Read numbers written as expressions and ``required: yes`` the way authors mean them.

    ``default: 0`` and ``repeat_count: 3`` become the expressions ``0`` and ``3``;
    ``required: yes`` is true (YAML 1.2 reads ``yes`` as text).
    """
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for key in _EXPRESSION_FIELDS & out.keys():
        value = out[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = str(value)
    required = out.get("required")
    if isinstance(required, str) and required.strip().lower() in _BOOL_WORDS:
        out["required"] = _BOOL_WORDS[required.strip().lower()]
    if isinstance(out.get("items"), list):
        out["items"] = [_expressions_as_text(child) for child in out["items"]]
    return out


def _file_list(
    root: YamlDocument, key: str, default: list[str] | None, issues: list[Issue]
) -> list[tuple[int, str]]:
    """Read a list of file names (``modules``, ``choice_files``) from questionnaire.yaml."""
    value = root.data.get(key, default)
    if value is None and key in root.data and default is not None:
        return []  # `choice_files:` left empty: no choice files
    if value is None:
        issues.append(
            _issue(
                QnrCode.MISSING_FIELD,
                f"required field '{key}' is missing; list the module files in interview "
                "order, e.g. `modules: [m0_control.yaml]`",
                root.locate(()),
            )
        )
        return []
    if not isinstance(value, list):
        issues.append(
            _issue(
                QnrCode.WRONG_TYPE,
                f"{key} must be a list of file names (one '- ' line per file)",
                root.locate((key,)),
            )
        )
        return []
    names: list[tuple[int, str]] = []
    listed: set[str] = set()
    for i, entry in enumerate(value):
        if not isinstance(entry, str) or not entry.strip():
            issues.append(
                _issue(
                    QnrCode.WRONG_TYPE,
                    f"{key} entries must be file names such as 'm1_demographics.yaml'",
                    root.locate((key, i)),
                )
            )
        elif entry in listed:
            issues.append(
                _issue(
                    QnrCode.BAD_STRUCTURE,
                    f"file '{entry}' is listed twice under {key}; remove one entry",
                    root.locate((key, i)),
                )
            )
        else:
            listed.add(entry)
            names.append((i, entry))
    return names


class FolderLoader:
    """Reads the files of one questionnaire folder and assembles the model input.

    :meth:`read` gives the model input (plain data, with :attr:`source` recording where each
    part was written) and :meth:`build` validates it and runs the cross-field rules; code that
    assembles a questionnaire from several folders (a country adaptation) edits the data
    between the two steps and keeps every location.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.issues: list[Issue] = []
        self.source = SourceMap()
        self.read_order: list[str] = []
        self.probed: list[Path] = []  # every file looked at, present or not (see _MEMO)

    def _read(self, name: str) -> YamlDocument:
        doc = read_yaml(self.folder / name, str(self.folder / name))
        self.read_order.append(doc.file)
        self.probed.append(self.folder / name)
        self.issues.extend(doc.issues)
        return doc

    def _read_listed(self, key: str, index: int, name: str) -> YamlDocument | None:
        target = self.folder / name
        self.probed.append(target)
        assert self.source.root is not None
        problem = None
        if not target.resolve().is_relative_to(self.folder.resolve()):
            problem = (
                f"file '{name}' listed under {key} is outside the questionnaire folder; "
                "keep every file of a questionnaire in its folder"
            )
        elif target.exists() and not target.is_file():
            problem = f"'{name}' listed under {key} is a folder, not a file; list a YAML file"
        elif not target.is_file():
            problem = (
                f"file '{name}' listed under {key} does not exist in {self.folder}; "
                "create it or fix the name"
            )
        if problem is not None:
            self.issues.append(
                _issue(QnrCode.MISSING_FILE, problem, self.source.root.locate((key, index)))
            )
            return None
        doc = self._read(name)
        return doc if doc.ok else None

    def _read_mapping(self, key: str, index: int, name: str, shape: str) -> YamlDocument | None:
        """Read a listed file that must hold a mapping; ``shape`` says what it should hold."""
        doc = self._read_listed(key, index, name)
        if doc is None:
            return None
        if not isinstance(doc.data, dict):
            self.issues.append(_issue(QnrCode.BAD_STRUCTURE, shape, doc.locate(())))
            return None
        return doc

    def _root_data(self, root: YamlDocument) -> dict[str, Any]:
        data = root.data
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in ROOT_KEYS:
                out[key] = value
            else:
                self.issues.append(
                    _issue(
                        QnrCode.UNKNOWN_FIELD,
                        f"unknown field '{key}' in questionnaire.yaml; {suggest(key, ROOT_KEYS)}",
                        root.locate((key,), key=True),
                    )
                )
        out.pop("modules", None)
        out.pop("choice_files", None)
        return out

    def _modules(self, root: YamlDocument) -> list[Any]:
        modules: list[Any] = []
        for index, name in _file_list(root, "modules", None, self.issues):
            doc = self._read_mapping(
                "modules",
                index,
                name,
                "a module file holds one group as a mapping (name, label, items); "
                "remove the leading '- ' or wrap the content under those keys",
            )
            if doc is None:
                continue
            self.source.modules.append(doc)
            modules.append(_expressions_as_text(doc.data))
        return modules

    def _choice_lists(self, root: YamlDocument) -> dict[str, Any]:
        lists: dict[str, Any] = {}
        explicit = "choice_files" in root.data
        for index, name in _file_list(root, "choice_files", ["choices.yaml"], self.issues):
            if not explicit and not (self.folder / name).is_file():
                self.probed.append(self.folder / name)
                continue
            doc = self._read_mapping(
                "choice_files",
                index,
                name,
                "a choice file maps each list name to its definition (`yes_no: {choices: [...]}`)",
            )
            if doc is None:
                continue
            for list_name, definition in doc.data.items():
                if list_name in lists:
                    first = self.source.choice_lists[list_name]
                    self.issues.append(
                        _issue(
                            QnrCode.DUPLICATE_LIST,
                            f"choice list '{list_name}' is already defined in {first.file}; "
                            "rename or remove one of them",
                            doc.locate((list_name,), key=True),
                        )
                    )
                    continue
                if not isinstance(definition, dict):
                    self.issues.append(
                        _issue(
                            QnrCode.BAD_STRUCTURE,
                            f"choice list '{list_name}' must be a mapping with a `choices:` "
                            "list (and optional dont_know / refused / not_applicable codes)",
                            doc.locate((list_name,)),
                        )
                    )
                    continue
                self.source.choice_lists[list_name] = doc
                lists[list_name] = {**definition, "name": list_name}
        return lists

    def read(self) -> dict[str, Any] | None:
        """Read every file; return the model input, or ``None`` if questionnaire.yaml is bad."""
        root = self._read(ROOT_FILE)
        if not root.ok:
            return None
        self.source.root = root
        if not isinstance(root.data, dict):
            self.issues.append(
                _issue(
                    QnrCode.BAD_STRUCTURE,
                    "questionnaire.yaml must be a mapping of `key: value` lines "
                    "(id, version, title, languages, default_language, modules)",
                    root.locate(()),
                )
            )
            return None
        data = self._root_data(root)
        if isinstance(data.get("instance_name"), int | float):
            data["instance_name"] = str(data["instance_name"])
        data["modules"] = self._modules(root)
        data["choice_lists"] = self._choice_lists(root)
        return data

    def build(self, data: dict[str, Any]) -> LoadResult:
        """Validate the model input, run the cross-field rules and return the result."""
        files_ok = not any(i.severity is Severity.ERROR for i in self.issues)
        questionnaire: Questionnaire | None = None
        try:
            questionnaire = Questionnaire.model_validate(data)
        except ValidationError as err:
            self.issues.extend(validation_issues(err, self.source))
            if files_ok:
                self._lint_provisional(data, err)
        if questionnaire is not None and files_ok:
            self.issues.extend(lint_questionnaire(questionnaire, self.source))
        has_errors = any(i.severity is Severity.ERROR for i in self.issues)
        return LoadResult(
            None if has_errors else questionnaire,
            Issues(self._ordered(self.issues)),
            self.source,
        )

    def load(self) -> LoadResult:
        """Read and build."""
        data = self.read()
        if data is None:
            source = self.source if self.source.root is not None else None
            return LoadResult(None, Issues(self.issues), source)
        return self.build(data)

    def _lint_provisional(self, data: dict[str, Any], err: ValidationError) -> None:
        """Run the cross-field rules on the data without the fields the model rejected."""
        repaired = repair(data, err)
        if repaired is None:
            return
        fixed, owners = repaired
        try:
            provisional = Questionnaire.model_validate(fixed)
        except ValidationError:
            return
        self.issues.extend(
            i
            for i in lint_questionnaire(provisional, self.source)
            if outside_repaired(i, self.source, owners)
        )

    def _ordered(self, issues: list[Issue]) -> list[Issue]:
        ranks = {f: r for r, f in enumerate(self.read_order)}
        return sorted(
            issues,
            key=lambda i: (
                ranks.get(i.location.file, len(ranks)),
                i.location.line or 0,
                i.location.column if isinstance(i.location.column, int) else 0,
                i.code,
            ),
        )


def check_folder(path: Path) -> None:
    """Raise :class:`InputError` (code QNR000) unless ``path`` is a questionnaire folder."""
    if not path.exists():
        problem = f"{path} does not exist; give the path of a questionnaire folder"
    elif not path.is_dir():
        problem = (
            f"{path} is not a folder; give the folder that holds questionnaire.yaml "
            "(e.g. questionnaires/regional-inmate/1.0.0)"
        )
    elif not (path / ROOT_FILE).is_file():
        problem = f"{path} has no {ROOT_FILE}; give the folder of one questionnaire version"
    else:
        return
    raise InputError(Issue(QnrCode.NOT_A_FOLDER.value, problem, Location(str(path))))


def load_questionnaire(path: Path) -> LoadResult:
    """Load a questionnaire folder, collecting every problem.

    Args:
        path: The folder holding ``questionnaire.yaml``.

    Returns:
        The questionnaire (``None`` if any error was found) and every issue, each with a
        ``QNR`` (or expression ``EXP``) code and a ``file:line:column`` location.

    Raises:
        InputError: The path is missing, not a folder, or has no questionnaire.yaml (QNR000).
    """
    path = Path(path)
    check_folder(path)
    key = str(path)
    hit = _MEMO.get(key)
    if hit is not None and all(_digest(p) == d for p, d in hit[0].items()):
        return hit[1].copy()
    loader = FolderLoader(path)
    result = loader.load()
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = ({p: _digest(p) for p in loader.probed}, result)
    return result.copy()


# Loads are remembered by folder and the content of every file looked at, so loading the same
# unchanged folder again (each command and test does) costs a read and a hash per file.
_MEMO_SIZE = 16
_MEMO: dict[str, tuple[dict[Path, str | None], LoadResult]] = {}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def clear_load_cache() -> None:
    """Forget remembered loads (benchmarks use it to measure a first load)."""
    _MEMO.clear()


def load_questionnaire_or_raise(path: Path) -> Questionnaire:
    """Load a questionnaire folder and return it, or raise with every error found.

    Warnings do not prevent loading.

    Raises:
        InputError: The folder cannot be read or the questionnaire has errors.
    """
    result = load_questionnaire(path)
    if result.questionnaire is None:
        raise InputError(result.issues.errors)
    return result.questionnaire


__all__ = [
    "LoadResult",
    "check_folder",
    "clear_load_cache",
    "load_questionnaire",
    "load_questionnaire_or_raise",
]
