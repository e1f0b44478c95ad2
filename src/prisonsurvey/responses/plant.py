"""Plant known fieldwork problems in simulated data, for the quality checks to find.

The format of a plant file is in ``docs/scenarios.md`` ("Planted problems").

Each problem is planted in a known amount on rows drawn with the simulation's seed, and
:func:`plant` returns the list of what it planted (problem, key, the check expected to find it)
so that a quality report can be compared with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prisonsurvey.errors import InputError, Issue
from prisonsurvey.questionnaire.batteries import find_batteries
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType
from prisonsurvey.questionnaire.yaml_source import read_yaml
from prisonsurvey.responses.simulate import Simulated, uuids

PLANT_SHAPE = "SCN004"
"""A key or value of the plant file is wrong."""


class Plant(BaseModel):
    """Planted problems and how many of each.

    Attributes:
        duplicates: Submissions sent twice (the same answers arrive again under a new key).
        short_interviews: Interviews of the fabricating interviewer (the one with most
            completed interviews) that last ``short_minutes``, as when answers are made up.
        short_minutes: Length of those interviews.
        straightlined: Interviews of the fabricating interviewer with one answer repeated
            through every battery (found as the interviewer's, not each interview's: many
            people really answer a battery alike).
        copied: Interviews of the fabricating interviewer whose answers are copied from another
            of their interviews (identical answer patterns for two people).
        outside_hours: Interviews moved to the evening (21:00).
        behind: Facilities behind their target: all but ``behind_share`` of their interviews
            are not done yet (the targets are the completed interviews simulated).
        behind_share: Share of a behind facility's interviews that is kept.
        constraint_breaks: Answers just outside a numeric range constraint, sent with the
            form version ``old_form_version``, published before the constraint was added
            (a tablet that kept it). A project importing them declares that version in
            ``instrument.form_versions``.
        old_form_version: The form version of the submissions with constraint breaks.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    duplicates: int = Field(default=3, ge=0)
    short_interviews: int = Field(default=6, ge=0)
    short_minutes: float = Field(default=8.0, gt=0)
    straightlined: int = Field(default=8, ge=0)
    copied: int = Field(default=2, ge=0)
    outside_hours: int = Field(default=4, ge=0)
    behind: int = Field(default=1, ge=0)
    behind_share: float = Field(default=0.3, ge=0, lt=1)
    constraint_breaks: int = Field(default=3, ge=0)
    old_form_version: str = Field(default="pilot", min_length=1, pattern=r"^[^\s<>&\"']+$")


DEFAULT_PLANT = Plant()

CHECKS = {
    "duplicate": "duplicate_submission",
    "short_interview": "duration_short",
    "straightlining": "straightlining_interviewer",
    "copied_answers": "copied_answers",
    "outside_hours": "outside_hours",
    "facility_behind": "progress_behind",
    "constraint_break": "constraint",
}
"""The quality check expected to find each planted problem."""

_RANGE = re.compile(r"^\s*\.\s*>=\s*(-?\d+)\s+and\s+\.\s*<=\s*(-?\d+)\s*$")
"""A constraint ``. >= a and . <= b``: ``b + 1`` breaks it whatever the other answers."""


@dataclass(frozen=True)
class Planted:
    """What :func:`plant` planted.

    Attributes:
        problems: One row per finding expected: ``problem``, ``key`` (the submission, or the
            interviewer or facility of a problem that is theirs), ``check``, ``question``.
        targets: Completed interviews wanted per facility code (the completed interviews
            simulated before any facility was held back), for ``quality.targets``.
    """

    problems: pd.DataFrame
    targets: dict[str, int]

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write ``planted.csv`` and ``targets.csv`` (``facility``, ``target``) in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        problems, targets = folder / "planted.csv", folder / "targets.csv"
        self.problems.to_csv(problems, index=False)
        pd.DataFrame(
            {"facility": list(self.targets), "target": list(self.targets.values())}
        ).to_csv(targets, index=False)
        return problems, targets


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


def plant(sim: Simulated, spec: Plant, seed: int) -> Planted:
    """Plant ``spec``'s problems in ``sim`` (in place).

    Only completed interviews are touched, and each one by one problem at most.

    Returns:
        The findings a quality report must raise, and the facility targets.
    """
    rng = np.random.default_rng(seed + 7)
    planter = _Planter(sim, rng)
    targets = planter.targets()
    planter.hold_back(spec.behind, spec.behind_share)
    planter.fabricate(spec)
    planter.evening(spec.outside_hours)
    planter.break_constraints(sim.questionnaire, spec.constraint_breaks, spec.old_form_version)
    planter.send_twice(spec.duplicates)
    problems = pd.DataFrame(planter.rows, columns=["problem", "key", "check", "question"])
    return Planted(problems, targets)


