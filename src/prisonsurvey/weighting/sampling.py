"""Sample selection: stage 1 facilities (stratified systematic PPS), stage 2 persons.

Facilities: within each stratum, units below ``min_size`` are excluded; the measure of size is
the population times an optional boost (e.g. women's facilities x 2); units whose expected
number of hits ``n_h * mos_i / M_h`` reaches 1 are taken with certainty (repeatedly, as the
remaining interval shrinks); the rest are drawn by systematic PPS on the frame sorted by the
stratum's sort variables, with a random start in ``[0, interval)``. Every inclusion probability
is recorded (``pi_facility``: 1 for certainty units, 0 for excluded and unselected units keeps
their own ``pi``).

Persons: from the roster count ``N`` on the day, ``n`` lines are taken at a fractional interval
``k = N / n`` from a random start (line ``floor(start + j k) + 1``), reproducible with a seed;
reserves are drawn at random from the lines not selected and used in order.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.errors import Location
from prisonsurvey.weighting import issues
from prisonsurvey.weighting.spec import FacilitySamplingSpec

RESERVE_RULES = (
    "Replace a selected person only when they are no longer held in the facility on the day "
    "(released, transferred, in hospital or court) or are not eligible; never replace a refusal "
    "or someone who can be visited again. Use reserves strictly in the order listed, one per "
    "replaced person, and write the line replaced and the reason on the sheet."
)


@dataclass(frozen=True)
class FacilitySample:
    """The frame with the selection recorded.

    Attributes:
        frame: Input frame plus ``mos``, ``excluded``, ``certainty``, ``selected`` and
            ``pi_facility`` (inclusion probability of every unit).
        strata: Per stratum: units, excluded, certainty, sample size, interval, random start.
    """

    frame: pd.DataFrame
    strata: list[dict[str, Any]] = field(default_factory=list)


def _measure(frame: pd.DataFrame, spec: FacilitySamplingSpec) -> np.ndarray:
    for col in [spec.id, spec.stratum, spec.size, *spec.sort_by, *spec.boost]:
        if col not in frame.columns:
            issues.fail(issues.SPEC_COLUMN, f"the frame has no column '{col}'")
    size = pd.to_numeric(frame[spec.size], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(size) | (size <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        issues.fail(
            issues.FRAME_SIZE,
            f"measure of size '{spec.size}' is missing or not positive for facility "
            f"'{frame[spec.id].iloc[i]}' ({int(bad.sum())} row(s)); fix the frame or drop closed "
            f"facilities",
            Location(row=i + 2, column=spec.size),
        )
    mos = size.copy()
    for col, factors in spec.boost.items():
        values = frame[col].astype(str).to_numpy()
        for value, factor in factors.items():
            mos[values == value] *= factor
    return mos


def select_facilities(
    frame: pd.DataFrame, spec: FacilitySamplingSpec, seed: int = 20240601
) -> FacilitySample:
    """Draw the stage-1 sample of facilities (see module docstring).

    Args:
        frame: One row per facility.
        spec: Columns, sample sizes, sort order, minimum size and size boosts.
        seed: Random seed (the draw is reproducible).
    """
    mos = _measure(frame, spec)
    size = pd.to_numeric(frame[spec.size]).to_numpy(dtype=np.float64)
    strata = frame[spec.stratum].astype(str).to_numpy()
    excluded = size < spec.min_size
    certainty = np.zeros(len(frame), dtype=bool)
    selected = np.zeros(len(frame), dtype=bool)
    pi = np.zeros(len(frame))
    rng = np.random.default_rng(seed)
    summary: list[dict[str, Any]] = []
    for h in sorted(set(strata)):
        rows = np.flatnonzero((strata == h) & ~excluded)
        n_h = spec.sample_size.get(h, spec.default_sample_size)
        if n_h is None:
            issues.fail(
                issues.SAMPLE_TOO_LARGE,
                f"no sample size for stratum '{h}'; add it under sampling.facilities.sample_size "
                f"or set default_sample_size",
            )
        if n_h > rows.size:
            issues.fail(
                issues.SAMPLE_TOO_LARGE,
                f"stratum '{h}' is asked for {n_h} facilities but has {rows.size} at or above "
                f"the minimum size {spec.min_size:g}; lower its sample size",
            )
        n_rem = n_h
        rest = rows
        while n_rem > 0:
            total = mos[rest].sum()
            sure = rest[mos[rest] * n_rem / total >= 1.0]
            if sure.size == 0:
                break
            certainty[sure] = True
            n_rem -= int(sure.size)
            rest = rest[~np.isin(rest, sure)]
        n_rem = max(n_rem, 0)
        pi[certainty & (strata == h)] = 1.0
        start = interval = float("nan")
        if n_rem > 0:
            order = _sorted(frame, rest, spec.sort_by)
            cum = np.cumsum(mos[order])
            interval = float(cum[-1] / n_rem)
            start = float(rng.uniform(0.0, interval))
            hits = np.searchsorted(cum, start + interval * np.arange(n_rem), side="right")
            selected[order[hits]] = True
            pi[rest] = n_rem * mos[rest] / cum[-1]
        selected |= certainty & (strata == h)
        summary.append(
            {
                "stratum": h,
                "units": int((strata == h).sum()),
                "excluded": int((excluded & (strata == h)).sum()),
                "sample_size": int(n_h),
                "certainty": int((certainty & (strata == h)).sum()),
                "interval": interval,
                "random_start": start,
            }
        )
    out = frame.copy()
    out["mos"] = mos
    out["excluded"] = excluded
    out["certainty"] = certainty
    out["selected"] = selected
    out["pi_facility"] = pi
    return FacilitySample(out, summary)


def _sorted(frame: pd.DataFrame, rows: np.ndarray, sort_by: list[str]) -> np.ndarray:
    if not sort_by:
        return rows
    sub = frame.iloc[rows][sort_by].reset_index(drop=True)
    order = sub.sort_values(sort_by, kind="stable").index.to_numpy()
    return np.asarray(rows[order])


@dataclass(frozen=True)
class PersonSheet:
    """A stage-2 selection sheet for one facility.

    Attributes:
        facility: Facility identifier.
        roster_count: Persons on the roster on the day.
        take: Persons to interview.
        interval: Sampling interval ``roster_count / take``.
        random_start: Random start in ``[0, interval)``.
        seed: Seed used.
        lines: One row per selected or reserve line: ``order``, ``line``, ``role``.
        pi_inmate: Inclusion probability of every person (``take / roster_count``).
    """

    facility: str
    roster_count: int
    take: int
    interval: float
    random_start: float
    seed: int
    lines: pd.DataFrame
    pi_inmate: float
    rules: str = RESERVE_RULES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (what ``--json`` prints)."""
        return {
            "facility": self.facility,
            "roster_count": self.roster_count,
            "take": self.take,
            "interval": self.interval,
            "random_start": self.random_start,
            "seed": self.seed,
            "pi_inmate": self.pi_inmate,
            "selected": self.lines.loc[self.lines["role"] == "selected", "line"].tolist(),
            "reserve": self.lines.loc[self.lines["role"] == "reserve", "line"].tolist(),
            "rules": self.rules,
        }


