"""Type the text of an export, column by column (no loop over rows).

Each question column becomes the type the data conventions of ``docs/questionnaire-format.md``
give it; select answers written as names, codes or labels (in any language of the
questionnaire) become codes, and select_multiple indicator columns ``{name}_{code}`` are built
from the choice list. Values that cannot be typed are reported as problems (the row then goes
to quarantine with every reason).

Quarantine codes:
    IMP030  not a whole number
    IMP031  not a number
    IMP032  not a choice of the question's list
    IMP033  not a date
    IMP034  not a date and time
    IMP035  repeat row whose submission is not in the import or the store
    IMP036  submission held back because one of its rows was quarantined
    IMP037  row without a submission key
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import Question, Questionnaire, QuestionType
from prisonsurvey.responses.columns import ColumnMap
from prisonsurvey.responses.sources import CENTRAL, KOBO, PLAIN, RawTable

KOBO_REVIEW = {
    "validation_status_approved": "approved",
    "validation_status_not_approved": "rejected",
    "validation_status_on_hold": "hasIssues",
    "Approved": "approved",
    "Not Approved": "rejected",
    "On Hold": "hasIssues",
}
"""KoBo validation statuses (uid or label) as Central review states."""

PROBLEM_COLUMNS = ["pos", "column", "value", "code", "reason"]


@dataclass
class TypedTable:
    """A typed table and the problems found while typing it.

    Attributes:
        repeat: ``None`` for the root table, else the repeat name.
        frame: System columns, metadata and one column per question (plus indicators).
        problems: ``pos`` (row position in the raw table), ``column``, ``value``, ``code``,
            ``reason``.
    """

    repeat: str | None
    frame: pd.DataFrame
    problems: pd.DataFrame


def questions_of(q: Questionnaire, repeat: str | None) -> list[Question]:
    """Data-holding questions of the root table (``None``) or of a repeat, in order."""
    out: list[Question] = []
    for ancestors, item in q.walk():
        if not isinstance(item, Question) or not item.holds_data:
            continue
        inner = next((g.name for g in reversed(ancestors) if g.is_repeat), None)
        if inner == repeat:
            out.append(item)
    return out


def repeat_parents(q: Questionnaire) -> dict[str, str | None]:
    """Each repeat's enclosing repeat (``None``: the root table)."""
    out: dict[str, str | None] = {}
    for ancestors, item in q.walk():
        if not isinstance(item, Question) and item.is_repeat:
            out[item.name] = next((g.name for g in reversed(ancestors) if g.is_repeat), None)
    return out


def _token_map(q: Questionnaire, question: Question, language: str | None) -> dict[str, int]:
    cl = q.choice_list(question)
    mapping: dict[str, int] = {}
    for c in cl.choices:
        mapping.setdefault(c.name, c.code)
    for c in cl.choices:
        mapping.setdefault(str(c.code), c.code)
    for c in cl.choices:
        if c.xlsform_name:  # the value the form it was imported from recorded
            mapping.setdefault(c.xlsform_name, c.code)
    langs = [language] if language else []
    langs += [lang for lang in q.languages if lang != language]
    for lang in langs:
        for c in cl.choices:
            if c.label.get(lang):
                mapping.setdefault(c.label[lang].strip(), c.code)
    return mapping


class _Problems:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, values: pd.Series, column: str, code: str, reason: str) -> None:
        if not mask.any():
            return
        self.parts.append(
            pd.DataFrame(
                {
                    "pos": np.flatnonzero(mask.to_numpy()),
                    "column": column,
                    "value": values[mask].astype(str).to_numpy(),
                    "code": code,
                    "reason": reason,
                }
            )
        )

    def spread(self, distinct: _Problems, rows: np.ndarray) -> None:
        """Add the problems found on distinct values to every row of that value."""
        for part in distinct.parts:
            size = max(int(rows.max()) if len(rows) else -1, int(part["pos"].max())) + 1
            hit = np.zeros(size, dtype=bool)
            hit[part["pos"].to_numpy()] = True
            value = np.empty(len(hit), dtype=object)
            value[part["pos"].to_numpy()] = part["value"].to_numpy()
            pos = np.flatnonzero(hit[rows])
            if not len(pos):
                continue
            self.parts.append(
                pd.DataFrame(
                    {
                        "pos": pos,
                        "column": part["column"].iloc[0],
                        "value": value[rows[pos]],
                        "code": part["code"].iloc[0],
                        "reason": part["reason"].iloc[0],
                    }
                )
            )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
        return pd.concat(self.parts, ignore_index=True)


