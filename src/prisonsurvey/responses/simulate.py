"""Synthetic respondents that obey the questionnaire's logic, written as the servers write them.

:func:`simulate` fills a questionnaire column by column in document order, vectorised over all
respondents: relevance decides who is asked (others stay empty), choice filters restrict the
options offered, constraints are met by drawing again the rows that violate them, and
calculations are computed with the expression evaluator. Repeats get ``repeat_count`` entries
(or 0-3 when the count is not given). The result is a set of typed tables shaped like
:meth:`~prisonsurvey.responses.store.Store.responses`; :mod:`prisonsurvey.responses.writers`
writes them as ODK Central, KoBoToolbox or submission XML files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import (
    BinOp,
    Call,
    Expr,
    ExpressionError,
    Name,
    Neg,
    Not,
    evaluate,
    references,
)
from prisonsurvey.questionnaire.model import Group, Question, Questionnaire, QuestionType
from prisonsurvey.responses.scenario import Scenario, resolve_scenario
from prisonsurvey.responses.scenario_draw import PERSON, ScenarioDraws

TODAY = dt.date(2026, 1, 15)
"""``today()`` during simulation, so that output does not depend on the day it runs."""

TEXTS = np.array(
    ["Sí", "ninguno", 'dijo "no sé"', "café, pan; agua", "línea 1\nlínea 2", "<ok> & más", "x"],
    dtype=object,
)
FORMATS = ("central", "kobo-xlsx", "kobo-csv", "xml")


@dataclass
class Simulated:
    """Simulated typed tables.

    Attributes:
        questionnaire: The questionnaire simulated.
        tables: ``None`` (root) and each repeat name to its table (``_key``, ``_parent_key``
            for repeats, ``start``, ``end``, ``_submitted_at`` for the root, one column per
            question; select_multiple as space-separated codes). The root may hold a
            ``_form_version`` column: the form version of each submission where it is not
            the export's (missing where it is).
    """

    questionnaire: Questionnaire
    tables: dict[str | None, pd.DataFrame]


def _literals(expr: Expr | None) -> list[float]:
    if expr is None:
        return []
    return [float(x) for x in re.findall(r"(?<![\w$])-?\d+(?:\.\d+)?(?![\w-])", str(expr))]


def _dates(text: str | None) -> list[pd.Timestamp]:
    if not text:
        return []
    return [pd.Timestamp(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", text)]


class _Filler:
    def __init__(self, q: Questionnaire, rng: np.random.Generator) -> None:
        self.q = q
        self.cq = compiled(q)
        self.rng = rng
        self.draws: ScenarioDraws | None = None
        self.fixed: dict[str, pd.Series] = {}

    def _eval(self, expr: Expr, df: pd.DataFrame, current: str | None = None) -> pd.Series:
        return evaluate(expr, df, current=current, today=TODAY)

    def _relevant(self, name: str, df: pd.DataFrame, base: np.ndarray) -> np.ndarray:
        expr = self.cq.get(name, "relevant")
        if expr is None:
            return base
        try:
            value = self._eval(expr, df).fillna(False).astype(bool).to_numpy()
        except ExpressionError:
            return base
        return base & value

    def draw(self, question: Question, df: pd.DataFrame, rows: np.ndarray) -> pd.Series:
        """New values for ``rows`` (positions) of ``question``."""
        n = len(rows)
        rng = self.rng
        t = question.type
        constraint = question.constraint or ""
        entry = self.draws.entry(question) if self.draws is not None else None
        if self.draws is not None and entry is not None:
            if entry.number is not None:
                return self.draws.number(question, entry, df, rows)
            if entry.date is not None:
                return self.draws.date(question, entry, df, rows, pd.Timestamp(TODAY))
        if t in (QuestionType.INTEGER, QuestionType.DECIMAL):
            nums = [x for x in _literals(self.cq.get(question.name, "constraint"))]
            lo, hi = (min(nums), max(nums)) if len(nums) >= 2 else (0.0, 30.0)
            if len(nums) == 1:
                lo, hi = nums[0], nums[0] + 30
            if t is QuestionType.INTEGER:
                return pd.Series(rng.integers(int(lo), int(hi) + 1, n), dtype="Int64")
            return pd.Series(np.round(rng.uniform(lo, hi, n), 1), dtype="Float64")
        if t in (QuestionType.DATE, QuestionType.DATETIME):
            bounds = _dates(constraint) or [pd.Timestamp("2015-01-01"), pd.Timestamp(TODAY)]
            lo_d, hi_d = min(bounds), max(bounds)
            days = rng.integers(0, max((hi_d - lo_d).days, 1) + 1, n)
            stamps = lo_d + pd.to_timedelta(days, unit="D")
            if t is QuestionType.DATETIME:
                stamps = stamps + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")
            return pd.Series(stamps, dtype="datetime64[us]")
        if t is QuestionType.TEXT:
            return pd.Series(TEXTS[rng.integers(0, len(TEXTS), n)], dtype="str")
        if t is QuestionType.SELECT_ONE:
            return self._select_one(question, df, rows)
        if t is QuestionType.SELECT_MULTIPLE:
            return self._select_multiple(question, df, rows)
        raise AssertionError(t)

    def _allowed(self, question: Question, df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        cl = self.q.choice_list(question)
        parsed = self.cq.parsed.get((question.name, "choice_filter"))
        allowed = np.ones((len(rows), len(cl.choices)), dtype=bool)
        if parsed is None:
            return allowed
        expr = _attributes_apart(parsed)
        sub = df.iloc[rows].reset_index(drop=True)
        by_name = not any(
            isinstance(v, int) or str(v).isdigit() for c in cl.choices for v in c.filters.values()
        )
        if by_name:  # filters hold choice names, as ODK compares them: answers as names too
            for ref in _refs(parsed):
                if ref in sub.columns and ref in _selects(self.q):
                    names = {
                        c.code: c.name for c in self.q.choice_list(self.q.question(ref)).choices
                    }
                    sub[ref] = sub[ref].map(names).astype(object)
        for j, c in enumerate(cl.choices):
            frame = sub.assign(**{f"__attr__{k}": v for k, v in c.filters.items()})
            try:
                allowed[:, j] = self._eval(expr, frame).fillna(False).astype(bool).to_numpy()
            except ExpressionError:
                allowed[:, j] = True
        return allowed

    def _weights(self, question: Question) -> np.ndarray:
        cl = self.q.choice_list(question)
        missing = cl.missing_codes()
        w = np.array([0.04 if c.code in missing else 1.0 for c in cl.choices])
        return w

    def _select_one(self, question: Question, df: pd.DataFrame, rows: np.ndarray) -> pd.Series:
        cl = self.q.choice_list(question)
        codes = np.array([c.code for c in cl.choices])
        allowed = self._allowed(question, df, rows)
        entry = self.draws.entry(question) if self.draws is not None else None
        if self.draws is not None and entry is not None:
            at = self.draws.select_one(question, entry, df, rows, allowed)
            return pd.Series(codes[np.maximum(at, 0)], dtype="Int64").mask(pd.Series(at < 0))
        keys = self.rng.random(allowed.shape) * self._weights(question)
        keys[~allowed] = -1.0
        pick = keys.argmax(axis=1)
        out = pd.Series(codes[pick], dtype="Int64")
        return out.mask(pd.Series(~allowed.any(axis=1)))

    def _select_multiple(self, question: Question, df: pd.DataFrame, rows: np.ndarray) -> pd.Series:
        cl = self.q.choice_list(question)
        missing = cl.missing_codes()
        allowed = self._allowed(question, df, rows)
        substantive = np.array([c.code not in missing for c in cl.choices])
        entry = self.draws.entry(question) if self.draws is not None else None
        if self.draws is not None and entry is not None:
            chosen = self.draws.select_multiple(question, entry, df, rows, allowed)
        else:
            chosen = (self.rng.random(allowed.shape) < 0.35) & allowed & substantive
        nothing = ~chosen.any(axis=1)
        first = (self.rng.random(allowed.shape) * allowed).argmax(axis=1)
        chosen[np.flatnonzero(nothing), first[nothing]] = allowed[
            np.flatnonzero(nothing), first[nothing]
        ]
        text = pd.Series([""] * len(rows), dtype=object)
        for j, c in enumerate(cl.choices):
            text = text + np.where(chosen[:, j], f"{c.code} ", "")
        out = text.str.rstrip()
        return out.mask(out == "").astype("str")

    def fill(
        self, df: pd.DataFrame, items: tuple[Question | Group, ...], base: np.ndarray
    ) -> list[Group]:
        """Fill ``df`` in place with the questions of ``items``; return the repeats met."""
        repeats: list[Group] = []
        for item in items:
            if isinstance(item, Group):
                mask = self._relevant(item.name, df, base)
                if item.is_repeat:
                    df[f"__relevant__{item.name}"] = mask
                    df[item.name] = _repeat_entries(self, item, df, self.rng)
                    repeats.append(item)
                    continue
                repeats += self.fill(df, item.items, mask)
                continue
            if not item.holds_data:
                continue
            mask = self._relevant(item.name, df, base)
            self._fill_question(df, item, mask)
        return repeats

    def _fill_question(self, df: pd.DataFrame, item: Question, mask: np.ndarray) -> None:
        n = len(df)
        if item.type is QuestionType.CALCULATE:
            expr = self.cq.get(item.name, "calculation")
            value = pd.Series([None] * n, dtype=object)
            if expr is not None:
                with contextlib.suppress(ExpressionError):
                    value = self._eval(expr, df)
            df[item.name] = _as_text(value).mask(~mask)
            return
        if item.name in self.fixed:
            df[item.name] = self.fixed[item.name].mask(~mask)
            return
        rows = np.flatnonzero(mask)
        values = self.draw(item, df, rows) if len(rows) else self.draw(item, df, rows[:0])
        column = values.iloc[:0].reindex(range(n))  # all NA, same dtype
        if len(rows):
            column.iloc[rows] = values.to_numpy()
        df[item.name] = column
        position = int(df.columns.get_loc(item.name))  # type: ignore[arg-type]
        constraint = self.cq.get(item.name, "constraint")
        if constraint is not None and len(rows):
            for _ in range(30):
                try:
                    ok = self._eval(constraint, df, current=item.name)
                except ExpressionError:
                    break
                bad = np.flatnonzero(mask & ~ok.fillna(True).astype(bool).to_numpy())
                if not len(bad):
                    break
                df.iloc[bad, position] = self.draw(item, df, bad).to_numpy()
            else:
                ok = self._eval(constraint, df, current=item.name)
                still = mask & ~ok.fillna(True).astype(bool).to_numpy()
                df.loc[still, item.name] = pd.NA
        if item.required is not True and len(rows) and self.draws is None:
            blank = mask & (self.rng.random(n) < 0.03)
            df.loc[blank, item.name] = pd.NA


def _as_text(value: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(value):
        return value.map({True: "true", False: "false"}).astype("str")
    if pd.api.types.is_numeric_dtype(value):
        num = value.astype(float)
        whole = num.notna() & (num % 1 == 0)
        text = num.astype(str)
        text = text.where(~whole, num.round().astype("Int64").astype(str))
        return text.mask(num.isna()).astype("str")
    return value.astype("str").mask(value.isna())


def _attributes_apart(expr: Expr) -> Expr:
    """Rename bare choice attributes so they cannot clash with a question of the same name."""
    if isinstance(expr, Name):
        return replace(expr, name=f"__attr__{expr.name}")
    if isinstance(expr, BinOp):
        return replace(expr, left=_attributes_apart(expr.left), right=_attributes_apart(expr.right))
    if isinstance(expr, Neg | Not):
        return replace(expr, operand=_attributes_apart(expr.operand))
    if isinstance(expr, Call):
        return replace(expr, args=tuple(_attributes_apart(a) for a in expr.args))
    return expr


def _refs(expr: Expr) -> set[str]:
    return set(references(expr))


def _selects(q: Questionnaire) -> set[str]:
    return {x.name for x in q.questions() if x.type is QuestionType.SELECT_ONE}


def uuids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` submission keys (``uuid:...``) drawn from ``rng``."""
    raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
    hexes = (f"{int(a):016x}{int(b):016x}" for a, b in raw)
    return [f"uuid:{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}" for h in hexes]


