"""Read ``region.yaml`` into :class:`RegionConfig`, with every problem located; write a new one.

Codes:
    REG001  region.yaml missing or not readable
    REG002  a value is missing or has the wrong type or format
    REG003  a round's source is not a survey project nor a release package
    REG004  a region.yaml already exists where ``region init`` would write one
    REG009  a round's census file is missing or unreadable
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml, shape_message
from prisonsurvey.region.model import RegionConfig

FILENAME = "region.yaml"
MISSING = "REG001"
SHAPE = "REG002"
BAD_SOURCE = "REG003"
EXISTS = "REG004"
NO_CENSUS_FILE = "REG009"
"""A round's census file is missing or cannot be read."""


def _shape_issues(err: ValidationError, doc: YamlDocument) -> list[Issue]:
    out: list[Issue] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        msg = shape_message(e)
        out.append(Issue(SHAPE, msg, doc.locate(loc, key=e["type"] == "extra_forbidden")))
    return out


def load_region(path: Path) -> RegionConfig:
    """Load and validate ``region.yaml``.

    Args:
        path: The file, or the programme folder holding it.

    Raises:
        InputError: Every problem found, located by line and column (``REG0xx``).
    """
    path = Path(path)
    file = path / FILENAME if path.is_dir() else path
    if not file.is_file():
        raise InputError(
            Issue(
                MISSING,
                "no region.yaml here; run `prisonsurvey region init DIR` to write one",
                Location(str(file)),
            )
        )
    doc = read_yaml(file)
    if doc.issues:
        raise InputError(doc.issues)
    if not isinstance(doc.data, dict):
        raise InputError(
            Issue(SHAPE, "region.yaml must be a mapping of sections", Location(str(file), 1, 1))
        )
    try:
        config = RegionConfig.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(_shape_issues(err, doc)) from err
    issues = []
    for i, r in enumerate(config.rounds):
        source = file.parent / r.source
        if not ((source / "survey.yaml").is_file() or (source / "release.json").is_file()):
            issues.append(
                Issue(
                    BAD_SOURCE,
                    f"round {r.country}: '{r.source}' is neither a survey project (survey.yaml) "
                    "nor a release package (release.json); fix the path, relative to region.yaml",
                    doc.locate(("rounds", i, "source")),
                )
            )
        if r.census is not None and not (file.parent / r.census).is_file():
            issues.append(
                Issue(
                    NO_CENSUS_FILE,
                    f"round {r.country}: census file '{r.census}' does not exist; give the "
                    "facility census file (one row per facility), relative to region.yaml",
                    doc.locate(("rounds", i, "census")),
                )
            )
    if issues:
        raise InputError(issues)
    return config


TEMPLATE = """\
# Regional programme: several national rounds of one regional core questionnaire, compared.
# Every path is relative to this folder. `prisonsurvey region report . -o report/` writes the
# report (HTML in each language, XLSX, tidy CSV).
programme:
  id: {programme_id}
  title:
    es: Encuesta regional de personas privadas de la libertad
    en: Regional survey of people deprived of liberty
    pt: Pesquisa regional de pessoas privadas de liberdade
    fr: Enquête régionale sur les personnes privées de liberté
core:                      # the regional core instrument every round adapts
  instrument: regional-inmate
  version: 1.0.0
languages: [es, en, pt, fr]
indicators: []             # core catalogue indicators to compare; empty means all
# variance: replicate      # auto (default): replicate SEs when a round carries replicate
#                          # weights; linearised; replicate (rounds without get JKn replicates;
#                          # variance: {{method: replicate, make: boot, replicates: 100, seed: 1}})
# rules: {{flag_min_n: 30, flag_max_cv: 0.3, suppress_min_n: 10, suppress_max_cv: 0.5,
#          min_count: 3, single_facility: true}}   # reliability and disclosure, as in tabulate
rounds:
  # one entry per country: a survey project folder (survey.yaml, with its tabulate: section
  # naming the weights) or a release package folder (release.json)
  - country: ARC
    name: {{es: Arcadia, en: Arcadia, pt: Arcádia, fr: Arcadie}}
    year: 2026
    source: arcadia/
    population: 4850000      # national population: the denominator of rates per 100,000
    prison_population: 9800  # people in prison on the reference day: weights sum to it
    # adaptation: adaptation.yaml   # release packages: the adaptation that was fielded
    # fieldwork: {{start: 2026-03-02, end: 2026-05-29}}
    # response_rate: 0.91
    # census: census_2025.csv  # facility census: occupancy, pretrial share, rates per 100,000
    # comparability:         # your judgement over the class derived from the adaptation
    #   no_own_bed: {{class: comparable_note, reason: bunks counted as beds}}
"""


def init_region(root: Path, programme_id: str | None = None) -> Path:
    """Write a commented ``region.yaml`` in ``root`` (created if needed).

    Args:
        root: The programme folder.
        programme_id: Id of the programme; defaults to the folder name.

    Returns:
        The file written.

    Raises:
        InputError: ``region.yaml`` already exists (``REG004``).
    """
    root = Path(root)
    file = root / FILENAME
    if file.exists():
        raise InputError(
            Issue(
                EXISTS,
                "a region.yaml already exists here; choose another folder",
                Location(str(file)),
            )
        )
    pid = programme_id or re.sub(r"[^a-z0-9_-]+", "-", root.resolve().name.lower()).strip("-")
    root.mkdir(parents=True, exist_ok=True)
    file.write_text(TEMPLATE.format(programme_id=pid or "region"), "utf-8")
    return file
