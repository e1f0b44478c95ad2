"""Stack response tables from several versions of one instrument into one table.

Each version's table is carried forward to the target version step by step through the lineage
the later versions declare: ``renamed_from`` renames a column, ``recode_from`` maps choice codes,
``replaces`` drops the replaced question's data (it is not comparable). A question of the target
version that a row's version did not have is *not asked* for that row — recorded in
:attr:`Harmonised.not_asked`, never confused with an unanswered question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prisonsurvey.errors import UsageError
from prisonsurvey.questionnaire.model import (
    NOT_ASKED_COLUMN,
    Question,
    Questionnaire,
    QuestionType,
)
from prisonsurvey.versions.semver import Version

VERSION_COLUMN = "_version"


@dataclass(frozen=True)
class Harmonised:
    """Data of several versions on the target version's names and codes.

    Attributes:
        data: One row per submission, target columns, plus ``_version``.
        target_version: The version whose names and codes the data use.
        not_asked: For each target question, the versions in which it was not asked.
    """

    data: pd.DataFrame
    target_version: str
    not_asked: dict[str, tuple[str, ...]]

    def not_asked_mask(self) -> pd.DataFrame:
        """Boolean frame: True where the row's version did not ask the question."""
        versions = self.data[VERSION_COLUMN].astype(str)
        return pd.DataFrame(
            {q: versions.isin(list(vs)).to_numpy() for q, vs in self.not_asked.items()},
            index=self.data.index,
        )


def _sort_versions(versions: list[str]) -> list[str]:
    return sorted(versions, key=Version.parse)


def _recode_multi(series: pd.Series, mapping: dict[int, int]) -> pd.Series:
    def one(value: object) -> object:
        if not isinstance(value, str):
            return value
        codes = [str(mapping.get(int(tok), int(tok))) for tok in value.split() if tok.isdigit()]
        return " ".join(dict.fromkeys(codes))

    return series.map(one)


def _step(frame: pd.DataFrame, new: Questionnaire) -> pd.DataFrame:
    """Carry ``frame`` (on the previous version) to ``new``'s names and codes."""
    out = frame.copy()
    for question in new.questions():
        for replaced in question.replaces:
            drop = [c for c in out.columns if c == replaced or c.startswith(f"{replaced}_")]
            out = out.drop(columns=drop)
        source = question.renamed_from
        if source is not None and source in out.columns and question.name not in out.columns:
            renames = {source: question.name}
            if question.type is QuestionType.SELECT_MULTIPLE:
                prefix = f"{source}_"
                renames.update(
                    {
                        c: f"{question.name}_{c[len(prefix) :]}"
                        for c in out.columns
                        if c.startswith(prefix) and c[len(prefix) :].isdigit()
                    }
                )
            out = out.rename(columns=renames)
        if question.recode_from and question.name in out.columns:
            out = _apply_recode(out, question, new)
    return out


def _apply_recode(frame: pd.DataFrame, question: Question, new: Questionnaire) -> pd.DataFrame:
    mapping = question.recode_from
    name = question.name
    if question.type is QuestionType.SELECT_MULTIPLE:
        frame[name] = _recode_multi(frame[name], mapping)
        codes = [c.code for c in new.choice_list(question).choices]
        tokens = frame[name].where(frame[name].map(lambda v: isinstance(v, str)), "")
        split = tokens.astype(str).str.split()
        answered = frame[name].map(lambda v: isinstance(v, str))
        for old_dummy in [c for c in frame.columns if c.startswith(f"{name}_")]:
            if old_dummy[len(name) + 1 :].isdigit():
                frame = frame.drop(columns=old_dummy)
        for code in codes:
            dummy = split.map(lambda toks, c=str(code): float(c in toks))
            frame[f"{name}_{code}"] = dummy.where(answered, np.nan)
    else:
        col = pd.to_numeric(frame[name], errors="coerce")
        frame[name] = col.map(lambda v: mapping.get(int(v), int(v)) if pd.notna(v) else v)
        frame[name] = frame[name].astype("Int64")
    return frame


_EMPTY_DTYPE: dict[QuestionType, str] = {
    QuestionType.INTEGER: "Float64",
    QuestionType.DECIMAL: "Float64",
    QuestionType.SELECT_ONE: "Int64",
    QuestionType.SELECT_MULTIPLE: "string",
    QuestionType.TEXT: "string",
    QuestionType.DATE: "datetime64[ns]",
    QuestionType.DATETIME: "datetime64[ns]",
    QuestionType.CALCULATE: "string",
    QuestionType.NOTE: "string",
}


