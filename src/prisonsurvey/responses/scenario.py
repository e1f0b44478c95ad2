"""Simulation scenarios: how simulated respondents answer, read from a located YAML file.

A scenario (format: ``docs/scenarios.md``) gives, per question, the answer distribution
(choice probabilities including don't know and refused, numeric and date distributions with
bounds that may be expressions), log-odds shifts by earlier answers (sex, age group, legal
status, ...), a facility random effect, and a shared latent factor that makes related items
correlate. ``fieldwork`` gives facilities, interviewers and interview times. A scenario may
``extend`` another one (a country file over the regional default) and replace whole question
entries, factors or fieldwork keys.

:func:`load_scenario` reads the file with
:func:`~prisonsurvey.questionnaire.yaml_source.read_yaml` and validates it with pydantic; every
problem becomes an :class:`~prisonsurvey.errors.Issue` with an ``SCN`` code located at its
``file:line:column``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.model import Questionnaire, QuestionType
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml, shape_message

SCENARIO_FILE = "scenario.yaml"
"""Name of an instrument's default scenario, beside its ``questionnaire.yaml``."""

UNIFORM = "uniform"
"""Name of the scenario that answers uniformly at random (no file)."""

DEFAULT = "default"
"""Name of the instrument's default scenario."""

SCN_SHAPE = "SCN001"
"""A key, value or type of the scenario file is wrong."""
SCN_QUESTION = "SCN002"
"""The scenario names a question, choice or source the questionnaire or file lacks."""
SCN_MISSING = "SCN003"
"""The scenario file or the instrument's default scenario does not exist."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A published figure's origin, cited by id from the entries that use it."""

    id: str
    cite: str
    url: str = ""
    figures: str = ""


class Number(_Strict):
    """A numeric distribution; ``min`` and ``max`` may be expressions such as ``${age} - 12``."""

    mean: float
    sd: float = Field(ge=0)
    min: float | str | None = None
    max: float | str | None = None
    lognormal: bool = False


class DateRange(_Strict):
    """Dates uniform between ``min`` and ``max`` (ISO dates or expressions)."""

    min: str
    max: str = "today()"


class Entry(_Strict):
    """How one question is answered.

    Attributes:
        choices: Probability of each choice name (renormalised over the choices offered).
        number: Distribution of an integer or decimal question.
        date: Range of a date question.
        target: The choice whose log-odds the shifts, effects and factor move
            (default: the first listed in ``choices``).
        shift: ``{question: {answer name or value: log-odds}}`` by earlier answers.
        facility_sd: Standard deviation of the facility random effect (log-odds).
        factor: Name of a latent factor shared with related items.
        loading: Weight of the factor on this item.
        source: Id of the source of the figures, or ``illustrative``.
    """

    choices: dict[str, float] | None = None
    number: Number | None = None
    date: DateRange | None = None
    target: str | None = None
    shift: dict[str, dict[str, float]] = Field(default_factory=dict)
    facility_sd: float = Field(default=0.0, ge=0)
    factor: str | None = None
    loading: float = 1.0
    source: str = "illustrative"
    note: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Entry:
        kinds = [k for k in (self.choices, self.number, self.date) if k is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of 'choices', 'number' or 'date'")
        if self.choices is not None:
            if any(p < 0 for p in self.choices.values()) or sum(self.choices.values()) <= 0:
                raise ValueError("choice probabilities must be >= 0 and not all 0")
            if self.target is not None and self.target not in self.choices:
                raise ValueError(f"target '{self.target}' is not one of the choices given")
        return self

    @property
    def target_choice(self) -> str | None:
        """The choice moved by shifts, effects and factor."""
        if self.choices is None:
            return None
        return self.target or next(iter(self.choices))


class Factor(_Strict):
    """A latent trait (say, exposure to violence) shared by related items."""

    sd: float = Field(default=1.0, ge=0)
    facility_sd: float = Field(default=0.0, ge=0)
    shift: float = 0.0
    source: str = "illustrative"


class Minutes(_Strict):
    """Interview length in minutes (normal, bounded)."""

    mean: float = 55.0
    sd: float = Field(default=12.0, ge=0)
    min: float = 20.0
    max: float = 150.0


class Fieldwork(_Strict):
    """Facilities, interviewers and interview times."""

    facilities: int = Field(default=15, ge=1)
    interviewers_per_facility: int = Field(default=2, ge=1)
    interviewer_sd: float = Field(default=0.05, ge=0)
    start: str = "2025-10-06"
    days: int = Field(default=60, ge=1)
    hours: tuple[int, int] = (8, 17)
    minutes: Minutes = Field(default_factory=Minutes)
    facility_question: str = "facility"
    interviewer_question: str = "interviewer_id"


class Scenario(_Strict):
    """A validated scenario."""

    scenario: str
    instrument: str | None = None
    description: str = ""
    extends: str | None = None
    sources: tuple[Source, ...] = ()
    fieldwork: Fieldwork = Field(default_factory=Fieldwork)
    factors: dict[str, Factor] = Field(default_factory=dict)
    questions: dict[str, Entry] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = {s.id for s in self.sources} | {"illustrative"}
        for name, entry in self.questions.items():
            if entry.source not in ids:
                raise ValueError(f"questions.{name}: source '{entry.source}' is not in 'sources'")
            if entry.factor is not None and entry.factor not in self.factors:
                raise ValueError(f"questions.{name}: factor '{entry.factor}' is not in 'factors'")
        return self


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key in ("questions", "factors", "fieldwork"):
        if isinstance(base.get(key), dict) and isinstance(over.get(key), dict):
            out[key] = {**base[key], **over[key]}
    if isinstance(out.get("questions"), dict):
        # `name: null` drops the extended file's entry (a question the country derives)
        out["questions"] = {k: v for k, v in out["questions"].items() if v is not None}
    for key, value in over.items():
        if key not in ("questions", "factors", "fieldwork", "sources", "extends"):
            out[key] = value
    sources = {s.get("id"): s for s in base.get("sources", []) if isinstance(s, dict)}
    sources.update({s.get("id"): s for s in over.get("sources", []) if isinstance(s, dict)})
    out["sources"] = list(sources.values())
    out.pop("extends", None)
    return out


def _shape_issues(err: ValidationError, doc: YamlDocument) -> list[Issue]:
    out: list[Issue] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        msg = shape_message(e)
        path = loc
        if e["type"] == "value_error" and not loc and "questions." in msg:
            name = msg.split("questions.", 1)[1].split(":", 1)[0]
            path = ("questions", name)
        out.append(Issue(SCN_SHAPE, msg, doc.locate(path, key=e["type"] == "extra_forbidden")))
    return out


def _extended(path: Path, parent: str) -> Path:
    """The file ``extends:`` names: relative to ``path``, or an instrument's default."""
    from prisonsurvey.questionnaire.find import find_instrument

    relative = (path.parent / parent).resolve()
    if relative.is_file() or parent.endswith((".yaml", ".yml")):
        return relative
    try:
        return (find_instrument(parent) / SCENARIO_FILE).resolve()
    except InputError:
        return relative


def _read(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], YamlDocument]:
    doc = read_yaml(path)
    if doc.issues:
        raise InputError(doc.issues)
    if not isinstance(doc.data, dict):
        raise InputError(
            Issue(
                SCN_SHAPE, "a scenario file is a mapping starting with 'scenario:'", doc.locate(())
            )
        )
    data: dict[str, Any] = doc.data
    parent = data.get("extends")
    if isinstance(parent, str) and parent:
        target = _extended(path, parent)
        if target in chain or not target.is_file():
            why = "extends itself" if target in chain else "does not exist"
            raise InputError(
                Issue(
                    SCN_MISSING,
                    f"'extends: {parent}' {why}; name a scenario file relative to this one "
                    "or an instrument (name@version) whose default scenario it adapts",
                    doc.locate(("extends",)),
                )
            )
        base, _ = _read(target, (*chain, path.resolve()))
        data = _merge(base, data)
    return data, doc


