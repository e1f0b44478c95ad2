"""National codes mapped to a core classification (offences to ICCS sections, for example).

An adaptation may field a national list in place of a core classification question::

    crosswalks:
      - question: offence_iccs            # core select_one coded to an international list
        national_question: offence_national
        from_csv: offences.csv            # one row per national code
        code: code                        # national code (whole number)
        label: name                       # its text (every fielded language)
        maps_to: iccs                     # the core code it corresponds to
        national_label: {es: ..., en: ...}   # optional question text; default: the core one

The national question (a select_one on the list read from the CSV) is asked just before the core
question, and the core question becomes a calculation that looks the core code up from the
national answer (a chain of ``if()``), so the tablet fills the comparable variable itself and
every analysis of the core classification keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prisonsurvey.adaptation.code_table import code_choice, read_code_table
from prisonsurvey.adaptation.codes import AdpCode
from prisonsurvey.errors import Issue, Location
from prisonsurvey.questionnaire.yaml_source import YamlDocument

KEYS = ("question", "national_question", "from_csv", "code", "label", "maps_to", "national_label")


@dataclass
class CrosswalkResult:
    """What the crosswalks did: problems, and each derived core question's national source."""

    issues: list[Issue] = field(default_factory=list)
    derived: dict[str, str] = field(default_factory=dict)


def _find(items: list[Any], name: str) -> tuple[list[Any], int] | None:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if item.get("name") == name:
            return items, index
        if isinstance(item.get("items"), list):
            found = _find(item["items"], name)
            if found is not None:
                return found
    return None


def _modules_items(data: dict[str, Any]) -> Iterator[list[Any]]:
    for module in data.get("modules", []):
        if isinstance(module, dict) and isinstance(module.get("items"), list):
            yield module["items"]


def _lookup(national: str, pairs: list[tuple[int, int]]) -> str:
    text = "''"
    for code, target in reversed(pairs):
        text = f"if(${{{national}}} = {code}, {target}, {text})"
    return text


def apply_crosswalks(
    entries: list[Any],
    folder: Path,
    doc: YamlDocument,
    data: dict[str, Any],
    languages: list[str],
) -> CrosswalkResult:
    """Add each national question and list, and derive the core question from it."""
    result = CrosswalkResult()

    def issue(code: AdpCode, message: str, where: tuple[str | int, ...]) -> None:
        result.issues.append(Issue(code.value, message, doc.locate(where)))

    for index, entry in enumerate(entries):
        where: tuple[str | int, ...] = ("crosswalks", index)
        if not isinstance(entry, dict) or not {"question", "national_question", "from_csv"} <= set(
            entry
        ):
            issue(
                AdpCode.BAD_STRUCTURE,
                "a crosswalk is {question, national_question, from_csv, code, label, maps_to}",
                where,
            )
            continue
        unknown = sorted(set(entry) - set(KEYS))
        if unknown:
            issue(AdpCode.UNKNOWN_FIELD, f"unknown crosswalk key(s): {', '.join(unknown)}", where)
        core_name = str(entry["question"])
        found = None
        for items in _modules_items(data):
            found = _find(items, core_name)
            if found is not None:
                break
        if found is None:
            issue(
                AdpCode.UNKNOWN_CORE_ITEM,
                f"crosswalk question '{core_name}' is not in the core",
                (*where, "question"),
            )
            continue
        siblings, position = found
        core = siblings[position]
        core_list = data["choice_lists"].get(core.get("choices"))
        if core.get("type") != "select_one" or core_list is None:
            issue(
                AdpCode.BAD_OVERRIDE,
                f"'{core_name}' is not a select_one with a choice list; a crosswalk maps national "
                "codes to the codes of such a question",
                (*where, "question"),
            )
            continue
        valid = {int(c["code"]) for c in core_list.get("choices", []) if "code" in c}
        national = str(entry["national_question"])
        read = _read_csv(folder / str(entry["from_csv"]), entry, valid, languages, national)
        if isinstance(read, Issue):
            result.issues.append(
                read if read.location.file else Issue(read.code, read.message, doc.locate(where))
            )
            continue
        choices, pairs = read
        data["choice_lists"][national] = {"name": national, "local": True, "choices": choices}
        label = entry.get("national_label") or core.get("label", {})
        siblings.insert(
            position,
            {
                "name": national,
                "type": "select_one",
                "choices": national,
                "required": core.get("required", False),
                "appearance": "minimal",
                "label": label,
                "required_message": core.get("required_message", {}),
                "note": f"National codes; '{core_name}' is derived from them (crosswalk).",
            },
        )
        for key in ("required", "required_message", "constraint", "constraint_message"):
            core.pop(key, None)
        core["type"] = "calculate"
        core["calculation"] = _lookup(national, pairs)
        result.derived[core_name] = national
    return result


def _read_csv(
    path: Path,
    entry: dict[str, Any],
    valid: set[int],
    languages: list[str],
    national: str,
) -> tuple[list[dict[str, Any]], list[tuple[int, int]]] | Issue:
    label_col = str(entry.get("label", "name"))
    map_col = str(entry.get("maps_to", "maps_to"))
    read = read_code_table(path, str(entry.get("code", "code")), [label_col, map_col])
    if isinstance(read, Issue):
        return read
    rows, row_issues = read
    if row_issues:
        return row_issues[0]
    choices: list[dict[str, Any]] = []
    pairs: list[tuple[int, int]] = []
    for row in rows:
        target = row.cells[map_col]
        if not target.isdigit() or int(target) not in valid:
            return Issue(
                AdpCode.BAD_FRAME.value,
                f"'{target}' is not a code of the core list "
                f"({', '.join(map(str, sorted(valid)))}); map every national code to one",
                Location(file=str(path), row=row.number, column=map_col),
            )
        choices.append(
            code_choice(national, row, row.cells[label_col], languages, {map_col: target})
        )
        pairs.append((row.code, int(target)))
    return choices, pairs
