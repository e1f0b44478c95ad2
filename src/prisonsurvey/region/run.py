"""What ``prisonsurvey region report`` runs: from ``region.yaml`` to the regional figures.

:func:`build_region` loads the programme, its core and catalogue and every round, classes
every country x indicator cell, stacks the harmonised rounds and estimates; :func:`region_report`
also writes the report (HTML per language, XLSX, tidy CSV, the stacked file).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from prisonsurvey.region.census import (
    CENSUS_FIELDS,
    CENSUS_IDS,
    census_catalogue,
    census_notes,
    census_table,
)
from prisonsurvey.region.comparability import Cell, classify_all
from prisonsurvey.region.estimate import FIELDS, regional_estimates
from prisonsurvey.region.load import FILENAME, load_region
from prisonsurvey.region.model import LANGUAGES, RegionConfig
from prisonsurvey.region.replicates import (
    combine_replicates,
    describe,
    replicate_sets,
    round_replicates,
    uses_replicates,
)
from prisonsurvey.region.rounds import Round, load_round
from prisonsurvey.region.stack import stack_rounds
from prisonsurvey.responses.fieldwork import fieldwork_period

BAD_LANGUAGE = "REG008"


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
        table: Every survey figure (columns :data:`~prisonsurvey.region.estimate.FIELDS`).
        census: Every census figure, by country and for the region (columns
            :data:`~prisonsurvey.region.census.CENSUS_FIELDS`; empty without census rounds).
        variance: ``linearised``, or the replicate sets combined (``replicate (ARC JKn 24,
            ...)``), as the machine-readable files state it.
        census_titles: Title of every census indicator, by language.
        replicate_sets: Each round's replicate set, ``(country, method, replicates)``, in
            stacking order (empty with linearised variances); the pages name the variance
            from it in their language.
        census_notes: The note of every row of ``census``, by language (the column ``note``
            is the English one).
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
    census: pd.DataFrame
    variance: str = "linearised"
    census_titles: dict[str, dict[str, str]] = field(default_factory=dict)
    replicate_sets: tuple[tuple[str, str, int], ...] = ()
    census_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per estimate (missing values are ``None``).

        Survey figures first (``source: survey``), then the census figures (``source:
        census``, with their ``numerator``, ``denominator`` and reference ``year``; exact, so
        without standard error).
        """
        out = [
            {**_record(FIELDS, row), "source": "survey"}
            for row in self.table.itertuples(index=False)
        ]
        for row in self.census.itertuples(index=False):
            rec = _record(CENSUS_FIELDS, row)
            shown = rec["estimate"] is not None
            out.append(
                {
                    **{name: None for name in FIELDS},
                    **rec,
                    "comparability": "comparable" if shown else "not_collected",
                    "reasons": "" if shown else rec["note"],
                    "source": "census",
                }
            )
        return out

    def methodology(self) -> list[dict[str, Any]]:
        """The methodology annex: one entry per round, drawn from the round itself."""
        return [_method(r) for r in self.rounds]


def _record(fields: Sequence[str], row: Sequence[object]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for name, value in zip(fields, row, strict=True):
        if isinstance(value, float) and math.isnan(value):
            rec[name] = None
        elif name in ("sex", "legal_status", "n", "n_missing", "n_estimated", "year"):
            rec[name] = int(value)  # type: ignore[call-overload]
        elif isinstance(value, float):
            rec[name] = float(value)
        else:
            rec[name] = value
    return rec


def _dates(rnd: Round) -> tuple[str, str]:
    """The fieldwork period: as region.yaml, else the round's package, else the interviews."""
    start, end = rnd.ref.fieldwork.start, rnd.ref.fieldwork.end
    if start and end:
        return start, end
    first, last = rnd.fieldwork if rnd.fieldwork[0] else fieldwork_period(rnd.data)
    return start or first, end or last


def _method(rnd: Round) -> dict[str, Any]:
    ref = rnd.ref
    start, end = _dates(rnd)
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
        "census": ref.census,
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
    titles: dict[str, dict[str, str]] = {}
    notes: dict[str, tuple[str, ...]] = {}
    census_cat = census_catalogue(config) if any(r.census for r in config.rounds) else None
    census = census_table(config, root, census_cat)
    if census_cat is not None:
        titles = {i: dict(census_cat.get(i).title) for i in CENSUS_IDS}
        notes = {lg: tuple(census_notes(census, config, census_cat, lg)) for lg in LANGUAGES}
    stacked = stack_rounds(rounds, catalogue, ids, cells, _census_populations(census))
    replicates = None
    variance = "linearised"
    named: tuple[tuple[str, str, int], ...] = ()
    if uses_replicates(rounds, config.variance):
        sets = [round_replicates(r, config.variance) for r in rounds]
        replicates = combine_replicates(sets)
        named = replicate_sets(rounds, sets)
        variance = f"replicate ({describe(named)})"
    rules = Rules(**config.rules.model_dump())
    table = regional_estimates(stacked, catalogue, ids, cells, rules, replicates)
    return Region(
        root,
        config,
        core,
        catalogue,
        ids,
        rounds,
        cells,
        stacked,
        table,
        census,
        variance,
        titles,
        named,
        notes,
    )


def _census_populations(census: pd.DataFrame) -> dict[str, float]:
    """People held by country from the census, for rounds that do not state it."""
    held = census.loc[(census["indicator"] == "prison_population") & census["estimate"].notna()]
    return {str(a): float(v) for a, v in zip(held["area"], held["estimate"], strict=True)}


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
