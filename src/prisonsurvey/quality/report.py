"""Run the registered checks and collect their findings into a :class:`QualityReport`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.progress import Progress, report
from prisonsurvey.quality.config import QualityConfig
from prisonsurvey.quality.context import CheckContext, Tables
from prisonsurvey.quality.findings import (
    COLUMNS,
    SEVERITIES,
    compact,
    empty_findings,
    sort_findings,
)
from prisonsurvey.quality.registry import Check, registered
from prisonsurvey.questionnaire.model import Questionnaire

if TYPE_CHECKING:
    from prisonsurvey.project import Project


@dataclass
class QualityReport:
    """The result of :func:`run_checks`.

    Attributes:
        questionnaire: The questionnaire checked against.
        findings: One row per finding (columns of :data:`~prisonsurvey.quality.findings.COLUMNS`),
            sorted by severity, check, table, facility, interviewer, key, question.
        summary: Counts: submissions, completed, refused, findings by severity and by check,
            the checks run, notes on what could not be checked.
        tables: Summary tables by name (``progress``, ``duration_by_interviewer``,
            ``nonresponse_by_question``,
            ``nonresponse_by_interviewer``, ``nonresponse_by_facility``,
            ``interviewer_effects``).
        checks: The checks that ran.
    """

    questionnaire: Questionnaire
    findings: pd.DataFrame
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    def count_at_least(self, severity: str) -> int:
        """Number of findings of ``severity`` or worse (``error`` < ``warning`` < ``info``)."""
        worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
        return int(self.findings["severity"].isin(worst).sum())

    def to_dict(self, findings: bool = True) -> dict[str, Any]:
        """JSON-ready: the summary, every finding (unless ``findings`` is false), the tables."""
        out: dict[str, Any] = {"summary": self.summary}
        if findings:
            out["findings"] = self.findings.to_dict(orient="records")
        out["tables"] = {name: _records(t) for name, t in sorted(self.tables.items())}
        return out


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    out = table.astype(object).where(table.notna(), None)
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in out.to_dict(orient="records")
    ]
    for rec in records:
        for k, v in rec.items():
            if isinstance(v, np.generic):
                rec[k] = v.item()
            if isinstance(v, float) and np.isnan(v):
                rec[k] = None
    return records


def selected_checks(config: QualityConfig) -> list[Check]:
    """The checks ``config`` asks for, in registration order.

    Raises:
        InputError: A check id in ``checks``, ``skip`` or ``severity`` is unknown (QC001).
    """
    every = registered()
    issues = []
    for section, ids in (
        ("checks", config.checks),
        ("skip", config.skip),
        ("severity", tuple(config.severity)),
    ):
        for cid in ids:
            if cid not in every:
                issues.append(
                    Issue(
                        "QC001",
                        f"quality.{section}: unknown check '{cid}'; known: {', '.join(every)}",
                        Location("survey.yaml"),
                    )
                )
    for cid, sev in config.severity.items():
        if sev not in SEVERITIES:
            issues.append(
                Issue(
                    "QC002",
                    f"quality.severity.{cid}: '{sev}' is not one of {', '.join(SEVERITIES)}",
                    Location("survey.yaml"),
                )
            )
    if issues:
        raise InputError(issues)
    wanted = set(config.checks or every) - set(config.skip)
    return [c for cid, c in every.items() if cid in wanted]


def default_today(root: pd.DataFrame, config: QualityConfig) -> dt.date:
    """The day the last interview of ``root`` ended (today when that is not known)."""
    col = config.columns.end
    if col in root.columns:
        end = pd.to_datetime(root[col], errors="coerce").max()
        if not pd.isna(end):
            return pd.Timestamp(end).date()
    return dt.date.today()


def settle(entry: Check, found: pd.DataFrame, config: QualityConfig) -> pd.DataFrame | None:
    """A check's findings with its id and severities, in the columns of the report.

    Findings carrying ``_part`` (the chunks of one check put together) are ordered by it first,
    keeping the order of rows within each part.
    """
    if found.empty:
        return None
    if "_part" in found.columns:
        found = found.sort_values("_part", kind="mergesort")
    found = found.copy()
    found["check"] = entry.id
    default = config.severity.get(entry.id)
    if default is not None:
        found["severity"] = default
    else:
        found["severity"] = found["severity"].where(found["severity"] != "", entry.severity)
    return compact(found[list(COLUMNS)])


def _as_tables(data: Mapping[str | None, pd.DataFrame] | pd.DataFrame) -> Tables:
    if isinstance(data, pd.DataFrame):
        return {None: data}
    tables = dict(data)
    tables.setdefault(None, pd.DataFrame())
    return tables


def run_checks(
    project_or_questionnaire: Project | Questionnaire,
    data: Mapping[str | None, pd.DataFrame] | pd.DataFrame | None = None,
    config: QualityConfig | None = None,
    *,
    today: dt.date | None = None,
    audit: pd.DataFrame | None = None,
    progress: Progress | None = None,
    rows: int | None = None,
) -> QualityReport:
    """Run the quality checks on survey data.

    Given a project and no ``data``, the project's store is read a chunk of rows at a time
    (:mod:`prisonsurvey.quality.scan`): memory holds one chunk and the few columns checks
    about several rows need, not the whole store; the findings are the same as those of the
    whole tables. A check added from outside (scope ``tables``) makes the whole tables load.

    Args:
        project_or_questionnaire: A survey project (its questionnaire, its ``quality:``
            settings and, when ``data`` is not given, its store) or a questionnaire.
        data: Typed tables: ``None`` (one row per submission) and each repeat name to its
            table, as :meth:`~prisonsurvey.responses.Store.responses` returns them; or just
            the root table.
        config: Settings; by default the project's ``quality:`` section or the defaults.
        today: The day ``today()`` means and progress is measured at; by default the day the
            last interview ended.
        audit: Form audit log events (:func:`~prisonsurvey.quality.audit.read_audit`); the
            timing checks then use the time spent on questions.
        progress: Called before each check and once all have run (:mod:`prisonsurvey.progress`).
        rows: Rows per chunk when reading the store (default
            :data:`~prisonsurvey.quality.scan.CHECK_CHUNK_ROWS`).

    Returns:
        The findings, summary and summary tables.

    Raises:
        InputError: The settings name an unknown check (QC001), a rule or condition cannot be
            evaluated (QC003-QC005) or a targets file cannot be read (QC010-QC012).
    """
    from prisonsurvey.quality.load import load_tables, read_targets

    targets: dict[str, int] | None = None
    if isinstance(project_or_questionnaire, Questionnaire):
        questionnaire = project_or_questionnaire
        config = config or QualityConfig()
    else:
        project = project_or_questionnaire
        questionnaire = project.questionnaire
        if config is None:
            section = project.config.sections.get("quality")
            config = section if isinstance(section, QualityConfig) else QualityConfig()
        if isinstance(config.targets, str):
            targets = read_targets(project.root / config.targets)
        if data is None and project.store_path.exists():
            checks = selected_checks(config)
            if all(c.scope != "tables" for c in checks):
                from prisonsurvey.quality.scan import scan_store

                ctx, scanned = scan_store(
                    project, config, checks, today, audit, targets, progress, rows
                )
                return _report(ctx, checks, scanned)
        if data is None:
            data = load_tables(project)
    checks = selected_checks(config)
    tables = _as_tables(data if data is not None else {})
    today = today or default_today(tables[None], config)
    ctx = CheckContext.build(questionnaire, tables, config, today)
    prepare(ctx, targets, audit)
    found = run_settled(ctx, [] if ctx.root.empty else checks, config, progress)
    return _report(ctx, checks, found)


def run_settled(
    ctx: CheckContext,
    checks: Sequence[Check],
    config: QualityConfig,
    progress: Progress | None = None,
) -> dict[str, pd.DataFrame]:
    """Run ``checks`` on ``ctx`` and settle their findings (checks without findings left out).

    Args:
        ctx: The data and settings the checks read.
        checks: The checks to run, in order.
        config: Thresholds and settings (for :func:`settle`).
        progress: Where to report each check as it starts.
    """
    found: dict[str, pd.DataFrame] = {}
    for done, entry in enumerate(checks):
        report(progress, f"check {entry.id}", done, len(checks))
        part = settle(entry, entry.run(ctx), config)
        if part is not None:
            found[entry.id] = part
    report(progress, "checks done", len(checks), len(checks))
    return found


def prepare(ctx: CheckContext, targets: dict[str, int] | None, audit: pd.DataFrame | None) -> None:
    """Check the settings' expressions and hand the context the targets and audit log.

    Raises:
        InputError: A rule or condition cannot be evaluated (QC003-QC005).
    """
    problems = ctx.check_rules()
    if problems:
        raise InputError(problems)
    if targets is not None:
        ctx.cache["targets"] = targets
    ctx.audit = audit
    if ctx.root.empty:
        ctx.notes.append("no submissions yet")


def _report(
    ctx: CheckContext, checks: list[Check], found: dict[str, pd.DataFrame]
) -> QualityReport:
    """Findings of ``checks`` (by id) sorted, with the summary, as a report."""
    parts = [found.pop(c.id) for c in checks if c.id in found]  # let go of each as it joins
    findings = sort_findings(pd.concat(parts, ignore_index=True) if parts else empty_findings())
    summary = _summary(ctx, checks, findings)
    return QualityReport(ctx.questionnaire, findings, summary, dict(ctx.extra_tables), checks)


def _summary(ctx: CheckContext, checks: list[Check], findings: pd.DataFrame) -> dict[str, Any]:
    by_check = []
    for entry in checks:
        mine = findings[findings["check"] == entry.id]
        with_key = mine[mine["key"] != ""]
        by_check.append(
            {
                "check": entry.id,
                "family": entry.family,
                "title": entry.title,
                "severity": entry.severity,
                "findings": len(mine),
                "submissions": int(with_key["key"].nunique()),
            }
        )
    severity_counts = findings["severity"].value_counts()
    return {
        "instrument": ctx.instrument,
        "version": ctx.questionnaire.version,
        "today": ctx.today.isoformat(),
        "submissions": len(ctx.root),
        "completed": int(ctx.completed.sum()),
        "refused": int((ctx.refused & ~ctx.completed).sum()),
        "findings": len(findings),
        "by_severity": {s: int(severity_counts.get(s, 0)) for s in SEVERITIES},
        "submissions_flagged": int(findings.loc[findings["key"] != "", "key"].nunique()),
        "checks": by_check,
        "notes": sorted(set(ctx.notes)),
    }
