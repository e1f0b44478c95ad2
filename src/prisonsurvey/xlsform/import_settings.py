"""Read the settings sheet of an XLSForm: the form's id, version and other settings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prisonsurvey.errors import Severity
from prisonsurvey.xlsform.read import split_column

if TYPE_CHECKING:
    from prisonsurvey.xlsform.import_sheets import SheetImporter

_SETTINGS = {
    "form_title",
    "form_id",
    "version",
    "default_language",
    "instance_name",
    "allow_choice_duplicates",
    "clean_text_values",
}
_ID_RE = re.compile(r"[^a-z0-9_-]+")
_SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+$")
_XLSFORM_VERSION_RE = re.compile(r"^(\d{3})(\d{3})(\d{3})$")


def read_settings(imp: SheetImporter) -> dict[str, str]:
    """Return the first row of the settings sheet by column."""
    rows = imp.book.sheet("settings").rows
    if not rows:
        return {}
    out: dict[str, str] = {}
    for header, value in rows[0].cells.items():
        column = split_column(header)[0]
        out[column] = value
        if column not in _SETTINGS:
            imp.issue(
                "XLS111",
                f"setting '{header}' has no place in the questionnaire format and is dropped",
                "settings",
                rows[0].row,
                header,
            )
    return out


def identity(imp: SheetImporter, settings: dict[str, str]) -> tuple[str, str]:
    """Return the form id and semantic version from the settings."""
    raw_id = settings.get("form_id") or imp.book.path.stem
    form_id = _ID_RE.sub("-", raw_id.lower()).strip("-_") or "imported-form"
    if form_id != raw_id:
        imp.issue(
            "XLS122",
            f"form_id '{raw_id}' is written as '{form_id}' (lowercase letters, digits, "
            "'-' and '_')",
            "settings",
            2,
            "form_id",
            Severity.INFO,
        )
    version = settings.get("version", "")
    match = _XLSFORM_VERSION_RE.match(version)
    if _SEMVER_RE.match(version):
        semver = version
    elif match:
        semver = ".".join(str(int(p)) for p in match.groups())
    else:
        semver = "1.0.0"
        given = bool(version)
        imp.issue(
            "XLS118",
            f"version '{version}' is not a semantic version; the questionnaire starts at 1.0.0"
            if given
            else "the form has no version; the questionnaire starts at 1.0.0",
            "settings",
            2 if given else None,
            "version" if given else None,
            Severity.INFO,
        )
    return form_id, semver