def _per_distinct(values: pd.Series, empty: pd.Series, parse: Any) -> pd.Series:
    """Apply the vectorised ``parse`` to each distinct value once, then spread to the rows."""
    rows, uniques = pd.factorize(values.mask(empty), use_na_sentinel=True)
    parsed = parse(pd.Series(uniques, dtype=object))
    spread = (
        parsed.take(np.where(rows < 0, 0, rows))
        if len(parsed)
        else parsed.reindex(range(len(rows)))
    )
    spread = spread.reset_index(drop=True)
    spread.index = values.index
    result: pd.Series = spread.mask(rows < 0)
    return result


def _number(values: pd.Series, empty: pd.Series) -> pd.Series:
    return _per_distinct(values, empty, lambda u: pd.to_numeric(u, errors="coerce"))


def _parse_multiple(
    text: str, mapping: dict[str, int], pattern: re.Pattern[str] | None
) -> tuple[list[int], bool]:
    """Codes of one select_multiple answer and whether every part was understood."""
    parts = text.split()
    codes = [mapping.get(p) for p in parts]
    if all(c is not None for c in codes):
        return [c for c in codes if c is not None], True
    if pattern is None:
        return [c for c in codes if c is not None], False
    # labels with spaces ("Family visits"): match the longest labels first
    found = pattern.findall(text)
    leftover = pattern.sub("", text).strip()
    return [mapping[f] for f in found], not leftover


def _type_select_multiple(
    q: Questionnaire,
    question: Question,
    values: pd.Series,
    empty: pd.Series,
    language: str | None,
    header: str,
    problems: _Problems,
    out: dict[str, pd.Series],
) -> None:
    cl = q.choice_list(question)
    mapping = _token_map(q, question, language)
    pattern = None
    if any(" " in k for k in mapping):
        alternatives = sorted(mapping, key=len, reverse=True)
        pattern = re.compile(
            r"(?:(?<=\s)|^)(" + "|".join(re.escape(x) for x in alternatives) + r")(?=\s|$)"
        )
    # each distinct answer is parsed once; rows take the result of their answer
    rows, uniques = pd.factorize(values.mask(empty), use_na_sentinel=True)
    order = [c.code for c in cl.choices]
    hits = np.zeros((len(uniques) + 1, len(order)), dtype=np.int8)
    ok = np.ones(len(uniques) + 1, dtype=bool)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[-1] = None
    position = {code: j for j, code in enumerate(order)}
    for u, text in enumerate(uniques):
        codes, understood = _parse_multiple(str(text), mapping, pattern)
        ok[u] = understood
        for c in codes:
            hits[u, position[c]] = 1
        texts[u] = " ".join(str(order[j]) for j in np.flatnonzero(hits[u])) if understood else None
    bad = pd.Series(~ok[rows], index=values.index) & ~empty
    problems.add(
        bad,
        values,
        header,
        "IMP032",
        f"not a choice of list '{cl.name}' of question '{question.name}'",
    )
    out[question.name] = pd.Series(texts[rows], index=values.index, dtype="str")
    missing = (rows < 0) | bad.to_numpy()
    for j, code in enumerate(order):
        column = pd.array(hits[rows, j], dtype="Int8")
        column[missing & (rows < 0)] = pd.NA
        out[f"{question.name}_{code}"] = pd.Series(column, index=values.index)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's position in the distinct texts of ``values``, and those texts (raw)."""
    text = values.astype(str)
    rows, uniques = pd.factorize(text, use_na_sentinel=True)
    pool = pd.Series(uniques, dtype=text.dtype)
    missing = rows < 0
    if missing.any():
        pool = pd.concat([pool, text[missing].iloc[:1]], ignore_index=True)
        rows = np.where(missing, len(pool) - 1, rows)
    return rows, pool


POOL_CACHE_LIMIT = 20_000
"""Distinct answers a column may gather across blocks before it stops reusing them."""


@dataclass
class _Pool:
    """Every distinct answer of one column seen so far, typed."""

    position: dict[str, int] = field(default_factory=dict)
    typed: dict[str, pd.Series] = field(default_factory=dict)
    found: _Problems = field(default_factory=lambda: _Problems())

    def positions(
        self,
        pool: pd.Series,
        type_new: Callable[[pd.Series], tuple[dict[str, pd.Series], _Problems]],
    ) -> np.ndarray:
        """Where each answer of ``pool`` is kept, typing (with ``type_new``) those not kept yet."""
        texts = pool.to_numpy(dtype=object)
        where = np.fromiter((self.position.get(t, -1) for t in texts), np.intp, len(texts))
        new = where < 0
        if new.any():
            fresh = pool[new].reset_index(drop=True)
            offset = len(self.position)
            where[new] = np.arange(offset, offset + len(fresh))
            self.position.update((t, offset + i) for i, t in enumerate(fresh))
            typed, found = type_new(fresh)
            for name, column in typed.items():
                kept = self.typed.get(name)
                self.typed[name] = (
                    column if kept is None else pd.concat([kept, column], ignore_index=True)
                )
            for part in found.parts:
                self.found.parts.append(part.assign(pos=part["pos"] + offset))
        return where