def simulate(
    q: Questionnaire,
    n: int,
    seed: int = 1,
    scenario: Scenario | None = None,
    facilities: np.ndarray | None = None,
) -> Simulated:
    """Simulate ``n`` respondents of ``q`` (deterministic for a given ``seed``).

    Args:
        q: The questionnaire.
        n: Number of respondents.
        seed: Seed of every random draw.
        scenario: How people answer; ``None`` answers uniformly at random (the ``uniform``
            scenario).
        facilities: Facility code of each respondent (with a scenario); by default the first
            ``fieldwork.facilities`` codes of the facility question, in equal blocks.
    """
    rng = np.random.default_rng(seed)
    filler = _Filler(q, rng)
    root = pd.DataFrame(index=pd.RangeIndex(n))
    if scenario is None:
        start = pd.Timestamp("2026-03-02 08:00:00") + pd.to_timedelta(
            np.sort(rng.integers(0, 60 * 86400, n)), unit="s"
        )
    root["_key"] = pd.Series(uuids(rng, n), dtype="str")
    if scenario is not None:
        codes = _facility_codes(q, scenario, n, facilities)
        fac = pd.factorize(codes)[0].astype(np.int64)
        per = scenario.fieldwork.interviewers_per_facility
        within = pd.Series(fac).groupby(fac).cumcount().to_numpy()
        interviewer = fac * per + within % per
        filler.draws = ScenarioDraws(scenario, q, rng, fac, interviewer, filler._eval)
        root[PERSON] = np.arange(n)
        names = {x.name for x in q.questions()}
        fw = scenario.fieldwork
        if fw.facility_question in names:
            filler.fixed[fw.facility_question] = pd.Series(codes, dtype="Int64")
        if fw.interviewer_question in names:
            ids = [f"ENT-{c}-{1 + i % per}" for c, i in zip(codes, within, strict=True)]
            filler.fixed[fw.interviewer_question] = pd.Series(ids, dtype="str")
        start, end = _times(scenario, fac, rng)
        if "interview_date" in names:
            filler.fixed["interview_date"] = pd.Series(
                start.normalize().to_numpy(), dtype="datetime64[us]"
            )
    tables: dict[str | None, pd.DataFrame] = {None: root}
    met: list[Group] = []
    for module in q.modules:
        mask = filler._relevant(module.name, root, np.ones(n, dtype=bool))
        met += filler.fill(root, module.items, mask)
    for rep in met:
        tables[rep.name] = _fill_repeat(filler, rep, root, root[rep.name].to_numpy(), tables, rng)
    root = root.drop(columns=[c for c in root.columns if c.startswith("__")])
    root = root.drop(columns=[r.name for r in met])
    tables[None] = root
    root.insert(1, "start", start.astype("datetime64[us]"))
    if scenario is None:
        end = start + pd.to_timedelta(rng.integers(900, 5400, n), unit="s")
    root.insert(2, "end", end.astype("datetime64[us]"))
    root.insert(
        3,
        "_submitted_at",
        (root["end"] + pd.to_timedelta(rng.integers(60, 86400, n), unit="s")).astype(
            "datetime64[us]"
        ),
    )
    return Simulated(q, tables)


