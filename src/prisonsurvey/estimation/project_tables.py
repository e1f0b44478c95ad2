"""Tabulate a survey project: its stored responses, its weights and its indicator catalogue.

``survey.yaml`` says where the weights are and how the design is declared::

    tabulate:
      weights: analysis/weighted.csv   # the file 'prisonsurvey weight' wrote (keyed by _key)
      design: {weight: final_weight, strata: region, psu: facility, repweights: 'repw_*',
               reptype: jkn}
      catalogue: regional-inmate@1.0.0  # instrument whose indicators.yaml is estimated
      by: [sex]                         # default breakdowns
      rules: {flag_min_n: 30, flag_max_cv: 0.3, suppress_min_n: 10, suppress_max_cv: 0.5,
              min_count: 3, single_facility: true}

The current (not rejected) responses of the store are joined to the weights by ``_key``; only
the columns the chosen indicators' expressions read, the domains, the key and ``_version`` are
read from the store (see :func:`indicator_columns`), so memory does not grow with the width of
the questionnaire. The
indicators are those asked for, else the ``indicators:`` list of ``survey.yaml``, else all. When
the data hold several questionnaire versions, indicators whose definition changed in between
are reported as warnings (see :func:`prisonsurvey.versions.indicators.indicator_comparability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from prisonsurvey.datafile import read_data_file
from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.estimation.catalogue import catalogue_labels, catalogue_table
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.estimation.tabulate import TabulateRequest, Tabulation
from prisonsurvey.estimation.writers import TableMeta, write_tables
from prisonsurvey.project import Project
from prisonsurvey.questionnaire.expressions import parse, references
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
from prisonsurvey.questionnaire.indicators.model import IndicatorCatalogue
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses import Store
from prisonsurvey.versions.indicators import indicator_comparability

NO_SECTION = "EST010"
"""survey.yaml has no ``tabulate:`` section saying where the weights are."""
NO_RESPONSES = "EST011"
"""The store holds no responses, or none of them has a weight."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DesignColumns(_Frozen):
    """Design columns of the weights file (as ``prisonsurvey tabulate`` flags)."""

    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: str = "fail"
    repweights: str | None = None
    reptype: str | None = None
    fay_rho: float = 0.0
    mse: bool = False


_RULES = Rules()


class RulesSection(_Frozen):
    """Reliability and disclosure thresholds (see :class:`~prisonsurvey.estimation.rules.Rules`)."""

    flag_min_n: int = _RULES.flag_min_n
    flag_max_cv: float = _RULES.flag_max_cv
    suppress_min_n: int = _RULES.suppress_min_n
    suppress_max_cv: float = _RULES.suppress_max_cv
    min_count: int = _RULES.min_count
    single_facility: bool = _RULES.single_facility


class TabulateSection(_Frozen):
    """The ``tabulate:`` section of ``survey.yaml``."""

    weights: str
    key: str = "_key"
    design: DesignColumns
    catalogue: str | None = None
    by: tuple[str, ...] = ()
    rules: RulesSection = Field(default_factory=RulesSection)


@dataclass(frozen=True)
class ProjectTables:
    """Tables of a project and the warnings about comparability across versions."""

    tabulation: Tabulation
    warnings: list[Issue] = field(default_factory=list)


def _section(project: Project) -> TabulateSection:
    section = project.section("tabulate", TabulateSection)
    if section is None:
        raise InputError(
            Issue(
                NO_SECTION,
                "survey.yaml has no 'tabulate:' section; add one naming the weights file and "
                "its design columns (see 'prisonsurvey weight')",
                Location(str(project.root / "survey.yaml")),
            )
        )
    return section


def _labelled_domains(
    table: pd.DataFrame, q: Questionnaire, by: tuple[str, ...], lang: str
) -> pd.DataFrame:
    """Show the categories of domain questions by their labels in published tables."""
    out = table.copy()
    for name in by:
        if name not in out.columns:
            continue
        try:
            question = q.question(name)
        except KeyError:
            continue
        if question.choices is None or question.choices not in q.choice_lists:
            continue
        labels = {
            str(c.code): c.label.get(lang) or c.label.get(q.default_language) or str(c.code)
            for c in q.choice_lists[question.choices].choices
        }
        codes = pd.to_numeric(out[name], errors="coerce")
        text = codes.map(lambda v: str(int(v)) if pd.notna(v) else "")
        out[name] = text.map(labels).fillna(out[name].astype(str))
    return out


