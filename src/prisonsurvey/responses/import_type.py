"""Import stage 2: match each table to its questionnaire version and type every value.

:func:`type_exports` gives every table the questionnaire version it was collected with
(IMP020 when none fits), maps its headers to questions (IMP010), types its values (problems go
to quarantine, not here), carries older versions forward to the current one and links KoBo's
child sheets to their parents with Central-style keys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.project import Project
from prisonsurvey.responses.columns import map_columns
from prisonsurvey.responses.harmonise import TypedTable, TypingCache, repeat_parents, type_table
from prisonsurvey.responses.import_read import ReadExports
from prisonsurvey.responses.import_result import Progress
from prisonsurvey.responses.sources import KOBO, RawTable
from prisonsurvey.responses.versions import Versions, assign_versions
from prisonsurvey.versions.harmonise import carry_forward


def type_exports(
    project: Project, read: ReadExports, progress: Progress | None = None
) -> tuple[list[RawTable], dict[int, TypedTable]]:
    """Type the tables of one import against the project's questionnaire versions.

    Args:
        project: The survey project.
        read: What stage 1 read.
        progress: Optional ``progress(stage, done, total)`` callback.

    Returns:
        The tables in the order they are typed (grouped by version) and their typed frames by
        position; each frame carries ``_origin``.

    Raises:
        InputError: Data of a version the project does not accept, or headers that match no
            question; carries every such problem.
    """
    versions = project.questionnaire_versions()
    planned, errors = assign_versions(read.tables, read.origins, versions)
    return type_planned(project, versions, planned, read, errors, progress)


def type_planned(
    project: Project,
    versions: Versions,
    planned: list[tuple[RawTable, int]],
    read: ReadExports,
    errors: list[Issue] | None = None,
    progress: Progress | None = None,
    cache: TypingCache | None = None,
) -> tuple[list[RawTable], dict[int, TypedTable]]:
    """Type tables already paired with their version (see :func:`type_exports`).

    Args:
        project: The survey project.
        versions: Its accepted questionnaire versions, oldest first.
        planned: Each table (or part of one) with the index of its version.
        read: What stage 1 read (for the tables' origins).
        errors: Problems found so far; raised with any found here.
        progress: Optional ``progress(stage, done, total)`` callback.
        cache: Typed answers kept from earlier blocks of the same tables, when they are
            typed block by block.

    Returns:
        As :func:`type_exports`.
    """
    errors = list(errors or [])
    origin_of = {id(t): o for t, o in zip(read.tables, read.origins, strict=True)}
    tables = [t for t, _ in planned]
    origins = [origin_of.get(id(t), str(n)) for n, (t, _) in enumerate(planned)]
    maps = []
    for t, v in planned:
        where = str(t.files.iloc[0]) if len(t.files) else ""
        cmap = map_columns(versions[v][1], t.repeat, t.header, where, t.sheet)
        errors.extend(cmap.issues)
        maps.append(cmap)
    if errors:
        raise InputError(errors)
    typed: dict[int, TypedTable] = {}
    chains = [[qv for _, qv in versions[v:]] for v in range(len(versions))]
    stamps = [stamp for names, _ in versions for stamp in names]
    for i, ((t, v), cmap) in enumerate(zip(planned, maps, strict=True)):
        if progress:
            progress("typing", i, len(tables))
        typed[i] = type_table(versions[v][1], t, cmap, cache)
        if v != len(versions) - 1:
            typed[i].frame = carry_forward(typed[i].frame, chains[v], t.repeat)
        typed[i].frame["_origin"] = origins[i]
        if t.repeat is None:
            errors.extend(_version_issues(project, typed[i], stamps))
    if errors:
        raise InputError(errors)
    _kobo_child_keys(typed, tables, repeat_parents(project.questionnaire))
    return tables, typed


def _version_issues(project: Project, typed: TypedTable, stamps: list[str]) -> list[Issue]:
    ref = project.config.instrument
    versions = typed.frame["_version"]
    bad = versions.notna() & ~versions.isin(stamps)
    if not bad.any():
        return []
    first = int(np.flatnonzero(bad.to_numpy())[0])
    frame = typed.frame
    accepted = ", ".join(stamps)
    return [
        Issue(
            "IMP020",
            f"rows are of form version '{versions.iloc[first]}' but the project's questionnaire "
            f"is {ref.id} {ref.version} (accepted versions: {accepted}); add the version to "
            "'instrument.form_versions' in survey.yaml if it is the same questionnaire",
            Location(
                str(frame["_source_file"].iloc[first]),
                sheet=frame["_source_sheet"].iloc[first],
                row=int(frame["_source_row"].iloc[first]),
                column="version",
            ),
        )
    ]


def repeat_depth(repeat: str | None, parents: dict[str, str | None]) -> int:
    """How deep ``repeat`` is nested (0 for the root table, 1 for a top-level repeat)."""
    d = 0
    while repeat is not None:
        repeat = parents.get(repeat)
        d += 1
    return d


def _kobo_child_keys(
    typed: dict[int, TypedTable], tables: list[RawTable], parents: dict[str, str | None]
) -> None:
    """KoBo sheets link rows by ``_index``/``_parent_index``: rebuild Central-style keys."""
    by_sheet: dict[tuple[str, str | None], pd.Series] = {}
    root_sheet: dict[str, str | None] = {}
    order = sorted(range(len(tables)), key=lambda i: repeat_depth(tables[i].repeat, parents))
    for i in order:
        t = tables[i]
        if t.format != KOBO:
            continue
        frame = typed[i].frame
        file = str(t.files.iloc[0]) if len(t.files) else ""
        index = t.column("_index")
        if t.repeat is None:
            root_sheet[file] = t.sheet
        if t.repeat is not None:
            pidx = t.column("_parent_index")
            ptab = t.column("_parent_table_name")
            if pidx is None:
                continue
            parent_repeat = parents.get(t.repeat)
            sheet = root_sheet.get(file) if parent_repeat is None else None
            lookup = by_sheet.get((file, parent_repeat))
            if lookup is None:
                continue
            pkey = pidx.astype(str).str.strip().map(lookup)
            if ptab is not None and sheet is not None:
                pkey = pkey.where(pkey.notna())
            pos = pkey.groupby(pkey).cumcount() + 1
            frame["_parent_key"] = pkey.astype("str")
            frame["_key"] = (pkey + "/" + t.repeat + "[" + pos.astype(str) + "]").astype("str")
        if index is not None:
            by_sheet[(file, t.repeat)] = pd.Series(
                frame["_key"].to_numpy(), index=index.astype(str).str.strip().to_numpy()
            )
