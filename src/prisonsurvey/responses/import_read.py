"""Import stage 1: read every file given and check that it belongs to the project's form.

:func:`read_exports` detects each file's format, reads it as text tables and refuses, with
every problem at once, files of another form (IMP021) and tables the questionnaire does not
have (IMP011). Nothing is typed or stored here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.model import Group, Questionnaire
from prisonsurvey.responses.import_result import Progress
from prisonsurvey.responses.sources import CENTRAL, RawTable, read_any


@dataclass
class ReadExports:
    """The tables read from the files of one import.

    Attributes:
        tables: Every table (root and repeats) of every file, in reading order.
        origins: For each table, the export it came from: the root and repeat CSVs of one
            unzipped Central export share an origin; any other file is its own.
        notes: Remarks made while reading (BOM removed, delimiter sniffed...).
    """

    tables: list[RawTable] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)


def repeat_names(q: Questionnaire) -> list[str]:
    """The names of the questionnaire's repeats, in questionnaire order."""
    return [item.name for _, item in q.walk() if isinstance(item, Group) and item.is_repeat]


def original_repeat_names(q: Questionnaire) -> dict[str, str]:
    """Repeats renamed when their XLSForm was imported: original name -> name."""
    return {
        item.xlsform_name: item.name
        for _, item in q.walk()
        if isinstance(item, Group) and item.is_repeat and item.xlsform_name
    }


def read_exports(
    project: Project, paths: Sequence[Path], progress: Progress | None = None
) -> ReadExports:
    """Read the files of one import and check that they are exports of the project's form.

    Args:
        project: The survey project.
        paths: The files and folders given to ``import``.
        progress: Optional ``progress(stage, done, total)`` callback.

    Returns:
        The tables with their origins and the reading notes.

    Raises:
        InputError: A file cannot be read, is an export of another form, or holds a table
            that is not a repeat of the questionnaire; carries every such problem.
    """
    q = project.questionnaire
    repeats = repeat_names(q)
    originals = original_repeat_names(q)
    out = ReadExports()
    errors: list[Issue] = []
    for n, path in enumerate(paths):
        if progress:
            progress("reading", n, len(paths))
        try:
            got = read_any(Path(path), [*repeats, *originals])
        except InputError as exc:
            errors.extend(exc.issues)
            continue
        for table in got:  # data collected with the form the questionnaire was imported from
            table.repeat = originals.get(table.repeat or "", table.repeat)
        out.tables.extend(got)
        # Central's root and repeat CSVs, unzipped side by side, are one export
        central_csv = all(t.format == CENTRAL and Path(path).suffix.lower() == ".csv" for t in got)
        same_export = str(Path(path).parent) if central_csv else f"{n}:{path}"
        out.origins.extend([str(same_export)] * len(got))
    check_errors, out.notes = check_tables(q, project, out.tables)
    errors.extend(check_errors)
    if errors:
        raise InputError(errors)
    return out


def check_tables(
    q: Questionnaire, project: Project, tables: list[RawTable]
) -> tuple[list[Issue], list[Issue]]:
    """Problems (IMP021 another form, IMP011 unknown repeat) and reading notes of ``tables``."""
    ref = project.config.instrument
    form_ids = {q.id, ref.form_id or q.id}
    repeats = set(repeat_names(q))
    errors: list[Issue] = []
    notes: list[Issue] = []
    for t in tables:
        where = str(t.files.iloc[0]) if len(t.files) else ""
        notes.extend(t.notes)
        if t.form_id and t.form_id not in form_ids:
            errors.append(
                Issue(
                    "IMP021",
                    f"this export is of form '{t.form_id}', but the project "
                    f"collects '{ref.form_id or q.id}'; import it into its own project",
                    Location(where, sheet=t.sheet),
                )
            )
        if t.repeat is not None and t.repeat not in repeats:
            errors.append(
                Issue(
                    "IMP011",
                    f"table '{t.repeat}' is not a repeat of {q.id} {q.version} "
                    f"(repeats: {', '.join(sorted(repeats)) or 'none'})",
                    Location(where, sheet=t.sheet),
                )
            )
    return errors, notes
