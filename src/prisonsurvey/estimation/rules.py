"""Reliability and disclosure rules applied to estimate tables.

Every estimate gets a ``status`` (``ok``, ``flagged`` or ``suppressed``) and a ``note`` saying
why. Suppressed cells keep their sample sizes but lose the estimate, standard error and interval.

* Reliability: flagged when ``n < flag_min_n`` or ``cv > flag_max_cv``; suppressed when
  ``n < suppress_min_n`` or ``cv > suppress_max_cv``.
* Disclosure: suppressed when fewer than ``min_count`` respondents are in the cell, or when
  between 1 and ``min_count - 1`` respondents have the category of a proportion
  (``n_category``), or when every respondent of the cell is in one
  facility (PSU) and ``single_facility`` is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

OK = "ok"
FLAGGED = "flagged"
SUPPRESSED = "suppressed"
HIDDEN_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "cv", "deff", "deff_replace")


@dataclass(frozen=True)
class Rules:
    """Thresholds of the reliability and disclosure rules (all configurable).

    Attributes:
        flag_min_n: Flag estimates from fewer respondents.
        flag_max_cv: Flag estimates with a larger coefficient of variation.
        suppress_min_n: Suppress estimates from fewer respondents.
        suppress_max_cv: Suppress estimates with a larger coefficient of variation.
        min_count: Suppress cells with fewer respondents (disclosure).
        single_facility: Suppress cells whose respondents all come from one facility.
    """

    flag_min_n: int = 30
    flag_max_cv: float = 0.30
    suppress_min_n: int = 10
    suppress_max_cv: float = 0.50
    min_count: int = 3
    single_facility: bool = True


def apply_rules(table: pd.DataFrame, rules: Rules | None = None) -> pd.DataFrame:
    """Return ``table`` with ``status`` and ``note`` columns and suppressed cells blanked.

    Args:
        table: Tidy estimates with at least ``estimate``, ``cv``, ``n`` and (for the
            single-facility rule) ``n_psu`` columns.
        rules: Thresholds; defaults to :class:`Rules`.
    """
    out = table.copy()
    status, notes, suppress = rule_marks(
        out["n"].to_numpy(dtype=np.float64),
        out["cv"].to_numpy(dtype=np.float64),
        out["n_category"].to_numpy(dtype=np.float64) if "n_category" in out else None,
        out["n_psu"].to_numpy() if "n_psu" in out else None,
        rules,
    )
    out["status"] = status
    out["note"] = notes
    for col in HIDDEN_COLUMNS:
        if col in out:
            out[col] = out[col].astype(np.float64).where(~suppress, np.nan)
    return out


def rule_marks(
    n: npt.NDArray[np.float64],
    cv: npt.NDArray[np.float64],
    n_category: npt.NDArray[np.float64] | None,
    n_psu: npt.NDArray[np.int64] | None,
    rules: Rules | None = None,
) -> tuple[npt.NDArray[np.str_], list[str], npt.NDArray[np.bool_]]:
    """The status, note and suppression of every estimate, from its table columns.

    Args:
        n: Respondents of every estimate.
        cv: Coefficients of variation.
        n_category: Holders of the category of a proportion (``None``: no such column).
        n_psu: Facilities (PSUs) holding respondents (``None``: no such column).
        rules: Thresholds; defaults to :class:`Rules`.

    Returns:
        ``status`` and ``note`` of every estimate, and which are suppressed.
    """
    rules = rules or Rules()
    marks: list[tuple[np.ndarray, str]] = []
    suppress = np.zeros(len(n), dtype=bool)
    flag = np.zeros(len(n), dtype=bool)

    def mark(mask: np.ndarray, note: str, target: np.ndarray) -> None:
        target |= mask
        marks.append((mask, note))

    mark(n < rules.min_count, f"fewer than {rules.min_count} respondents (disclosure)", suppress)
    if n_category is not None:
        few = (n_category > 0) & (n_category < rules.min_count)
        mark(
            few, f"fewer than {rules.min_count} respondents in the category (disclosure)", suppress
        )
    if rules.single_facility and n_psu is not None:
        mark(n_psu == 1, "all respondents in one facility (disclosure)", suppress)
    mark(n < rules.suppress_min_n, f"fewer than {rules.suppress_min_n} respondents", suppress)
    cv_bad = np.nan_to_num(cv, nan=0.0)
    mark(cv_bad > rules.suppress_max_cv, f"CV above {rules.suppress_max_cv:.0%}", suppress)
    mark(~suppress & (n < rules.flag_min_n), f"fewer than {rules.flag_min_n} respondents", flag)
    mark(~suppress & (cv_bad > rules.flag_max_cv), f"CV above {rules.flag_max_cv:.0%}", flag)
    status = np.where(suppress, SUPPRESSED, np.where(flag, FLAGGED, OK))
    return status, _notes(marks, len(n)), suppress


def _notes(marks: list[tuple[np.ndarray, str]], n_rows: int) -> list[str]:
    """Every row's notes in the order they were marked, joined by ``; ``."""
    code = np.zeros(n_rows, dtype=np.int64)
    for k, (mask, _) in enumerate(marks):
        code |= np.asarray(mask, dtype=np.int64) << k
    # few distinct combinations: join each once
    combos, inverse = np.unique(code, return_inverse=True)
    texts = ["; ".join(note for k, (_, note) in enumerate(marks) if c >> k & 1) for c in combos]
    return [texts[i] for i in inverse.reshape(-1).tolist()]
