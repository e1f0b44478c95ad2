"""Tabulate a census file against its instrument's catalogue and write the tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prisonsurvey.estimation.catalogue import catalogue_labels
from prisonsurvey.estimation.census_catalogue import (
    CENSUS_COLUMNS,
    CensusTables,
    census_catalogue_table,
    census_note,
)
from prisonsurvey.estimation.tabulate import output_format, read_microdata
from prisonsurvey.estimation.writers import TableMeta, write_tables
from prisonsurvey.questionnaire.compiled import variables_of
from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire


def choice_labels(questionnaire: Questionnaire, lang: str) -> dict[str, dict[Any, str]]:
    """Category labels of every select_one question, by code, in ``lang`` when it has one."""
    out: dict[str, dict[Any, str]] = {}
    for name, info in variables_of(questionnaire).items():
        if info.choices is None:
            continue
        labels: dict[Any, str] = {}
        for code, choice in info.choices.by_code().items():
            text = choice.label.get(lang) or choice.label.get(questionnaire.default_language)
            labels[code] = str(text or choice.name)
            labels[float(code)] = labels[code]
        out[name] = labels
    return out


def tabulate_census_file(
    data_path: Path,
    instrument: Path,
    by: Sequence[str] | None = None,
    parameters: Mapping[str, float] | None = None,
    ids: Sequence[str] = (),
    output: Path | None = None,
    fmt: str | None = None,
    lang: str = "en",
    title: str | None = None,
) -> CensusTables:
    """Read a census file (one row per facility), compute the catalogue and write the tables.

    Args:
        data_path: CSV, Parquet, Stata or SPSS file, one column per question of the census form.
        instrument: Instrument folder holding the questionnaire and ``indicators.yaml``.
        by: Breakdown columns, each tabulated separately (each indicator's own when ``None``).
        parameters: Values of the catalogue parameters, e.g. ``national_population``.
        ids: Indicators to compute (all when empty).
        output: Tables file (``.xlsx``, ``.csv``, ``.html`` or ``.md``).
        fmt: Output format (the output file's extension by default).
        lang: Language of titles, category labels and notes.
        title: Title of the tables.

    Raises:
        InputError: Unreadable data or instrument, an invalid catalogue, an unknown indicator
            or breakdown, a missing parameter, or an unknown output format.
    """
    chosen = None if output is None else output_format(output, fmt)
    questionnaire = load_questionnaire_or_raise(instrument)
    catalogue = load_indicators(instrument / INDICATORS_FILE, questionnaire)
    data = read_microdata(data_path)
    result = census_catalogue_table(
        data,
        catalogue,
        by,
        parameters,
        ids,
        str(data_path),
        lang,
        choice_labels(questionnaire, lang),
    )
    if output is None or chosen is None:
        return result
    meta = TableMeta(
        title=title or str(questionnaire.title.get(lang) or questionnaire.id),
        by=("domain",),
        labels=catalogue_labels(catalogue, lang),
        lang=lang,
        columns=CENSUS_COLUMNS,
        source=census_note("source", lang),
    )
    write_tables(result.table, output, chosen, meta)
    return CensusTables(result.table, result.issues, output)