def select_persons(
    facility: str, roster_count: int, take: int, seed: int, reserve: int = 5
) -> PersonSheet:
    """Systematic selection of roster lines with a random start (see module docstring).

    The random stream depends on the seed and the facility identifier, so one seed serves a
    whole fieldwork round and every sheet can be reproduced.
    """
    if roster_count <= 0 or take <= 0:
        issues.fail(
            issues.ROSTER,
            f"roster count ({roster_count}) and number to take ({take}) must be positive",
        )
    rng = np.random.default_rng([seed, zlib.crc32(str(facility).encode("utf-8"))])
    n = min(take, roster_count)
    interval = roster_count / n
    start = float(rng.uniform(0.0, interval))
    chosen = np.floor(start + interval * np.arange(n)).astype(np.int64) + 1
    rest = np.setdiff1d(np.arange(1, roster_count + 1), chosen)
    spare = rng.permutation(rest)[: min(reserve, rest.size)]
    lines = pd.DataFrame(
        {
            "facility_id": str(facility),
            "order": np.arange(1, n + spare.size + 1),
            "line": np.concatenate([chosen, spare]),
            "role": ["selected"] * n + ["reserve"] * int(spare.size),
            "pi_inmate": n / roster_count,
        }
    )
    return PersonSheet(
        str(facility), roster_count, take, interval, start, seed, lines, n / roster_count
    )
