"""Quality checks and fieldwork monitoring.

Library API::

    from prisonsurvey.quality import run_checks, write_report_html, write_findings_csv

    report = run_checks(project)                     # or (questionnaire, tables, config)
    report.findings                                  # one row per finding
    report.summary; report.tables["progress"]
    write_report_html(report, Path("report.html"))   # self-contained, works offline
    write_findings_csv(report, Path("findings.csv")); report.to_dict()   # JSON

Checks are small functions registered in :mod:`prisonsurvey.quality.registry`, one module per
family in :mod:`prisonsurvey.quality.checks`; which run and their thresholds come from the
``quality:`` section of ``survey.yaml`` (:mod:`prisonsurvey.quality.config`). A project's store
is checked a chunk of rows at a time (:mod:`prisonsurvey.quality.scan`), with the same findings
as its whole tables.
"""

from prisonsurvey.quality.audit import audit_minutes, read_audit
from prisonsurvey.quality.config import DEFAULT_RULES, QualityConfig, Rule, Thresholds
from prisonsurvey.quality.findings import COLUMNS, SEVERITIES
from prisonsurvey.quality.registry import CHECKS, Check, check, registered
from prisonsurvey.quality.report import QualityReport, run_checks
from prisonsurvey.quality.writers import write_findings_csv, write_findings_json, write_report_html

__all__ = [
    "CHECKS",
    "COLUMNS",
    "DEFAULT_RULES",
    "SEVERITIES",
    "Check",
    "QualityConfig",
    "QualityReport",
    "Rule",
    "Thresholds",
    "audit_minutes",
    "check",
    "read_audit",
    "registered",
    "run_checks",
    "write_findings_csv",
    "write_findings_json",
    "write_report_html",
]
