"""Read a survey frame CSV into the ``facility`` choice list of a field form."""

from __future__ import annotations

import csv
from pathlib import Path

from prisonsurvey.errors import InputError, Issue, Issues, Location
from prisonsurvey.questionnaire.model import Choice, ChoiceList

FACILITY_LIST = "facility"
"""Name of the choice list that a frame replaces."""


def read_facility_frame(path: Path, languages: tuple[str, ...]) -> ChoiceList:
    """Read ``path`` (columns ``code,name[,filter columns...]``) as the ``facility`` choice list.

    Codes become the choice codes (XLSForm choice names), ``name`` the label in every language
    and any further column a filter attribute usable in ``choice_filter``.

    Raises:
        InputError: The file is missing, lacks a column, or has a bad or repeated code.
    """
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise InputError(
            Issue("XLS010", f"cannot read the facility frame: {err}", Location(file))
        ) from err
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise InputError(
            Issue(
                "XLS011",
                f"the facility frame needs the columns code and name; missing: "
                f"{', '.join(missing)}",
                Location(file, row=1),
            )
        )
    extra = [h for h in header if h not in ("code", "name")]
    issues = Issues()
    choices: list[Choice] = []
    seen: dict[int, int] = {}
    for row_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        code_text, label = row.get("code", ""), row.get("name", "")
        try:
            code = int(code_text)
        except ValueError:
            issues.add(
                Issue(
                    "XLS012",
                    f"facility code {code_text!r} is not a whole number; use numeric codes",
                    Location(file, row=row_no, column="code"),
                )
            )
            continue
        if code in seen:
            issues.add(
                Issue(
                    "XLS013",
                    f"facility code {code} repeats row {seen[code]}; give each facility one code",
                    Location(file, row=row_no, column="code"),
                )
            )
            continue
        seen[code] = row_no
        if not label:
            issues.add(
                Issue(
                    "XLS014",
                    "facility name is empty; write the facility's name",
                    Location(file, row=row_no, column="name"),
                )
            )
            continue
        filters: dict[str, str | int] = {c: row.get(c, "") for c in extra}
        choices.append(
            Choice(
                code=code,
                name=f"f{code}",
                label=dict.fromkeys(languages, label),
                filters=filters,
            )
        )
    if not choices and not issues:
        issues.add(Issue("XLS015", "the facility frame has no rows", Location(file, row=2)))
    if issues:
        raise InputError(issues)
    return ChoiceList(name=FACILITY_LIST, choices=tuple(choices))
