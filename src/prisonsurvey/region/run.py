"""What ``prisonsurvey region report`` runs: from ``region.yaml`` to the regional figures.

:func:`build_region` loads the programme, its core and catalogue and every round, classes
every country x indicator cell, stacks the harmonised rounds and estimates; :func:`region_report`
also writes the report (HTML per language, XLSX, tidy CSV, the stacked file).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.estimation.catalogue import chosen_indicators
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import (
    INDICATORS_FILE,
    IndicatorCatalogue,
    load_indicators,
)
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.region.comparability import Cell, classify_all
from prisonsurvey.region.estimate import FIELDS, regional_estimates
from prisonsurvey.region.load import FILENAME, load_region
from prisonsurvey.region.model import LANGUAGES, RegionConfig
from prisonsurvey.region.rounds import Round, load_round
from prisonsurvey.region.stack import stack_rounds

BAD_LANGUAGE = "REG008"
_DATE_COLUMNS = ("start", "_submitted_at")


@dataclass(frozen=True, eq=False)
class Region:
    """A loaded and estimated regional programme.

    Attributes:
        root: The programme folder.
        config: The validated ``region.yaml``.
        core: The regional core questionnaire.
        catalogue: Its indicator catalogue.
        ids: The indicators compared, in order.
        rounds: The loaded rounds, in ``region.yaml`` order.
        cells: The comparability class of every ``(country, indicator)``.
        stacked: The stacked harmonised file.
        table: Every figure (columns :data:`~prisonsurvey.region.estimate.FIELDS`).
    """

    root: Path
    config: RegionConfig
    core: Questionnaire
    catalogue: IndicatorCatalogue
    ids: tuple[str, ...]
    rounds: tuple[Round, ...]
    cells: dict[tuple[str, str], Cell]
    stacked: pd.DataFrame
    table: pd.DataFrame

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per estimate (missing values are ``None``)."""
        out: list[dict[str, Any]] = []
        for row in self.table.itertuples(index=False):
            rec: dict[str, Any] = {}
            for name, value in zip(FIELDS, row, strict=True):
                if isinstance(value, float) and math.isnan(value):
                    rec[name] = None
                elif name in ("sex", "legal_status", "n"):
                    rec[name] = int(value)
                elif isinstance(value, float):
                    rec[name] = float(value)
                else:
                    rec[name] = value
            out.append(rec)
        return out

    def methodology(self) -> list[dict[str, Any]]:
        """The methodology annex: one entry per round, drawn from the round itself."""
        return [_method(r) for r in self.rounds]


def _dates(data: pd.DataFrame, start: str, end: str) -> tuple[str, str]:
    if start and end:
        return start, end
    for name in _DATE_COLUMNS:
        if name in data:
            when = pd.to_datetime(data[name], errors="coerce", utc=True).dropna()
            if not when.empty:
                return (
                    start or when.min().strftime("%Y-%m-%d"),
                    end or when.max().strftime("%Y-%m-%d"),
                )
    return start, end


def _method(rnd: Round) -> dict[str, Any]:
    ref = rnd.ref
    start, end = _dates(rnd.data, ref.fieldwork.start, ref.fieldwork.end)
    summary = rnd.summary
    return {
        "country": ref.country,
        "name": dict(ref.name),
        "year": ref.year,
        "source": rnd.kind,
        "instrument": f"{rnd.questionnaire.id} {rnd.questionnaire.version}",
        "core_version": rnd.base_version,
        "languages": list(rnd.questionnaire.languages),
        "design": dict(rnd.design),
        "prison_population": ref.prison_population,
        "population": ref.population,
        "response_rate": ref.response_rate,
        "fieldwork_start": start,
        "fieldwork_end": end,
        "adaptation": None if summary is None else summary.counts(),
        "not_fielded": {} if summary is None else dict(summary.not_fielded),
        "adapted": {}
        if summary is None
        else {k: list(v) for k, v in summary.adapted_items.items()},
    }


def build_region(root: Path) -> Region:
    """Load a programme folder and compute every figure of its report.

    Raises:
        InputError: ``region.yaml`` or a round is invalid, or an indicator cannot be computed.
    """
    root = Path(root)
    if root.is_file():
        root = root.parent
    config = load_region(root)
    folder = find_instrument(config.core.spec)
    core = load_questionnaire_or_raise(folder)
    catalogue = load_indicators(folder / INDICATORS_FILE, core)
    where = str(root / FILENAME)
    survey = [i for i in catalogue.ids() if catalogue.get(i).denominator_external is None]
    ids = (
        tuple(chosen_indicators(catalogue, config.indicators, where))
        if config.indicators
        else tuple(survey)
    )
    rounds = tuple(load_round(r, root, core) for r in config.rounds)
    cells = classify_all(catalogue, list(ids), core, list(rounds))
    stacked = stack_rounds(rounds, catalogue, ids, cells)
    table = regional_estimates(stacked, catalogue, ids, cells, Rules(**config.rules.model_dump()))
    return Region(root, config, core, catalogue, ids, rounds, cells, stacked, table)


def _languages(config: RegionConfig, lang: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(lang) or config.languages
    bad = [x for x in chosen if x not in LANGUAGES]
    if bad:
        raise InputError(
            Issue(
                BAD_LANGUAGE,
                f"no report texts in {', '.join(bad)}; choose among {', '.join(LANGUAGES)}",
                Location("--lang"),
            )
        )
    return chosen


def region_report(root: Path, out: Path, lang: Sequence[str] = ()) -> dict[str, Any]:
    """Estimate the programme and write its report to ``out``.

    Args:
        root: The programme folder (holding ``region.yaml``).
        out: Output folder (created).
        lang: Languages of the HTML report (default: the programme's).

    Returns:
        ``estimates`` (one record per estimate), ``files`` written and ``comparability``
        (every country x indicator cell).

    Raises:
        InputError: Bad programme, round or language.
    """
    from prisonsurvey.region.writers import write_report

    region = build_region(root)
    files = write_report(region, Path(out), _languages(region.config, lang))
    return {
        "estimates": region.records(),
        "files": [str(f) for f in files],
        "comparability": [
            {"area": c, "indicator": i, **cell.to_dict()} for (c, i), cell in region.cells.items()
        ],
    }
