"""Write typed responses as SPSS, Stata, CSV or Parquet files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyreadstat

from prisonsurvey.errors import UsageError
from prisonsurvey.questionnaire.model import (
    MissingKind,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)
from prisonsurvey.statfiles.missing_codes import KIND_LABELS, SPSS_CODES, STATA_LETTERS

Format = Literal["sav", "dta", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("sav", "dta", "csv", "parquet")
STATA_LABEL_MAX = 80
STATA_NAME_MAX = 32
_YES_NO = {0: "No", 1: "Yes"}
SPSS_LABEL_MAX = 255
_SYSTEM_COLUMNS = ("_key", "_parent_key", "_root_key", "_version")
_SYSTEM_LABELS = {
    "_key": "Submission or entry key",
    "_parent_key": "Key of the parent entry",
    "_root_key": "Key of the submission",
    "_version": "Questionnaire version",
}
_NUMERIC = {QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.SELECT_ONE}


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_data` wrote.

    Attributes:
        files: Every file written: the root table first, then one per repeat.
        rows: Rows written per file.
        variables: Number of columns in the root file.
        left_out: Identifying variables left out.
        truncated: Variables whose label was cut to the format's limit.
        notes: Anything else the user should know (e.g. missing codes SPSS could not declare).
    """

    files: tuple[Path, ...]
    rows: tuple[int, ...]
    variables: int
    left_out: tuple[str, ...] = ()
    truncated: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "files": [str(p) for p in self.files],
            "rows": list(self.rows),
            "variables": self.variables,
            "left_out": list(self.left_out),
            "truncated": list(self.truncated),
            "notes": list(self.notes),
        }


def _text(texts: Text, lang: str, default: str) -> str:
    return " ".join((texts.get(lang) or texts.get(default) or "").split())


def _file_for(path: Path, repeat: str | None) -> Path:
    return path if repeat is None else path.with_name(f"{path.stem}__{repeat}{path.suffix}")