TypingCache = dict[tuple[int, str, str | None, str], _Pool | None]
"""Each column's typed answers so far (``None``: too many to keep); see :func:`type_question`."""


def type_question(
    q: Questionnaire,
    question: Question,
    values: pd.Series,
    language: str | None,
    header: str,
    problems: _Problems,
    out: dict[str, pd.Series],
    cache: TypingCache | None = None,
) -> None:
    """Type one question column into ``out`` (several columns for select_multiple).

    Answers repeat (codes, numbers, dates), so each distinct text is typed once and the rows
    take the result of their text; typing is value by value, so this equals typing every row.
    With ``cache``, answers typed in earlier blocks of the same table are not typed again;
    a column with more than :data:`POOL_CACHE_LIMIT` distinct answers (free text) stops
    keeping them.
    """
    rows, pool = _distinct(values)
    key = (id(q), question.name, language, header)
    kept = cache.setdefault(key, _Pool()) if cache is not None else None
    if cache is None or kept is None or pool.isna().any():
        typed, found = _type_pool(q, question, pool, language, header)
    else:
        where = kept.positions(pool, lambda new: _type_pool(q, question, new, language, header))
        rows = where[rows]
        if len(kept.position) > POOL_CACHE_LIMIT:
            cache[key] = None
        typed, found = kept.typed, kept.found
    for name, column in typed.items():
        out[name] = column.take(rows).reset_index(drop=True)
    problems.spread(found, rows)


def _type_pool(
    q: Questionnaire, question: Question, pool: pd.Series, language: str | None, header: str
) -> tuple[dict[str, pd.Series], _Problems]:
    found = _Problems()
    typed: dict[str, pd.Series] = {}
    _type_values(q, question, pool, language, header, found, typed)
    return typed, found


def _type_values(
    q: Questionnaire,
    question: Question,
    values: pd.Series,
    language: str | None,
    header: str,
    problems: _Problems,
    out: dict[str, pd.Series],
) -> None:
    values = values.astype(str).str.strip()
    empty = values == ""
    t = question.type
    if t is QuestionType.INTEGER:
        num = _number(values, empty)
        notnum = ~empty & num.isna()
        frac = ~empty & num.notna() & (num % 1 != 0)
        problems.add(notnum, values, header, "IMP031", f"'{question.name}' must be a number")
        problems.add(frac, values, header, "IMP030", f"'{question.name}' must be a whole number")
        out[question.name] = num.mask(frac).round().astype("Int64")
    elif t is QuestionType.DECIMAL:
        num = _number(values, empty)
        problems.add(
            ~empty & num.isna(), values, header, "IMP031", f"'{question.name}' must be a number"
        )
        out[question.name] = num.astype("Float64")
    elif t is QuestionType.SELECT_ONE:
        mapping = _token_map(q, question, language)
        rows, uniques = pd.factorize(values.mask(empty), use_na_sentinel=True)
        known = np.array([mapping.get(str(u), np.nan) for u in uniques] + [np.nan], dtype=float)
        codes = pd.Series(known[rows], index=values.index)
        problems.add(
            ~empty & codes.isna(),
            values,
            header,
            "IMP032",
            f"not a choice of list '{question.choices}' of question '{question.name}'",
        )
        out[question.name] = codes.astype("Int64")
    elif t is QuestionType.SELECT_MULTIPLE:
        _type_select_multiple(q, question, values, empty, language, header, problems, out)
    elif t is QuestionType.DATE:
        d = _per_distinct(
            values, empty, lambda u: pd.to_datetime(u, format="ISO8601", errors="coerce")
        )
        problems.add(
            ~empty & d.isna(),
            values,
            header,
            "IMP033",
            f"'{question.name}' must be a date written YYYY-MM-DD",
        )
        out[question.name] = _naive(d).dt.normalize()
    elif t is QuestionType.DATETIME:
        d = _per_distinct(
            values,
            empty,
            lambda u: pd.to_datetime(u, format="ISO8601", errors="coerce", utc=True),
        )
        problems.add(
            ~empty & d.isna(),
            values,
            header,
            "IMP034",
            f"'{question.name}' must be an ISO 8601 date and time",
        )
        out[question.name] = _naive(d)
    else:
        out[question.name] = values.mask(empty)


