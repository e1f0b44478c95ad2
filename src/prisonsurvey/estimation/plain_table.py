"""An estimate table held as plain columns, printed and written without pandas.

:class:`PlainTable` holds what :attr:`Tabulation.table` holds (the domain columns, the
estimate columns and the rules' ``status`` and ``note``) as numpy arrays. It prints the text
table ``prisonsurvey tabulate`` shows, writes the tidy CSV and gives the JSON records exactly as
the pandas table does (``DataFrame.to_string``, ``DataFrame.to_csv`` and ``to_dict``); tests
compare the two on the same estimates. Every other output builds the pandas table.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from prisonsurvey.estimation.results import json_value
from prisonsurvey.estimation.rules import HIDDEN_COLUMNS, Rules, rule_marks

if TYPE_CHECKING:
    import pandas as pd

MAX_TEXT_ROWS = 500
"""Rows the text table shows before pandas shortens it (the pandas table prints those)."""
_ESCAPED = ("\t", "\r", "\n")


@dataclass(frozen=True, eq=False)
class PlainTable:
    """Estimates with the rules applied, as columns.

    Attributes:
        by: Domain columns, first in :attr:`columns`.
        columns: Every column by name, in the table's order; numeric columns are float64 or
            int64 arrays, the others object arrays of Python values.
        estimates: The estimate columns before the rules (:func:`estimate_columns`).
        by_levels: The level of every domain column in every cell.
        rules: The rules applied.
    """

    by: tuple[str, ...]
    columns: dict[str, npt.NDArray[Any]]
    estimates: dict[str, npt.NDArray[Any]]
    by_levels: list[list[object]]
    rules: Rules

    def __len__(self) -> int:
        return len(self.columns["estimate"])

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per estimate, as :meth:`Tabulation.to_records`."""
        cols = [(name, values.tolist()) for name, values in self.columns.items()]
        return [{name: json_value(values[i]) for name, values in cols} for i in range(len(self))]

    def to_frame(self) -> pd.DataFrame:
        """The pandas table (:attr:`Tabulation.table`) of the same estimates."""
        from prisonsurvey.estimation.estimators import estimates_frame
        from prisonsurvey.estimation.rules import apply_rules

        frame = estimates_frame(self.estimates, self.by, self.by_levels)
        return apply_rules(frame, self.rules)

    def text(self, by: Sequence[str]) -> str | None:
        """The table ``tabulate`` prints, or ``None`` where only pandas prints it the same.

        The columns are those of the command's listing: ``by``, the variable (and level when
        any estimate has one), estimate, interval, ``n``, status and note.
        """
        keep = [*by, "variable", "level", "estimate", "se", "ci_lower", "ci_upper", "n"]
        keep += ["status", "note"]
        names = [c for c in keep if c in self.columns]
        if "level" in names and all(v is None for v in self.columns["level"].tolist()):
            names.remove("level")
        if not 0 < len(self) <= MAX_TEXT_ROWS:
            return None
        blocks: list[list[str]] = []
        for name in names:
            cells = _text_cells(self.columns[name])
            if cells is None:
                return None
            header = " " + name if self.columns[name].dtype.kind in "fiu" else name
            width = max(len(header), *(len(c) for c in cells))
            blocks.append([header.rjust(width), *(c.rjust(width) for c in cells)])
        return "\n".join(" ".join(row) for row in zip(*blocks, strict=True))

    def write_csv(self, path: Path) -> Path:
        """Write the tidy table as ``write_tables(..., "csv")`` does and return the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        cells = [_csv_cells(values) for values in self.columns.values()]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(list(self.columns))
            writer.writerows(zip(*cells, strict=True))
        return path


def plain_table(
    estimates: dict[str, npt.NDArray[Any]],
    by: tuple[str, ...],
    by_levels: list[list[object]],
    rules: Rules | None = None,
) -> PlainTable:
    """Apply the rules to estimate columns and put the domain columns first.

    Args:
        estimates: The columns of :func:`estimate_columns`, cells outermost.
        by: Domain column names.
        by_levels: For every domain column, its level in every cell.
        rules: Thresholds; defaults to :class:`Rules`.
    """
    rules = rules or Rules()
    n_rows = len(estimates["estimate"])
    per_cell = n_rows // len(by_levels[0]) if by_levels and by_levels[0] else 0
    columns: dict[str, npt.NDArray[Any]] = {}
    for name, levels in zip(by, by_levels, strict=True):
        columns[name] = np.repeat(_objects(levels), per_cell)
    columns.update(estimates)
    status, notes, suppress = rule_marks(
        estimates["n"].astype(np.float64),
        estimates["cv"].astype(np.float64),
        estimates["n_category"].astype(np.float64),
        estimates["n_psu"],
        rules,
    )
    columns["status"] = _objects(status.tolist())
    columns["note"] = _objects(notes)
    for name in HIDDEN_COLUMNS:
        columns[name] = np.where(suppress, np.nan, columns[name].astype(np.float64))
    return PlainTable(by, columns, estimates, by_levels, rules)


def _objects(values: Sequence[object]) -> npt.NDArray[np.object_]:
    """A one-dimensional object array of ``values`` (even when they are tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _number(value: float) -> str:
    return "NaN" if math.isnan(value) else f"{value:.4g}"


def _text_cells(values: npt.NDArray[Any]) -> list[str] | None:
    """Cells as ``DataFrame.to_string(index=False, float_format="{:.4g}")`` shows them."""
    if values.dtype.kind == "f":
        return [_number(v) for v in values.tolist()]
    if values.dtype.kind in "iu":
        return [str(v) for v in values.tolist()]
    out: list[str] = []
    for v in values.tolist():
        if v is None:
            out.append("None")
        elif isinstance(v, float):
            out.append(_number(v))
        elif isinstance(v, str | int) and not isinstance(v, bool):
            text = str(v)
            if any(ch in text for ch in _ESCAPED):
                return None
            out.append(text)
        else:
            return None
    return out


def _csv_cells(values: npt.NDArray[Any]) -> list[str]:
    """Cells as ``DataFrame.to_csv`` writes them (numpy's shortest float text, NaN empty)."""
    if values.dtype.kind == "f":
        text = values.astype(str)
        text[np.isnan(values)] = ""
        return list(text.tolist())
    if values.dtype.kind in "iu":
        return list(values.astype(str).tolist())
    out: list[str] = []
    for v in values.tolist():
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        out.append("" if missing else str(v))
    return out