def indicator_columns(catalogue: IndicatorCatalogue, ids: Sequence[str]) -> set[str]:
    """The columns the expressions of the indicators ``ids`` (all when empty) read.

    Unknown ids are skipped here: :func:`~prisonsurvey.estimation.catalogue.catalogue_table`
    reports them.
    """
    known = set(catalogue.ids())
    out: set[str] = set()
    for ind_id in ids or catalogue.ids():
        if ind_id not in known:
            continue
        resolved = catalogue.get(ind_id).resolved
        if resolved is None:
            continue
        for role in ("universe", "variable", "numerator", "denominator", "estimated"):
            source = getattr(resolved, role, None)
            if source is not None:
                out |= references(parse(source))
    return out


def tabulate_project(
    project_dir: Path,
    by: tuple[str, ...] | None = None,
    indicator_ids: tuple[str, ...] = (),
    output: Path | None = None,
    fmt: str | None = None,
    lang: str = "en",
) -> ProjectTables:
    """Estimate the project's indicators from its store and weights, by domains.

    Raises:
        InputError: No ``tabulate:`` section, no responses, an unreadable weights file, or a
            bad catalogue or design.
    """
    project = Project.open(project_dir)
    section = _section(project)
    q = project.questionnaire
    wanted_by = by if by is not None else section.by
    chosen = indicator_ids or project.config.indicators
    with Store.open(project, read_only=True) as store:
        weights_path = project.root / section.weights
        weights = read_data_file(weights_path)
        ref = project.config.instrument
        catalogue_ref = section.catalogue or f"{ref.id}@{ref.version}"
        folder = find_instrument(catalogue_ref)
        catalogue = load_indicators(folder / INDICATORS_FILE, load_questionnaire_or_raise(folder))
        needed = {section.key, "_version", *wanted_by, *indicator_columns(catalogue, chosen)}
        responses = store.responses(q.id, columns=sorted(needed))
    design_cols = [
        c
        for c in weights.columns
        if c == section.key
        or c in section.design.model_dump().values()
        or (section.design.repweights and Path(c).match(section.design.repweights))
        or (c in wanted_by and c not in responses.columns)
    ]
    provided = [c for c in design_cols if c != section.key]
    data = responses.drop(columns=[c for c in provided if c in responses.columns]).merge(
        weights[design_cols].drop_duplicates(section.key), on=section.key, how="inner"
    )
    if data.empty:
        raise InputError(
            Issue(
                NO_RESPONSES,
                f"no stored response has a row in {section.weights}; import the data and run "
                "'prisonsurvey weight' on it first",
                Location(str(weights_path)),
            )
        )
    spec = DesignSpec(**section.design.model_dump())
    design = design_from_frame(data, spec, str(weights_path))
    request = TabulateRequest(
        variables=(),
        by=wanted_by,
        rules=Rules(**section.rules.model_dump()),
    )
    result = catalogue_table(design, data, catalogue, request, chosen, str(weights_path))
    present = set(data["_version"].dropna().astype(str)) if "_version" in data else set()
    versions = {
        stamps[0]: qv for stamps, qv in project.questionnaire_versions() if present & set(stamps)
    }
    warnings = indicator_comparability(catalogue, versions) if len(versions) > 1 else []
    if output is not None:
        meta = TableMeta(
            title=f"{q.id} {q.version}",
            by=request.by,
            labels=catalogue_labels(catalogue, lang),
            lang=lang,
        )
        shown = _labelled_domains(result.table, q, request.by, lang)
        write_tables(shown, output, (fmt or output.suffix.lstrip(".")).lower(), meta)
        result = Tabulation(result.table, result.estimates, output)
    return ProjectTables(result, list(warnings))


__all__ = ["ProjectTables", "TabulateSection", "tabulate_project"]