def _naive(d: pd.Series) -> pd.Series:
    if isinstance(d.dtype, pd.DatetimeTZDtype):
        d = d.dt.tz_convert("UTC").dt.tz_localize(None)
    return d.astype("datetime64[us]")


def _timestamps(values: pd.Series | None, n: int) -> pd.Series:
    if values is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    s = values.astype(str).str.strip()
    d = pd.to_datetime(s.mask(s == ""), format="ISO8601", errors="coerce", utc=True)
    return _naive(d)


def _text(values: pd.Series | None, n: int) -> pd.Series:
    if values is None:
        return pd.Series([None] * n, dtype="str")
    s = values.astype(str).str.strip()
    return s.mask(s == "")


def type_table(
    q: Questionnaire, table: RawTable, cmap: ColumnMap, cache: TypingCache | None = None
) -> TypedTable:
    """Type every column of ``table`` (keys are finished later by the importer).

    ``cache`` carries typed answers from one block of a table to the next
    (see :func:`type_question`).
    """
    problems = _Problems()
    n = len(table.data)
    out: dict[str, pd.Series] = {}

    def system(name: str) -> pd.Series | None:
        pos = cmap.position("system", name)
        return None if pos is None else table.data[pos]

    out["_key"] = _text(system("_key"), n)
    if table.format == KOBO and table.repeat is None:
        root = system("_root_uuid")
        uuid = table.column("_uuid")
        derived = _text(root, n)
        if uuid is not None:
            derived = derived.fillna("uuid:" + uuid.astype(str).str.strip())
        out["_key"] = derived.fillna(_text(system("_instance_id"), n))
    elif table.format == PLAIN:
        key = table.column("_key")
        fallback = pd.Series(
            [f"{f}#{r}" for f, r in zip(table.files.astype(str), table.rows, strict=True)],
            dtype=object,
        )
        out["_key"] = _text(key, n).fillna(fallback) if key is not None else fallback
    elif out["_key"].isna().all():
        out["_key"] = _text(system("_instance_id"), n)
    if table.repeat is not None:
        parent = system("_parent_key")
        if parent is None:
            parent = table.column("_parent_key")
        out["_parent_key"] = _text(parent, n)
    if table.repeat is None:
        out["_version"] = _text(system("_version"), n)
        out["_submitted_at"] = _timestamps(system("_submitted_at"), n)
        review = _text(system("_review_state"), n)
        if table.format == KOBO:
            review = review.replace(KOBO_REVIEW)
        if table.format == PLAIN and table.column("_review_state") is not None:
            review = _text(table.column("_review_state"), n)
        out["_review_state"] = review.fillna("received").astype(str)
        edits = system("_edits")
        out["_edits"] = (
            pd.Series(0, index=range(n), dtype="Int64")
            if edits is None
            else pd.to_numeric(_text(edits, n), errors="coerce").fillna(0).astype("Int64")
        )
        out["_instance_name"] = _text(system("_instance_name"), n)
        out["_submitter"] = _text(system("_submitter"), n)
    for name in ("start", "end", "today", "deviceid"):
        pos = cmap.position("metadata", name)
        if pos is None:
            continue
        if name in ("start", "end"):
            out[name] = _timestamps(table.data[pos], n)
        elif name == "today":
            out[name] = _timestamps(table.data[pos], n).dt.normalize()
        else:
            out[name] = _text(table.data[pos], n)
    for question in questions_of(q, table.repeat):
        pos = cmap.position("question", question.name)
        if pos is None:
            values = pd.Series([""] * n, dtype=object)
            header = question.name
        else:
            values = table.data[pos]
            header = table.header[pos]
        type_question(
            q, question, values.reset_index(drop=True), cmap.language, header, problems, out, cache
        )
    # KoBo repeat sheets get their keys from _parent_index later (orphans: IMP035)
    key_missing = out["_key"].isna() & (table.format != KOBO or table.repeat is None)
    problems.add(
        key_missing,
        out["_key"].astype(str),
        "KEY",
        "IMP037",
        "row has no submission key (KEY, _uuid or meta/instanceID)",
    )
    out["_source_file"] = table.files.astype(str).reset_index(drop=True)
    out["_source_sheet"] = pd.Series([table.sheet] * n, dtype=object)
    out["_source_row"] = pd.Series(table.rows, dtype="Int64")
    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in out.items()})
    return TypedTable(table.repeat, frame, problems.frame())


__all__ = ["CENTRAL", "TypedTable", "questions_of", "repeat_parents", "type_table"]
