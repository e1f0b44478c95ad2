"""A survey project folder: its configuration, its questionnaire and where its store lives.

Usage::

    from prisonsurvey.project import Project, init_project

    init_project(Path("arc-2026"), instrument="regional-inmate@1.0.0")
    project = Project.open(Path("arc-2026"))
    project.questionnaire          # the Questionnaire the data follows
    project.store_path             # arc-2026/data/store.duckdb
"""

from __future__ import annotations

import contextlib
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prisonsurvey.errors import InputError, Issue, Location, UsageError
from prisonsurvey.project.load import FILENAME, M, load_config, load_section
from prisonsurvey.project.model import SurveyProjectConfig
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.xlsform.version import xlsform_version

STORE_FILE = Path("data") / "store.duckdb"


def version_stamps(
    version: str, form_versions: tuple[str, ...] | list[str] = ()
) -> tuple[str, ...]:
    """The stamps that name a questionnaire version in data.

    Args:
        version: The semantic version.
        form_versions: Published form versions declared in ``survey.yaml``.

    Returns:
        The version, its XLSForm version (``1.0.0`` -> ``001000000``, as ``export xlsform``
        writes it) and the declared form versions, each once.
    """
    stamps = [version]
    with contextlib.suppress(UsageError):  # not MAJOR.MINOR.PATCH: the declared stamps only
        stamps.append(xlsform_version(version))
    return tuple(dict.fromkeys([*stamps, *form_versions]))


@dataclass
class Project:
    """An opened survey project.

    Attributes:
        root: The project folder.
        config: The validated ``survey.yaml``.
    """

    root: Path
    config: SurveyProjectConfig
    _questionnaire: Questionnaire | None = field(default=None, repr=False)

    @classmethod
    def open(cls, root: Path) -> Project:
        """Open the project in ``root`` (the folder holding ``survey.yaml``).

        Raises:
            InputError: ``survey.yaml`` is missing or invalid (codes ``PRJ0xx``).
        """
        root = Path(root)
        return cls(root=root, config=load_config(root / FILENAME))

    def section(self, name: str, model: type[M]) -> M | None:
        """The top-level ``survey.yaml`` section ``name`` validated with ``model``.

        Returns:
            The section, or ``None`` when ``survey.yaml`` does not have it.

        Raises:
            InputError: The section does not fit ``model`` (``PRJ004``, with line and column).
        """
        found = self.config.sections.get(name)
        if isinstance(found, model):
            return found
        return load_section(self.root / FILENAME, name, model)

    @property
    def store_path(self) -> Path:
        """The DuckDB file holding raw rows, typed responses, quarantine and the import log."""
        return self.root / STORE_FILE

    @property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire named by ``instrument:`` (loaded once).

        Raises:
            InputError: It cannot be found or loaded (``PRJ007``) or its id/version differ
                from ``survey.yaml`` (``PRJ008``).
        """
        if self._questionnaire is None:
            self._questionnaire = self._load_questionnaire()
        return self._questionnaire

    def questionnaire_versions(self) -> list[tuple[tuple[str, ...], Questionnaire]]:
        """Every accepted questionnaire version, oldest first, with the stamps that name it.

        The last entry is the project's own questionnaire; earlier ones come from
        ``instrument.previous``. A stamp is the version, the XLSForm version ``export xlsform``
        derives from it, or a published form version, as the data name it (Central
        ``FormVersion``, KoBo ``__version__``, XML ``version``).

        Raises:
            InputError: An earlier version cannot be found or loaded (``PRJ007``).
        """
        ref = self.config.instrument
        out: list[tuple[tuple[str, ...], Questionnaire]] = []
        for previous in ref.previous:
            if previous.path is not None:
                q = load_questionnaire_path((self.root / previous.path).resolve())
            else:
                q = _find_shipped(
                    f"{ref.id}@{previous.version}", Location(str(self.root / FILENAME))
                )
            out.append((version_stamps(previous.version, previous.form_versions), q))
        out.append((version_stamps(ref.version, ref.form_versions), self.questionnaire))
        return out

    def _load_questionnaire(self) -> Questionnaire:
        ref = self.config.instrument
        where = Location(str(self.root / FILENAME))
        if self.config.adaptation is not None:
            from prisonsurvey.adaptation import load_adapted_or_raise

            q = load_adapted_or_raise(self.root / self.config.adaptation)
        elif ref.path is not None:
            path = (self.root / ref.path).resolve()
            q = load_questionnaire_path(path)
        else:
            q = _find_shipped(f"{ref.id}@{ref.version}", where)
        if (q.id, q.version) != (ref.id, ref.version):
            raise InputError(
                Issue(
                    "PRJ008",
                    f"instrument is {ref.id}@{ref.version} but the questionnaire found is "
                    f"{q.id}@{q.version}; fix 'instrument:' in survey.yaml",
                    where,
                )
            )
        return q


def load_questionnaire_path(path: Path) -> Questionnaire:
    """Load a questionnaire from a folder (YAML format) or a JSON dump of the model.

    Raises:
        InputError: The path does not exist or does not hold a valid questionnaire.
    """
    if not path.exists():
        raise InputError(
            Issue("PRJ007", "questionnaire not found; fix 'instrument.path'", Location(str(path)))
        )
    if path.suffix == ".json":
        try:
            return Questionnaire.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise InputError(
                Issue(
                    "PRJ007",
                    f"not a questionnaire model: {exc.errors()[0]['msg']}",
                    Location(str(path)),
                )
            ) from exc
    loader = _optional("prisonsurvey.questionnaire.load", "load_questionnaire_or_raise")
    if loader is None:
        raise InputError(
            Issue(
                "PRJ007",
                "cannot load questionnaire folders in this installation",
                Location(str(path)),
            )
        )
    result: Questionnaire = loader(path)
    return result


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _find_shipped(spec: str, where: Location) -> Questionnaire:
    finder = _optional("prisonsurvey.questionnaire.find", "find_instrument") or _optional(
        "prisonsurvey.questionnaire.load", "find_instrument"
    )
    if finder is None:
        raise InputError(
            Issue(
                "PRJ007",
                f"shipped instrument {spec} is not available; set 'instrument.path'",
                where,
            )
        )
    found = finder(spec)
    if isinstance(found, Questionnaire):
        return found
    if isinstance(found, Path | str):
        return load_questionnaire_path(Path(found))
    raise InputError(Issue("PRJ007", f"instrument {spec} not found", where))


_TEMPLATE = """\
# Survey project: one survey round. Every path is relative to this folder.
survey:
  id: {survey_id}
  title: {title}
