"""Simulated regional-inmate data made realistic for fieldwork checks, and planted problems."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from prisonsurvey.quality import QualityConfig, Thresholds
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import references
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses import relevance, simulate

N = 480
SEED = 11
INTERVIEWERS = {101: ["INT01", "INT02", "INT03"], 102: ["INT04", "INT05"], 103: ["INT06", "INT07"]}
TARGETS = {"101": 50, "102": 50, "103": 50}
TODAY = dt.date(2026, 4, 30)


@lru_cache(maxsize=1)
def regional() -> Questionnaire:
    return load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))


def config(**changes: object) -> QualityConfig:
    """Settings the clean data meets: low response rates are normal in this simulation."""
    base = {
        "thresholds": Thresholds(response_rate=0.3, nonresponse_rate=0.3),
        "targets": TARGETS,
    }
    base.update(changes)
    return QualityConfig.model_validate(base)


@lru_cache(maxsize=1)
def _clean() -> dict[str | None, pd.DataFrame]:
    q = regional()
    tables = simulate(q, N, seed=SEED).tables
    root = tables[None].copy()
    rng = np.random.default_rng(SEED)
    fac = root["facility"].astype(int).to_numpy()
    who = np.array([INTERVIEWERS[f][rng.integers(0, len(INTERVIEWERS[f]))] for f in fac])
    root["interviewer_id"] = pd.Series(who, dtype="str")
    root["deviceid"] = pd.Series(np.char.add("dev-", who), dtype="str")
    root["roster_line"] = pd.array(np.arange(1, N + 1), dtype="Int64")
    # Interviews in working hours, one after another on each device: three a day from 09:00.
    length = root["end"] - root["start"]
    slot = pd.Series(who).groupby(who).cumcount().to_numpy()
    day = pd.Timestamp("2026-03-02") + pd.to_timedelta(slot // 3, unit="D")
    start = day + pd.Timedelta(hours=9) + pd.to_timedelta((slot % 3) * 150, unit="m")
    root["start"] = pd.Series(start, dtype="datetime64[us]")
    root["end"] = (root["start"] + length).astype("datetime64[us]")
    root["_submitted_at"] = (root["end"] + pd.Timedelta(hours=2)).astype("datetime64[us]")
    root["interview_date"] = root["start"].dt.normalize().astype("datetime64[us]")
    # Dates the constraint sampler could not place: admitted or sentenced on the day of arrest.
    for col in ("admission_date", "sentence_date"):
        gap = root[col].isna() & root["arrest_date"].notna() & relevance(q, root, col)
        root.loc[gap, col] = root.loc[gap, "arrest_date"]
    tables = dict(tables)
    tables[None] = root
    kids = tables["children"].copy()
    age = kids["_parent_key"].map(dict(zip(root["_key"], root["age"], strict=True)))
    kids["child_age"] = np.minimum(kids["child_age"], age.astype(float) - 12).astype("Int64")
    tables["children"] = kids
    return tables


def clean() -> dict[str | None, pd.DataFrame]:
    """A fresh copy of the clean tables."""
    return {k: v.copy() for k, v in _clean().items()}


def unreferenced_yes_no(q: Questionnaire) -> list[str]:
    """Root yes/no/don't know/refused questions no expression uses (safe to change)."""
    cq = compiled(q)
    used: set[str] = set()
    for expr in cq.resolved.values():
        used |= references(expr)
    return [
        x.name
        for x in q.questions()
        if x.choices == "yes_no_dk_rf"
        and x.name not in used
        and q.repeat_of(x.name) is None
        and x.required is False
    ]


def consented(root: pd.DataFrame) -> np.ndarray:
    return (root["consent"] == 1).fillna(False).to_numpy(dtype=bool)
