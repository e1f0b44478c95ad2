"""Plant known fieldwork problems in simulated data, for the quality checks to find.

The format of a plant file is in ``docs/scenarios.md`` ("Planted problems").

Each problem is planted in a known amount on rows drawn with the simulation's seed, and
:func:`plant` returns the list of what it planted (problem, key, the check expected to find it)
so that a quality report can be compared with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prisonsurvey.errors import InputError, Issue
from prisonsurvey.questionnaire.yaml_source import read_yaml
from prisonsurvey.responses.simulate import Simulated, uuids

PLANT_SHAPE = "SCN004"
"""A key or value of the plant file is wrong."""


class Plant(BaseModel):
    """Planted problems and how many of each.

    Attributes:
        duplicates: Submissions sent twice (the same answers arrive again under a new key).
        short_interviews: Interviews of one interviewer (the one with most interviews) that
            last ``short_minutes``, as when answers are made up.
        short_minutes: Length of those interviews.
        outside_hours: Interviews moved to the evening (21:00).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    duplicates: int = Field(default=3, ge=0)
    short_interviews: int = Field(default=6, ge=0)
    short_minutes: float = Field(default=8.0, gt=0)
    outside_hours: int = Field(default=4, ge=0)


DEFAULT_PLANT = Plant()

CHECKS = {
    "duplicate": "duplicate_submission",
    "short_interview": "duration_short",
    "outside_hours": "outside_hours",
}
"""The quality check expected to find each planted problem."""


def load_plant(name: str | Path) -> Plant:
    """``default`` or a plant YAML file, validated (located ``SCN004`` issues)."""
    if str(name) == "default":
        return DEFAULT_PLANT
    doc = read_yaml(Path(name))
    if doc.issues:
        raise InputError(doc.issues)
    try:
        return Plant.model_validate(doc.data or {})
    except ValidationError as err:
        issues = []
        for e in err.errors():
            dotted = ".".join(str(p) for p in e["loc"])
            issues.append(Issue(PLANT_SHAPE, f"'{dotted}': {e['msg']}", doc.locate(e["loc"])))
        raise InputError(issues) from err


def plant(sim: Simulated, spec: Plant, seed: int) -> pd.DataFrame:
    """Plant ``spec``'s problems in the root table of ``sim`` (in place).

    Only interviews that were completed are touched, and each one at most once.

    Returns:
        One row per planted problem: ``problem``, ``key``, ``check``.
    """
    rng = np.random.default_rng(seed + 7)
    root = sim.tables[None]
    done = root["consent"].eq(1).fillna(False) if "consent" in root.columns else None
    eligible = np.flatnonzero(done.to_numpy()) if done is not None else np.arange(len(root))
    rows: list[dict[str, Any]] = []
    used: set[int] = set()
    keys = root["_key"].astype(str).to_numpy()
    start = pd.to_datetime(root["start"])
    end = pd.to_datetime(root["end"])
    if spec.short_interviews and "interviewer_id" in root.columns:
        ids = root["interviewer_id"].astype(str).to_numpy()
        counts = pd.Series(ids[eligible]).value_counts()
        who = str(counts.index[0]) if len(counts) else ""
        mine = [int(i) for i in eligible if ids[i] == who][: spec.short_interviews]
        end.iloc[mine] = start.iloc[mine] + pd.Timedelta(minutes=spec.short_minutes)
        used.update(mine)
        rows += [_row("short_interview", keys[i]) for i in mine]
    free = np.array([i for i in eligible if i not in used], dtype=np.int64)
    evening = np.sort(rng.choice(free, size=min(spec.outside_hours, len(free)), replace=False))
    length = np.minimum(
        (end.iloc[evening] - start.iloc[evening]).to_numpy(), np.timedelta64(90, "m")
    )
    start.iloc[evening] = start.iloc[evening].dt.normalize() + pd.Timedelta(hours=21)
    end.iloc[evening] = start.iloc[evening] + length
    used.update(int(i) for i in evening)
    rows += [_row("outside_hours", keys[i]) for i in evening]
    root["start"] = start.astype("datetime64[us]")
    root["end"] = end.astype("datetime64[us]")
    free = np.array([i for i in eligible if i not in used], dtype=np.int64)
    again = rng.choice(free, size=min(spec.duplicates, len(free)), replace=False)
    if len(again):
        copies = root.iloc[sorted(again)].copy()
        old = copies["_key"].tolist()
        copies["_key"] = uuids(rng, len(copies))
        rows += [_row("duplicate", key) for key in copies["_key"]]
        if "roster_line" in root.columns:  # the same person twice
            rows += [
                _row("duplicate", k, "duplicate_person") for k in old + copies["_key"].tolist()
            ]
        _copy_repeats(sim, dict(zip(old, copies["_key"], strict=True)))
        copies["_submitted_at"] = copies["_submitted_at"] + pd.Timedelta(hours=2)
        sim.tables[None] = pd.concat([root, copies], ignore_index=True)
    return pd.DataFrame(rows, columns=["problem", "key", "check"])


def _row(problem: str, key: str, check: str | None = None) -> dict[str, Any]:
    return {"problem": problem, "key": key, "check": check or CHECKS[problem]}


def _copy_repeats(sim: Simulated, renamed: dict[str, str]) -> None:
    """Send the repeat entries of the duplicated submissions again under the new keys."""
    for name, table in list(sim.tables.items()):
        if name is None or table.empty:
            continue
        root_key = table["_parent_key"].astype(str).str.split("/").str[0]
        picked = table.loc[root_key.isin(list(renamed))].copy()
        if picked.empty:
            continue
        for column in ("_key", "_parent_key"):
            head = picked[column].astype(str).str.split("/", n=1)
            picked[column] = [renamed[h[0]] + ("/" + h[1] if len(h) > 1 else "") for h in head]
        sim.tables[name] = pd.concat([table, picked], ignore_index=True)