instrument:            # the questionnaire the field data follows
  id: {instrument_id}
  version: {version}
{path_line}# adaptation: adaptation/      # national modules, local choice lists, translations
# frame: frame.csv               # facility frame
# weighting: weights/spec.yaml   # weighting specification
indicators: []                   # indicator ids to produce; empty means all
"""


def init_project(
    root: Path,
    instrument: str = "regional-inmate@1.0.0",
    survey_id: str | None = None,
    title: str = "",
    questionnaire_path: str | None = None,
) -> Project:
    """Create a survey project folder with ``survey.yaml`` and an empty ``data/`` folder.

    Args:
        root: Folder to create (may exist, but must not hold ``survey.yaml``).
        instrument: ``id@version`` of the questionnaire.
        survey_id: Id of the round; defaults to the folder name.
        title: Title of the round.
        questionnaire_path: Questionnaire folder or model JSON, relative to ``root``.

    Raises:
        InputError: ``survey.yaml`` already exists (``PRJ006``) or ``instrument`` is not
            ``id@version`` (``PRJ004``).
    """
    root = Path(root)
    if (root / FILENAME).exists():
        raise InputError(
            Issue(
                "PRJ006",
                "a survey project already exists here; choose another folder",
                Location(str(root / FILENAME)),
            )
        )
    if "@" not in instrument:
        raise InputError(
            Issue(
                "PRJ004",
                f"instrument '{instrument}' must be written id@version, e.g. regional-inmate@1.0.0",
                Location("--instrument"),
            )
        )
    inst_id, version = instrument.split("@", 1)
    sid = survey_id or re.sub(r"[^a-z0-9_-]+", "-", root.resolve().name.lower()).strip("-")
    root.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    path_line = f"  path: {questionnaire_path}\n" if questionnaire_path else ""
    text = _TEMPLATE.format(
        survey_id=sid or "survey",
        title=repr(title) if title else "''",
        instrument_id=inst_id,
        version=version,
        path_line=path_line,
    )
    (root / FILENAME).write_text(text, encoding="utf-8")
    return Project.open(root)