def _facility_codes(
    q: Questionnaire, scenario: Scenario, n: int, given: np.ndarray | None
) -> np.ndarray:
    if given is not None:
        return np.asarray(given)
    k = scenario.fieldwork.facilities
    pool: list[Any] = list(range(1, k + 1))
    with contextlib.suppress(KeyError, LookupError):
        question = q.question(scenario.fieldwork.facility_question)
        if question.type is QuestionType.SELECT_ONE:
            pool = [c.code for c in q.choice_list(question).choices][:k]
    return np.asarray(pool)[np.arange(n) * len(pool) // max(n, 1)]


def _times(
    scenario: Scenario, fac: np.ndarray, rng: np.random.Generator
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Start and end of each interview: each facility visited on a few working days."""
    fw = scenario.fieldwork
    n, k = len(fac), int(fac.max()) + 1 if len(fac) else 1
    spread = max(fw.days // k, 2)
    first = np.datetime64(fw.start, "D")
    offset = fac * fw.days // k + rng.integers(0, spread, n)
    day = np.busday_offset(np.busday_offset(first, 0, roll="forward"), offset, roll="forward")
    m = fw.minutes
    minutes = np.clip(rng.normal(m.mean, m.sd, n), m.min, m.max)
    h0, h1 = fw.hours
    latest = np.maximum(h1 * 60 - minutes, h0 * 60)
    begin = h0 * 60 + rng.random(n) * (latest - h0 * 60)
    start = pd.DatetimeIndex(day.astype("datetime64[us]")) + pd.to_timedelta(
        np.round(begin * 60), unit="s"
    )
    end = start + pd.to_timedelta(np.round(minutes * 60), unit="s")
    return start, end


def _repeat_entries(
    filler: _Filler, rep: Group, df: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    relevant = df[f"__relevant__{rep.name}"].to_numpy()
    count = filler.cq.get(rep.name, "repeat_count")
    if count is not None:
        try:
            k = filler._eval(count, df).fillna(0).to_numpy(dtype=float)
            entries = np.clip(np.nan_to_num(k), 0, 50).astype(np.int64)
        except (ExpressionError, ValueError):
            entries = rng.integers(0, 4, len(df))
    else:
        entries = rng.integers(1, 4, len(df))
    return np.where(relevant, entries, 0)


def _fill_repeat(
    filler: _Filler,
    rep: Group,
    parent: pd.DataFrame,
    entries: np.ndarray,
    tables: dict[str | None, pd.DataFrame],
    rng: np.random.Generator,
) -> pd.DataFrame:
    idx = np.repeat(np.arange(len(parent)), entries)
    position = pd.Series(idx).groupby(idx).cumcount().to_numpy() + 1
    context = parent.iloc[idx].reset_index(drop=True)
    parent_key = context["_key"].astype(str)
    keys = parent_key + "/" + rep.name + "[" + pd.Series(position).astype(str) + "]"
    child = pd.DataFrame({"_key": keys.astype("str"), "_parent_key": parent_key.astype("str")})
    work = pd.concat([context.drop(columns=["_key"]), child], axis=1)
    n = len(work)
    nested = filler.fill(work, rep.items, np.ones(n, dtype=bool))
    for inner in nested:
        tables[inner.name] = _fill_repeat(
            filler, inner, work, work[inner.name].to_numpy(), tables, rng
        )
    names = ["_key", "_parent_key"] + [
        i.name for _, i in _walk(rep.items) if isinstance(i, Question) and i.holds_data
    ]
    return work[names].reset_index(drop=True)


def _walk(items: tuple[Question | Group, ...]) -> list[tuple[int, Question | Group]]:
    out: list[tuple[int, Question | Group]] = []
    for item in items:
        out.append((0, item))
        if isinstance(item, Group) and not item.is_repeat:
            out += _walk(item.items)
    return out


def load_for_simulation(path: Path) -> tuple[Questionnaire, dict[str, Any]]:
    """Questionnaire and server settings from a survey project, questionnaire folder or JSON."""
    from prisonsurvey.project import Project, load_questionnaire_path

    path = Path(path)
    if (path / "survey.yaml").exists():
        project = Project.open(path)
        ref = project.config.instrument
        version = ref.form_versions[-1] if ref.form_versions else ref.version
        return project.questionnaire, {"form_id": ref.form_id or ref.id, "version": version}
    q = load_questionnaire_path(path)
    return q, {"form_id": q.id, "version": q.version}


def simulate_export(
    path: Path,
    n: int,
    fmt: str,
    out: Path,
    seed: int = 1,
    scenario: str | Path | None = None,
    plant: str | Path | None = None,
) -> dict[str, Any]:
    """Simulate ``n`` respondents of the questionnaire at ``path`` and write them as ``fmt``.

    ``scenario`` is a scenario file, ``default`` or ``uniform``; ``None`` uses the project's
    ``scenario.yaml``, else the instrument's default scenario, else ``uniform``.

    Returns:
        ``{"respondents", "format", "path", "repeat_rows", "scenario", "planted"}``
            (``planted``: the path of the list of planted problems, or ``None``).

    Raises:
        InputError: Unknown format (``SIM001``) or a questionnaire that cannot be loaded.
    """
    from prisonsurvey.responses.writers import write_export

    if fmt not in FORMATS:
        raise InputError(
            Issue(
                "SIM001",
                f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}",
                Location("--format"),
            )
        )
    if n < 1:
        raise InputError(Issue("SIM002", "-n must be at least 1", Location("-n")))
    q, settings = load_for_simulation(path)
    local = Path(path) / "scenario.yaml"
    if scenario is None and Path(path).is_dir() and local.is_file():
        scenario = local
    chosen = resolve_scenario(scenario, q)
    sim = simulate(q, n, seed, chosen)
    planted_path: Path | None = None
    if plant is not None:
        from prisonsurvey.responses.plant import load_plant
        from prisonsurvey.responses.plant import plant as plant_problems

        planted = plant_problems(sim, load_plant(plant), seed)
        target = Path(out)
        planted_path, _ = planted.write(target if not target.suffix else target.parent)
    written = write_export(sim, fmt, Path(out), **settings)
    return {
        "respondents": n,
        "format": fmt,
        "path": str(written),
        "repeat_rows": {k: len(v) for k, v in sim.tables.items() if k is not None},
        "scenario": chosen.scenario if chosen is not None else "uniform",
        "planted": str(planted_path) if planted_path is not None else None,
    }