def load_scenario(path: Path, q: Questionnaire | None = None) -> Scenario:
    """Read and validate a scenario file (and the files it extends).

    Args:
        path: The scenario YAML file.
        q: The questionnaire it will simulate; when given, question and choice names are
            checked against it.

    Raises:
        InputError: Located ``SCN`` issues.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            Issue(SCN_MISSING, f"scenario file {path} does not exist", Location(str(path)))
        )
    data, doc = _read(path)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(_shape_issues(err, doc)) from err
    if q is not None:
        issues = _question_issues(scenario, q, doc)
        if issues:
            raise InputError(issues)
    return scenario


def _question_issues(scenario: Scenario, q: Questionnaire, doc: YamlDocument) -> list[Issue]:
    names = {x.name: x for x in q.questions()}
    out: list[Issue] = []
    for name, entry in scenario.questions.items():
        where = doc.locate(("questions", name), key=True)
        question = names.get(name)
        if question is None:
            out.append(
                Issue(SCN_QUESTION, f"question '{name}' is not in {q.id}; check the name", where)
            )
            continue
        if entry.choices is not None:
            if question.type not in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE):
                out.append(
                    Issue(SCN_QUESTION, f"'{name}' is not a select question: use 'number'", where)
                )
                continue
            known = {c.name for c in q.choice_list(question).choices}
            for choice in entry.choices:
                if choice not in known:
                    out.append(
                        Issue(
                            SCN_QUESTION,
                            f"'{choice}' is not a choice of '{name}' ({', '.join(sorted(known))})",
                            doc.locate(("questions", name, "choices", choice), key=True),
                        )
                    )
        for other in entry.shift:
            if other not in names:
                out.append(
                    Issue(
                        SCN_QUESTION,
                        f"shift by '{other}': no such question in {q.id}",
                        doc.locate(("questions", name, "shift", other), key=True),
                    )
                )
    return out


def default_scenario_path(q: Questionnaire) -> Path | None:
    """The default scenario shipped beside the instrument ``q``, if there is one."""
    from prisonsurvey.questionnaire.find import find_instrument

    try:
        folder = find_instrument(f"{q.id}@{q.version}")
    except InputError:
        return None
    return folder / SCENARIO_FILE if (folder / SCENARIO_FILE).is_file() else None


def resolve_scenario(name: str | Path | None, q: Questionnaire) -> Scenario | None:
    """The scenario named on the command line: a file, ``default``, ``uniform`` (``None``).

    ``None`` means ``default`` when the instrument ships one, else ``uniform``.

    Raises:
        InputError: ``SCN003`` when ``default`` is asked and none exists; file issues.
    """
    if str(name) == UNIFORM:
        return None
    if name is None or str(name) == DEFAULT:
        found = default_scenario_path(q)
        if found is None:
            if name is None:
                return None
            raise InputError(
                Issue(
                    SCN_MISSING,
                    f"{q.id} has no default scenario ({SCENARIO_FILE} beside its "
                    "questionnaire.yaml); give a file or 'uniform'",
                    Location("--scenario"),
                )
            )
        return load_scenario(found, q)
    return load_scenario(Path(name), q)
