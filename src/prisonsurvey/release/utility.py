"""What anonymisation costs: the core indicators on the original and on the released file."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.errors import InputError
from prisonsurvey.estimation.catalogue import catalogue_table
from prisonsurvey.estimation.tabulate import TabulateRequest
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.release.protect import Protected

_COLUMNS = ("estimate", "ci_lower", "ci_upper", "n")


def _estimates(
    spec: DesignSpec, data: pd.DataFrame, ids: tuple[str, ...], catalogue: Any
) -> pd.DataFrame:
    rows = data.loc[pd.to_numeric(data[spec.weight], errors="coerce") > 0]
    design = design_from_frame(rows, spec)
    table = catalogue_table(design, rows, catalogue, TabulateRequest(variables=()), ids).table
    return table.set_index("variable")


def utility_table(
    project: Project, original: pd.DataFrame, result: Protected
) -> list[dict[str, Any]]:
    """Each core indicator estimated on the original and on the released file, side by side.

    Indicators that cannot be computed on the released file (a variable left out) are listed
    with ``None`` for the released estimate. Without a ``tabulate:`` section (no weights) the
    table is empty.
    """
    from prisonsurvey.estimation.project_tables import TabulateSection

    section = project.section("tabulate", TabulateSection)
    if section is None:
        return []
    ref = project.config.instrument
    folder = find_instrument(section.catalogue or f"{ref.id}@{ref.version}")
    catalogue = load_indicators(folder / INDICATORS_FILE, load_questionnaire_or_raise(folder))
    ids = tuple(project.config.indicators) or tuple(i.id for i in catalogue.indicators)
    spec = DesignSpec(**section.design.model_dump())
    before = _estimates(spec, original, ids, catalogue)
    released_spec = DesignSpec(**{**section.design.model_dump(), "psu": "design_psu"})
    out: list[dict[str, Any]] = []
    for ind in ids:
        try:
            after = _estimates(released_spec, result.data, (ind,), catalogue)
        except (InputError, KeyError, ValueError):
            after = None
        row: dict[str, Any] = {"indicator": ind}
        for col in _COLUMNS:
            row[f"original_{col}"] = _value(before, ind, col)
            row[f"released_{col}"] = None if after is None else _value(after, ind, col)
        out.append(row)
    return out


def _value(table: pd.DataFrame, ind: str, col: str) -> float | None:
    if ind not in table.index or col not in table.columns:
        return None
    value: Any = table.loc[ind, col]
    if isinstance(value, pd.Series):
        value = value.iloc[0]
    return None if pd.isna(value) else round(float(value), 6)


__all__ = ["utility_table"]