@dataclass
class _Labels:
    column: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, str]] = field(default_factory=dict)
    spss_missing: dict[str, list[Any]] = field(default_factory=dict)
    stata_missing: dict[str, list[str]] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Table:
    """Builds one output table (root or a repeat) column by column."""

    def __init__(
        self,
        q: Questionnaire,
        df: pd.DataFrame,
        kinds: pd.DataFrame | None,
        lang: str,
        fmt: str,
        include_identifying: bool,
    ) -> None:
        self.q, self.df, self.kinds, self.lang, self.fmt = q, df, kinds, lang, fmt
        self.include_identifying = include_identifying
        self.columns: dict[str, pd.Series] = {}
        self.numeric: list[str] = []
        self.labels = _Labels()
        self.left_out: list[str] = []
        self.limit = STATA_LABEL_MAX if fmt == "dta" else SPSS_LABEL_MAX

    def _label(self, name: str, text: str) -> None:
        if len(text) > self.limit:
            self.labels.truncated.append(name)
            text = text[: self.limit - 1] + "…"
        self.labels.column[name] = text

    def add_system(self, name: str) -> None:
        # SPSS names cannot start with "_": labelled formats carry keys as sys_<name>.
        target = f"sys{name}" if self.fmt in ("sav", "dta") else name
        self.columns[target] = self.df[name]
        self._label(target, _SYSTEM_LABELS[name])

    def add_question(self, question: Question) -> None:
        name = question.name
        if name not in self.df.columns:
            return
        if question.identifying and not self.include_identifying:
            self.left_out.append(name)
            return
        default = self.q.default_language
        self._label(name, _text(question.label, self.lang, default) or name)
        values = self.df[name]
        choices = self.q.choice_lists.get(question.choices) if question.choices else None
        if question.type is QuestionType.SELECT_MULTIPLE and choices is not None:
            self.columns[name] = values.astype("object").where(values.notna(), None)
            for choice in choices.choices:
                dummy = f"{name}_{choice.code}"
                if dummy in self.df.columns:
                    self.columns[dummy] = pd.to_numeric(self.df[dummy], errors="coerce")
                    self._label(dummy, f"{_text(choice.label, self.lang, default)}")
                    self.labels.values[dummy] = dict(_YES_NO)
            return
        if question.type in _NUMERIC or (
            question.type is QuestionType.CALCULATE and pd.api.types.is_numeric_dtype(values)
        ):
            numbers = pd.to_numeric(values, errors="coerce").astype("float64")
            value_labels: dict[Any, str] = {}
            declared: dict[int, MissingKind] = {}
            if choices is not None:
                value_labels = {c.code: _text(c.label, self.lang, default) for c in choices.choices}
                declared = choices.missing_codes()
            self._numeric(name, numbers, value_labels, declared)
            return
        if question.type in (QuestionType.DATE, QuestionType.DATETIME):
            self.columns[name] = pd.to_datetime(values, errors="coerce", utc=False)
            return
        self.columns[name] = values.astype("object").where(values.notna(), None)

    def _kinds_of(self, name: str) -> pd.Series | None:
        if self.kinds is None or name not in self.kinds.columns:
            return None
        return self.kinds[name]

    def _numeric(
        self,
        name: str,
        numbers: pd.Series,
        value_labels: dict[Any, str],
        declared: dict[int, MissingKind],
    ) -> None:
        kinds = self._kinds_of(name)
        if self.fmt == "dta":
            out = numbers.astype("object")
            letters: set[str] = set()
            for code, kind in declared.items():
                mask = numbers == code
                if mask.any():
                    out[mask] = STATA_LETTERS[kind]
                    letters.add(STATA_LETTERS[kind])
            if kinds is not None:
                for kind, letter in STATA_LETTERS.items():
                    mask = (kinds == kind.value) & numbers.isna()
                    if mask.any():
                        out[mask.to_numpy()] = letter
                        letters.add(letter)
            self.columns[name] = out
            labels = {int(k): v for k, v in value_labels.items() if k not in declared}
            if labels:
                self.labels.values[name] = labels
            if letters:
                self.labels.stata_missing[name] = sorted(letters)
            return
        if self.fmt == "sav":
            out_num = numbers.copy()
            missing_codes: list[float] = [float(c) for c in declared]
            if kinds is not None:
                for kind, code in SPSS_CODES.items():
                    hit = (kinds == kind.value).to_numpy() & numbers.isna().to_numpy()
                    if hit.any():
                        out_num[hit] = float(code)
                        missing_codes.append(float(code))
                        value_labels[code] = KIND_LABELS[kind]
            self.columns[name] = out_num
            if value_labels:
                self.labels.values[name] = {float(k): v for k, v in value_labels.items()}
            if missing_codes:
                self.labels.spss_missing[name] = self._spss_missing(name, missing_codes)
            return
        self.numeric.append(name)
        self.columns[name] = numbers.astype("Float64") if numbers.isna().any() else numbers

    def _spss_missing(self, name: str, codes: list[float]) -> list[Any]:
        codes = sorted(set(codes))
        if len(codes) <= 3:
            return codes
        valid = [k for k in self.labels.values.get(name, {}) if k not in codes]
        low = min(codes)
        if all(v < low for v in valid):
            return [{"lo": low, "hi": max(codes)}]
        self.labels.notes.append(
            f"{name}: SPSS allows three missing values; declared {codes[:3]} and left "
            f"{codes[3:]} as ordinary labelled values"
        )
        return codes[:3]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns, index=self.df.index).reset_index(drop=True)


def _questions_of(q: Questionnaire, repeat: str | None) -> list[Question]:
    out: list[Question] = []
    for ancestors, item in q.walk():
        if isinstance(item, Question) and item.holds_data:
            holder = next((g.name for g in reversed(ancestors) if g.is_repeat), None)
            if holder == repeat:
                out.append(item)
    return out


def _fit_stata_label_sets(frame: pd.DataFrame, labels: _Labels) -> None:
    """Drop value labels whose label-set name would exceed Stata's 32 characters.

    The writer names each label set after its variable plus a running number; 0/1 indicator
    columns need no value labels in Stata, and any other variable whose set name would be too
    long keeps its values and variable label, with a note.
    """
    count = 0
    for column in frame.columns:
        values = labels.values.get(column)
        if not values:
            continue
        if values == _YES_NO:
            del labels.values[column]
            continue
        if len(column) + len(str(count)) > STATA_NAME_MAX:
            del labels.values[column]
            labels.notes.append(f"{column}: value labels left out (Stata label-set name limit)")
            continue
        count += 1