def _holder(q: Questionnaire, name: str) -> str | None:
    group = q.repeat_of(name)
    return group.name if group is not None else None


def _questions_in(q: Questionnaire, repeat: str | None) -> list[Question]:
    return [x for x in q.questions() if x.holds_data and _holder(q, x.name) == repeat]


def carry_forward(
    frame: pd.DataFrame, chain: Sequence[Questionnaire], repeat: str | None = None
) -> pd.DataFrame:
    """Carry a typed table of ``chain[0]``'s version to the names and codes of ``chain[-1]``.

    Each later questionnaire's lineage is applied in turn (``renamed_from``, ``recode_from``,
    ``replaces``). Columns of questions the target has and the table's version had not are
    added empty, and their names go into the ``_not_asked`` column, so that they read as
    *not asked*, never as unanswered.

    Args:
        frame: A typed table (root or one repeat) of the oldest version of ``chain``.
        chain: The questionnaires from the table's version to the target, oldest first.
        repeat: The repeat the table holds (``None`` for the root table).
    """
    out = frame
    for step in chain[1:]:
        out = _step(out, step)
    target = chain[-1]
    missing: list[str] = []
    added: dict[str, pd.Series] = {}
    for question in _questions_in(target, repeat):
        if question.name in out.columns:
            continue
        missing.append(question.name)
        added[question.name] = pd.Series(pd.NA, index=out.index, dtype=_EMPTY_DTYPE[question.type])
        if question.type is QuestionType.SELECT_MULTIPLE and question.choices:
            for choice in target.choice_lists[question.choices].choices:
                added[f"{question.name}_{choice.code}"] = pd.Series(np.nan, index=out.index)
    names = " ".join(missing)
    out = pd.concat([out, pd.DataFrame(added, index=out.index)], axis=1) if added else out.copy()
    out[NOT_ASKED_COLUMN] = names if names else None
    return out


def harmonise(
    frames: Mapping[str, pd.DataFrame],
    questionnaires: Mapping[str, Questionnaire],
    target: str | None = None,
) -> Harmonised:
    """Stack the response tables of several versions on one version's names and codes.

    Args:
        frames: Response table of each version (keyed by version string).
        questionnaires: The questionnaire of every version from the oldest frame's version to
            the target (intermediate versions carry the lineage steps).
        target: Version to harmonise to; the newest questionnaire by default.

    Returns:
        The stacked data with a ``_version`` column, and which target questions each version
        did not ask.

    Raises:
        UsageError: A frame's version or the target has no questionnaire.
    """
    versions = _sort_versions(list(questionnaires))
    target = target or versions[-1]
    if target not in questionnaires:
        raise UsageError(f"no questionnaire for target version {target}")
    missing = [v for v in frames if v not in questionnaires]
    if missing:
        raise UsageError(f"no questionnaire for version(s) {', '.join(sorted(missing))}")
    target_q = questionnaires[target]
    chain = versions[: versions.index(target) + 1]
    target_columns = [q.name for q in target_q.questions() if q.holds_data]
    pieces: list[pd.DataFrame] = []
    not_asked: dict[str, list[str]] = {}
    for version in _sort_versions(list(frames)):
        frame = frames[version]
        for step in chain[chain.index(version) + 1 :]:
            frame = _step(frame, questionnaires[step])
        frame = frame.copy()
        for name in target_columns:
            if name not in frame.columns:
                frame[name] = pd.NA
                not_asked.setdefault(name, []).append(version)
        frame[VERSION_COLUMN] = version
        pieces.append(frame)
    data = pd.concat(pieces, ignore_index=True, sort=False)
    system = [c for c in data.columns if c.startswith("_")]
    ordered = target_columns + [
        c for c in data.columns if c not in target_columns and not c.startswith("_")
    ]
    keep = [c for c in ordered if c in data.columns and not _obsolete(c, target_q)]
    data = data[system + keep]
    return Harmonised(
        data=data,
        target_version=target,
        not_asked={k: tuple(v) for k, v in not_asked.items()},
    )


def _obsolete(column: str, target: Questionnaire) -> bool:
    """A question column of an older version that the target no longer has."""
    names = {q.name for q in target.questions()}
    if column in names:
        return False
    base, _, code = column.rpartition("_")
    return not (code.isdigit() and base in names)
