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

import numpy as np
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
    rules = rules or Rules()
    out = table.copy()
    n = out["n"].to_numpy(dtype=np.float64)
    cv = out["cv"].to_numpy(dtype=np.float64)
    marks: list[tuple[np.ndarray, str]] = []
    suppress = np.zeros(len(out), dtype=bool)
    flag = np.zeros(len(out), dtype=bool)

    def mark(mask: np.ndarray, note: str, target: np.ndarray) -> None:
        target |= mask
        marks.append((mask, note))

    mark(n < rules.min_count, f"fewer than {rules.min_count} respondents (disclosure)", suppress)
    if "n_category" in out:
        holders = out["n_category"].to_numpy(dtype=np.float64)
        few = (holders > 0) & (holders < rules.min_count)
        mark(
            few, f"fewer than {rules.min_count} respondents in the category (disclosure)", suppress
        )
    if rules.single_facility and "n_psu" in out:
        mark(out["n_psu"].to_numpy() == 1, "all respondents in one facility (disclosure)", suppress)
    mark(n < rules.suppress_min_n, f"fewer than {rules.suppress_min_n} respondents", suppress)
    cv_bad = np.nan_to_num(cv, nan=0.0)
    mark(cv_bad > rules.suppress_max_cv, f"CV above {rules.suppress_max_cv:.0%}", suppress)
    mark(~suppress & (n < rules.flag_min_n), f"fewer than {rules.flag_min_n} respondents", flag)
    mark(~suppress & (cv_bad > rules.flag_max_cv), f"CV above {rules.flag_max_cv:.0%}", flag)
    status = np.where(suppress, SUPPRESSED, np.where(flag, FLAGGED, OK))
    out["status"] = status
    out["note"] = _notes(marks, len(out))
    for col in HIDDEN_COLUMNS:
        if col in out:
            out[col] = out[col].astype(np.float64).where(~suppress, np.nan)
    return out


def _notes(marks: list[tuple[np.ndarray, str]], n_rows: int) -> list[str]:
    """Every row's notes in the order they were marked, joined by ``; ``."""
    code = np.zeros(n_rows, dtype=np.int64)
    for k, (mask, _) in enumerate(marks):
        code |= np.asarray(mask, dtype=np.int64) << k
    # few distinct combinations: join each once
    combos, inverse = np.unique(code, return_inverse=True)
    texts = ["; ".join(note for k, (_, note) in enumerate(marks) if c >> k & 1) for c in combos]
    return [texts[i] for i in inverse.reshape(-1).tolist()]
