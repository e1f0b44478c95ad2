"""The ``quality:`` section of ``survey.yaml``: which checks run, thresholds, rules, targets.

Example::

    quality:
      checks: []                    # empty: every registered check; or a list of check ids
      skip: [outside_hours]         # checks never to run
      severity: {duration_short: error}   # change the severity of a check's findings
      thresholds: {min_minutes: 20, max_minutes: 150, day_start: 7, day_end: 19}
      columns: {facility: facility, interviewer: interviewer_id, device: deviceid}
      completed: ${consent} = 'yes'  # which submissions are completed interviews
      refused: ${consent} = 'no'
      rules:                        # impossible or unlikely combinations, true means a problem
        - id: older_child
          when: ${child_age} > ${age} - 12
          table: children
          message: child older than the respondent could have
      targets: {101: 40, 102: 35}   # completed interviews per facility, or a CSV file name
      fieldwork: {start: 2026-03-01, end: 2026-04-30}

Every key is optional; :data:`DEFAULT_RULES` apply when ``rules`` is not given (each only when
the questionnaire has the questions it uses).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from prisonsurvey.project import register_section


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(_Frozen):
    """Numbers that decide when a finding is raised.

    Attributes:
        min_minutes: Completed interviews shorter than this are suspect.
        max_minutes: Completed interviews longer than this are suspect.
        day_start: Interviews starting before this hour are outside working hours.
        day_end: Interviews ending at or after this hour are outside working hours.
        nonresponse_rate: Share of relevant answers left empty, don't know or refused above
            which a question is flagged.
        nonresponse_ratio: An interviewer or facility is flagged when its rate is this many
            times the rate of everybody else (and the difference is beyond chance).
        min_n: Fewest relevant answers (or interviews) before a rate or a test is judged.
        straightlining_items: Fewest items of a battery answered alike to count as
            straight-lining.
        alpha: False discovery rate for tests over many questions or interviewers
            (Benjamini-Hochberg).
        permutations: Shuffles of the answers within facility for the interviewer-effect test
            (0: use the chi-square distribution).
        seed: Seed of those shuffles, so that reports are reproducible.
        response_rate: Facilities whose response rate is below this are flagged.
        progress_tolerance: A facility is behind when it has fewer completed interviews than
            ``(1 - tolerance)`` times what is expected by now.
    """

    min_minutes: float = 15.0
    max_minutes: float = 240.0
    day_start: int = Field(default=7, ge=0, le=23)
    day_end: int = Field(default=20, ge=1, le=24)
    nonresponse_rate: float = Field(default=0.2, ge=0, le=1)
    nonresponse_ratio: float = Field(default=2.0, ge=1)
    min_n: int = Field(default=20, ge=1)
    straightlining_items: int = Field(default=4, ge=2)
    alpha: float = Field(default=0.01, gt=0, lt=1)
    permutations: int = Field(default=0, ge=0)
    seed: int = 1
    response_rate: float = Field(default=0.5, ge=0, le=1)
    progress_tolerance: float = Field(default=0.1, ge=0, lt=1)


class Columns(_Frozen):
    """Which questions or columns play which part.

    Attributes:
        facility: The facility of the interview.
        interviewer: The interviewer.
        person: Columns identifying a person (same values twice: interviewed twice).
        device: The device id (ODK ``deviceid``).
        start: Start time of the interview.
        end: End time of the interview.
    """

    facility: str = "facility"
    interviewer: str = "interviewer_id"
    person: tuple[str, ...] = ("facility", "roster_line")
    device: str = "deviceid"
    start: str = "start"
    end: str = "end"


class Rule(_Frozen):
    """An impossible or unlikely combination of answers.

    Attributes:
        id: Short name shown with each finding.
        when: Expression that is true when the answers are a problem.
        message: What is wrong, shown with each finding.
        table: Repeat whose rows the rule runs on (``None``: one row per submission); the
            submission's own answers can be used in it too.
        severity: ``error`` (impossible) or ``warning`` (unlikely).
        question: Question the finding points to (default: the last one the rule uses).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: str
    message: str
    table: str | None = None
    severity: str = Field(default="error", pattern=r"^(error|warning|info)$")
    question: str | None = None


class Fieldwork(_Frozen):
    """Fieldwork period, to know how many interviews are expected by a given day.

    Attributes:
        start: First day of fieldwork.
        end: Last day of fieldwork.
    """

    start: dt.date
    end: dt.date


class QualityConfig(_Frozen):
    """The whole ``quality:`` section (see the module docstring).

    Attributes:
        checks: Check ids to run; empty means every registered check.
        skip: Check ids never to run.
        severity: Severity of a check's findings, replacing its default.
        thresholds: Limits for the checks.
        columns: Which columns are the facility, interviewer, person, device and times.
        completed: Expression true for completed interviews (default: consent given, when the
            questionnaire has a ``consent`` question; else every submission).
        refused: Expression true for refusals.
        rules: Consistency rules; ``None`` means :data:`DEFAULT_RULES`.
        batteries: Named lists of questions checked for straight-lining; ``None`` means runs of
            at least ``straightlining_items`` consecutive select_one questions of one group
            sharing a choice list with at least four substantive answers.
        targets: Completed interviews wanted per facility code, or a CSV file (columns
            ``facility``, ``target``) relative to the project.
        fieldwork: The fieldwork period.
        show_identifying: Show values of questions marked ``identifying`` in findings.
    """

    checks: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    severity: dict[str, str] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    columns: Columns = Field(default_factory=Columns)
    completed: str | None = None
    refused: str | None = None
    rules: tuple[Rule, ...] | None = None
    batteries: dict[str, tuple[str, ...]] | None = None
    targets: dict[str, int] | str = Field(default_factory=dict)
    fieldwork: Fieldwork | None = None
    show_identifying: bool = False


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        id="detained_longer_than_age",
        when="(${interview_date} - ${arrest_date}) div 365.25 > ${age}",
        message="time since arrest is longer than the respondent's age",
        question="arrest_date",
    ),
    Rule(
        id="child_too_old",
        when="${child_age} > ${age} - 12",
        message="child older than the respondent's age minus 12",
        table="children",
        question="child_age",
    ),
)
"""Rules used when ``survey.yaml`` gives none; a rule runs only if its questions exist."""

register_section("quality", QualityConfig)