def _write(frame: pd.DataFrame, path: Path, fmt: str, labels: _Labels, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "sav":
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=title[:64],
            column_labels=[labels.column.get(c) for c in frame.columns],
            variable_value_labels=labels.values,
            missing_ranges=labels.spss_missing,
        )
    elif fmt == "dta":
        _fit_stata_label_sets(frame, labels)
        pyreadstat.write_dta(
            frame,
            str(path),
            file_label=title[:80],
            column_labels=[labels.column.get(c) for c in frame.columns],
            variable_value_labels=labels.values,
            missing_user_values=labels.stata_missing,
        )
    else:
        raise UsageError(f"unknown format {fmt}; use one of {', '.join(FORMATS)}")


def build_table(
    questionnaire: Questionnaire,
    df: pd.DataFrame,
    repeat: str | None,
    lang: str,
    fmt: str,
    include_identifying: bool,
    extra: pd.DataFrame | None,
    missing_kinds: Callable[[Questionnaire, pd.DataFrame], pd.DataFrame] | None,
) -> _Table:
    """The output columns and labels of one table (or of a chunk of its rows)."""
    kinds = missing_kinds(questionnaire, df) if missing_kinds is not None else None
    table = _Table(questionnaire, df, kinds, lang, fmt, include_identifying)
    for column in df.columns:
        if column in _SYSTEM_COLUMNS:
            table.add_system(column)
    for question in _questions_of(questionnaire, repeat):
        table.add_question(question)
    if repeat is None and extra is not None:
        for column in extra.columns:
            table.columns[column] = extra[column].reindex(df.index)
            table._label(column, column.replace("_", " "))
    return table


def export_data(
    questionnaire: Questionnaire,
    tables: Mapping[str | None, pd.DataFrame],
    path: Path,
    fmt: Format,
    lang: str | None = None,
    include_identifying: bool = False,
    extra: pd.DataFrame | None = None,
    missing_kinds: Callable[[Questionnaire, pd.DataFrame], pd.DataFrame] | None = None,
) -> ExportResult:
    """Write the root table and each repeat table as analysis files.

    Args:
        questionnaire: The questionnaire the data follow.
        tables: Typed responses by repeat name (``None`` for the root table).
        path: The root file; repeats go beside it as ``<stem>__<repeat>.<ext>``.
        fmt: ``sav``, ``dta``, ``csv`` or ``parquet``.
        lang: Language of the labels (default: the questionnaire's default language).
        include_identifying: Keep variables marked identifying.
        extra: Columns added to the root file (final and replicate weights, design variables),
            aligned on the root table's index.
        missing_kinds: Gives the missing kind of every cell (see
            :func:`prisonsurvey.responses.missing.missing_kinds`).

    Returns:
        What was written.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt}; use one of {', '.join(FORMATS)}")
    lang = lang or questionnaire.default_language
    title = _text(questionnaire.title, lang, questionnaire.default_language)
    files: list[Path] = []
    rows: list[int] = []
    left_out: list[str] = []
    truncated: list[str] = []
    notes: list[str] = []
    n_vars = 0
    for repeat, df in tables.items():
        table = build_table(
            questionnaire, df, repeat, lang, fmt, include_identifying, extra, missing_kinds
        )
        frame = table.frame()
        target = _file_for(path, repeat)
        _write(frame, target, fmt, table.labels, title)
        files.append(target)
        rows.append(len(frame))
        left_out += table.left_out
        truncated += table.labels.truncated
        notes += table.labels.notes
        if repeat is None:
            n_vars = frame.shape[1]
    return ExportResult(
        files=tuple(files),
        rows=tuple(rows),
        variables=n_vars,
        left_out=tuple(dict.fromkeys(left_out)),
        truncated=tuple(dict.fromkeys(truncated)),
        notes=tuple(notes),
    )
