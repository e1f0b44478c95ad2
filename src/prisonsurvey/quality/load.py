"""Read what the checks need from a survey project: its typed tables and sample targets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.quality.context import Tables
from prisonsurvey.questionnaire.model import Group

if TYPE_CHECKING:
    from prisonsurvey.project import Project


def load_tables(project: Project) -> Tables:
    """The root table and every repeat table of the project's store (rejected left out)."""
    from prisonsurvey.responses import Store

    q = project.questionnaire
    tables: Tables = {}
    if not project.store_path.exists():
        return {None: pd.DataFrame()}
    with Store.open(project, read_only=True) as store:
        tables[None] = store.responses(q.id)
        for _, item in q.walk():
            if isinstance(item, Group) and item.is_repeat:
                table = store.responses(q.id, item.name)
                if not table.empty:
                    tables[item.name] = table
    return tables


def read_targets(path: Path) -> dict[str, int]:
    """Read a targets CSV with columns ``facility`` and ``target``.

    Raises:
        InputError: The file cannot be read (QC010), lacks a column (QC011) or a target is
            not a whole number (QC012, with its row).
    """
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(
            Issue(
                "QC010",
                f"cannot read the targets file ({exc.__class__.__name__}); fix quality.targets",
                Location(str(path)),
            )
        ) from exc
    issues = [
        Issue("QC011", f"column '{col}' is missing; add it", Location(str(path), row=1, column=col))
        for col in ("facility", "target")
        if col not in df.columns
    ]
    if issues:
        raise InputError(issues)
    out: dict[str, int] = {}
    for i, (fac, target) in enumerate(zip(df["facility"], df["target"], strict=True)):
        text = target.strip()
        if not text.isdigit():
            issues.append(
                Issue(
                    "QC012",
                    f"target '{target}' is not a whole number; write the number of interviews",
                    Location(str(path), row=i + 2, column="target"),
                )
            )
            continue
        out[fac.strip()] = int(text)
    if issues:
        raise InputError(issues)
    return out
