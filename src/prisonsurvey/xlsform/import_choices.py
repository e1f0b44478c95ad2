"""Read the choices sheet of an XLSForm into choice lists."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prisonsurvey.errors import Severity
from prisonsurvey.questionnaire.model import Choice, ChoiceList
from prisonsurvey.xlsform.read import SheetRow, split_column

if TYPE_CHECKING:
    from prisonsurvey.xlsform.import_sheets import SheetImporter

_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")
MEDIA_COLUMNS = ("image", "big-image", "audio", "video")


def read_choice_lists(imp: SheetImporter) -> dict[str, ChoiceList]:
    """Read the choices sheet into choice lists (codes 1, 2, ... when names are not numeric).

    A name repeated in a list (pyxform's ``allow_choice_duplicates``, used with a
    ``choice_filter``) is one value: its rows share a code.
    """
    grouped: dict[str, list[SheetRow]] = {}
    for row in imp.book.sheet("choices").rows:
        list_name = imp.plain(row, "list_name")
        if not list_name:
            continue
        if not imp.plain(row, "name"):
            imp.issue(
                "XLS124",
                f"a choice of list '{list_name}' has no name; it is dropped",
                "choices",
                row.row,
                "name",
            )
            continue
        grouped.setdefault(list_name, []).append(row)
    lists: dict[str, ChoiceList] = {}
    known = {"list_name", "name", "label"}
    extra = filter_columns(imp, known)
    for list_name, rows in grouped.items():
        names = [imp.plain(r, "name") for r in rows]
        numeric = all(re.fullmatch(r"-?\d+", n) for n in names)
        if not numeric:
            imp.issue(
                "XLS115",
                f"choice names of list '{list_name}' are not numeric codes; codes 1, 2, ... "
                "are given in order and the names are kept for expressions",
                "choices",
                rows[0].row,
                "name",
                Severity.INFO,
            )
        codes = {n: int(n) if numeric else i for i, n in enumerate(dict.fromkeys(names), 1)}
        choices: list[Choice] = []
        for row, name in zip(rows, names, strict=True):
            imp.unknown_columns("choices", row, known | set(extra))
            filters: dict[str, str | int] = {c: row.get(c) for c in extra if row.get(c)}
            label = imp.texts("choices", row, "label")
            if not label:
                label = dict.fromkeys(imp.languages, name)
                imp.issue(
                    "XLS125",
                    f"choice '{name}' of list '{list_name}' has no label; its name is used",
                    "choices",
                    row.row,
                    "label",
                )
            choices.append(Choice(code=codes[name], name=name, label=label, filters=filters))
        lists[list_name] = ChoiceList(name=list_name, choices=tuple(choices))
    return lists


def filter_columns(imp: SheetImporter, known: set[str]) -> list[str]:
    """Return the extra choices columns kept as choice attributes; report the others.

    pyxform writes every extra column of the choices sheet into the form as an XML element
    (that is what a ``choice_filter`` reads), so a header that is not an XML name, or that
    has a language part, cannot be one.
    """
    out: list[str] = []
    for header in imp.book.sheet("choices").header:
        column, language = split_column(header)
        if not header or column in known or column in MEDIA_COLUMNS:
            continue
        if language is None and _XML_NAME.fullmatch(header):
            out.append(header)
            continue
        imp.reported_columns.add(("choices", header))
        imp.issue(
            "XLS111",
            f"column '{header}' of the choices sheet is not a choice attribute (not an XML "
            "name); it is dropped",
            "choices",
            1,
            header,
        )
    return out


def with_other(choice_list: ChoiceList, languages: list[str]) -> ChoiceList:
    """Return the list with pyxform's ``or_other`` choice ``other`` added (once)."""
    if "other" in choice_list.by_name():
        return choice_list
    code = max((c.code for c in choice_list.choices), default=0) + 1
    other = Choice(code=code, name="other", label=dict.fromkeys(languages, "Other"))
    return choice_list.model_copy(update={"choices": (*choice_list.choices, other)})