class _Planter:
    """The root table being changed, which rows are still free, and what was planted."""

    def __init__(self, sim: Simulated, rng: np.random.Generator) -> None:
        self.sim = sim
        self.rng = rng
        self.rows: list[dict[str, Any]] = []
        self.used: set[int] = set()

    @property
    def root(self) -> pd.DataFrame:
        return self.sim.tables[None]

    def done(self) -> np.ndarray:
        root = self.root
        if "consent" not in root.columns:
            return np.ones(len(root), dtype=bool)
        return root["consent"].eq(1).fillna(False).to_numpy(dtype=bool)

    def free(self) -> np.ndarray:
        return np.array([i for i in np.flatnonzero(self.done()) if i not in self.used], int)

    def add(self, problem: str, key: str, check: str | None = None, question: str = "") -> None:
        self.rows.append(
            {
                "problem": problem,
                "key": key,
                "check": check or CHECKS[problem],
                "question": question,
            }
        )

    def keys(self) -> np.ndarray:
        return self.root["_key"].astype(str).to_numpy()

    def targets(self) -> dict[str, int]:
        if "facility" not in self.root.columns:
            return {}
        codes = self.root.loc[self.done(), "facility"].astype(str)
        return {str(k): int(v) for k, v in codes.value_counts().sort_index().items()}

    def hold_back(self, count: int, share: float) -> None:
        """Leave ``1 - share`` of the interviews of ``count`` facilities undone."""
        if not count or "facility" not in self.root.columns:
            return
        codes = self.root["facility"].astype(str).to_numpy()
        done = self.done()
        names = sorted(set(codes[done]))
        chosen = self.rng.choice(len(names), size=min(count, len(names)), replace=False)
        drop: list[int] = []
        for c in sorted(int(x) for x in chosen):
            # completed interviews and refusals alike, so that the response rate stays
            for part in (done, ~done):
                rows = np.flatnonzero(part & (codes == names[c]))
                keep = int(np.floor(len(rows) * share))
                picked = self.rng.choice(rows, len(rows) - keep, replace=False)
                drop += sorted(int(x) for x in picked)
            self.add("facility_behind", names[c])
        gone = set(self.keys()[drop])
        self.sim.tables[None] = self.root.drop(index=self.root.index[drop]).reset_index(drop=True)
        for name, table in list(self.sim.tables.items()):
            if name is not None and not table.empty:
                owner = table["_parent_key"].astype(str).str.split("/").str[0]
                self.sim.tables[name] = table.loc[~owner.isin(gone)].reset_index(drop=True)

    def fabricate(self, spec: Plant) -> None:
        """The interviewer with most completed interviews makes some of them up."""
        root = self.root
        if "interviewer_id" not in root.columns:
            return
        ids = root["interviewer_id"].astype(str).to_numpy()
        free = self.free()
        counts = pd.Series(ids[free]).value_counts()
        if counts.empty:
            return
        who = str(counts.index[0])
        mine = [int(i) for i in free if ids[i] == who]
        keys = self.keys()
        short = mine[: spec.short_interviews]
        start, end = pd.to_datetime(root["start"]), pd.to_datetime(root["end"])
        end.iloc[short] = start.iloc[short] + pd.Timedelta(minutes=spec.short_minutes)
        root["end"] = end.astype("datetime64[us]")
        for i in short:
            self.add("short_interview", keys[i])
        batteries = [
            items
            for items in find_batteries(self.sim.questionnaire, 4).values()
            if all(q in root.columns for q in items)
        ]
        lined = mine[: spec.straightlined]
        for items in batteries:
            first = self._first_code(items[0])
            for q in items:
                answered = root[q].iloc[lined].notna().to_numpy()
                root.loc[root.index[np.array(lined, int)[answered]], q] = first
        if lined and batteries:
            self.add("straightlining", who)
        made_up = max(spec.short_interviews, spec.straightlined)
        self.used.update(mine[:made_up])
        # The latest interviews are copied from an earlier one with the fewest "don't know"
        # answers: no copied date is then after the copy's day, and the copies do not make
        # the interviewer's item nonresponse stand out.
        later = sorted(mine[made_up:], key=lambda i: (start.iloc[i], i), reverse=True)
        copies = later[: spec.copied]
        if not copies:
            return
        day = min(start.iloc[i] for i in copies)
        earlier = [i for i in mine if i not in copies and start.iloc[i] <= day]
        if not earlier:
            return
        gaps = self._missing_answers()
        source = min(earlier, key=lambda i: (gaps[i], start.iloc[i], i))
        self.add("copied_answers", keys[source])
        for copy in copies:
            self._copy_answers(source, copy)
            self.add("copied_answers", keys[copy])
        self.used.update((source, *copies))

    def _missing_answers(self) -> np.ndarray:
        """Per root row, how many answers are a missing code (don't know, refused)."""
        root = self.root
        q = self.sim.questionnaire
        count = np.zeros(len(root), dtype=int)
        for question in q.questions():
            if question.name not in root.columns or not question.choices:
                continue
            cl = q.choice_lists.get(question.choices)
            codes = list(cl.missing_codes()) if cl is not None else []
            if codes:
                count += root[question.name].isin(codes).to_numpy(dtype=bool)
        return count

    def _first_code(self, question: str) -> Any:
        q = self.sim.questionnaire.question(question)
        cl = self.sim.questionnaire.choice_lists[q.choices or ""]
        missing = set(cl.missing_codes())
        return next(c.code for c in cl.choices if c.code not in missing)

    def _copy_answers(self, source: int, copy: int) -> None:
        root = self.root
        keep = {"_key", "_submitted_at", "start", "end", "facility", "interviewer_id"}
        keep |= {"deviceid", "roster_line"}
        cols = [c for c in root.columns if c not in keep]
        root.loc[root.index[copy], cols] = root.loc[root.index[source], cols].to_numpy()
        old, new = str(root.at[root.index[source], "_key"]), str(root.at[root.index[copy], "_key"])
        for name, table in list(self.sim.tables.items()):
            if name is not None and not table.empty:
                owner = table["_parent_key"].astype(str).str.split("/").str[0]
                self.sim.tables[name] = table.loc[owner != new].reset_index(drop=True)
        _copy_repeats(self.sim, {old: new})

    def evening(self, count: int) -> None:
        root = self.root
        free = self.free()
        evening = np.sort(self.rng.choice(free, size=min(count, len(free)), replace=False))
        start, end = pd.to_datetime(root["start"]), pd.to_datetime(root["end"])
        length = np.minimum(
            (end.iloc[evening] - start.iloc[evening]).to_numpy(), np.timedelta64(90, "m")
        )
        start.iloc[evening] = start.iloc[evening].dt.normalize() + pd.Timedelta(hours=21)
        end.iloc[evening] = start.iloc[evening] + length
        root["start"] = start.astype("datetime64[us]")
        root["end"] = end.astype("datetime64[us]")
        self.used.update(int(i) for i in evening)
        keys = self.keys()
        for i in evening:
            self.add("outside_hours", keys[i])

    def break_constraints(self, questionnaire: Questionnaire, count: int, version: str) -> None:
        """Answers one above the upper end of ``. >= a and . <= b`` constraints.

        The submissions broken are stamped with the older form ``version``.
        """
        root = self.root
        # A question another one uses (skip logic, roster sizes, texts) would raise more
        # findings than the one planted.
        used = questionnaire.model_dump_json()
        ranged = [
            (q.name, int(m.group(2)))
            for q in questionnaire.questions()
            if q.type in (QuestionType.INTEGER, QuestionType.DECIMAL)
            and q.name in root.columns
            and q.name not in {"roster_line", "facility"}
            and "${" + q.name + "}" not in used
            and (m := _RANGE.match(q.constraint or "")) is not None
        ]
        keys = self.keys()
        for n in range(count):
            if not ranged:
                return
            name, top = ranged[n % len(ranged)]
            answered = [int(i) for i in self.free() if pd.notna(root[name].iloc[i])]
            if not answered:
                continue
            i = answered[int(self.rng.integers(len(answered)))]
            root.loc[root.index[i], name] = top + 1
            if "_form_version" not in root.columns:
                root["_form_version"] = pd.Series(pd.NA, index=root.index, dtype=object)
            root.loc[root.index[i], "_form_version"] = version
            self.used.add(i)
            self.add("constraint_break", keys[i], question=name)

    def send_twice(self, count: int) -> None:
        root = self.root
        free = self.free()
        again = self.rng.choice(free, size=min(count, len(free)), replace=False)
        if not len(again):
            return
        copies = root.iloc[sorted(again)].copy()
        old = copies["_key"].astype(str).tolist()
        copies["_key"] = uuids(self.rng, len(copies))
        for key in copies["_key"]:
            self.add("duplicate", str(key))
        if "roster_line" in root.columns:  # the same person twice
            for key in old + copies["_key"].astype(str).tolist():
                self.add("duplicate", key, "duplicate_person", "roster_line")
        _copy_repeats(self.sim, dict(zip(old, copies["_key"].astype(str), strict=True)))
        copies["_submitted_at"] = copies["_submitted_at"] + pd.Timedelta(hours=2)
        self.sim.tables[None] = pd.concat([root, copies], ignore_index=True)


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
