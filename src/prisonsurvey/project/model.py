"""The ``survey.yaml`` model of a survey project.

A survey project is a folder for one survey round::

    my-survey/
      survey.yaml          # this model
      data/store.duckdb    # the response store (see :mod:`prisonsurvey.responses.store`)

``survey.yaml`` sections::

    survey:                       # required: who and what
      id: arc-2026                # lowercase letters, digits, '-' or '_'
      title: Encuesta penitenciaria 2026
      country: ARC                # optional ISO code
    instrument:                   # required: the questionnaire the data follows
      id: regional-inmate
      version: 1.0.0
      path: questionnaires/regional-inmate/1.0.0   # optional: folder or model .json, relative
      form_versions: ['2026030101']   # optional: XLSForm versions published for this version
    adaptation: adaptation/       # optional: folder with national modules, lists, translations
    frame: frame.csv              # optional: facility frame file
    weighting: weights/spec.yaml  # optional: weighting specification file
    indicators: [overcrowding, food_insufficient]   # optional: indicator ids (empty: all)

Other parts of the toolkit add sections (``quality:``, ``tabulate:``, ``sample:`` ...) with
:func:`register_section` (validated when ``survey.yaml`` is loaded) or read one on demand with
``project.section(name, Model)`` (names in :data:`RESERVED_SECTIONS`); any other top-level key
is an error with a suggestion.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SurveyInfo(_Frozen):
    """The survey round.

    Attributes:
        id: Identifier of the round (lowercase letters, digits, ``-`` or ``_``).
        title: Human-readable title.
        country: ISO country code, if national.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = ""
    country: str | None = None


class PreviousVersion(_Frozen):
    """An earlier version of the instrument whose data the project also accepts.

    Attributes:
        version: Its questionnaire version (``1.0.0``).
        path: Its questionnaire folder, relative to the project; when absent the shipped
            instrument ``id@version`` is used.
        form_versions: Form versions published on the server for it.
    """

    version: str
    path: str | None = None
    form_versions: tuple[str, ...] = ()

    def accepts_version(self, version: str) -> bool:
        """Whether data stamped with ``version`` belongs to this questionnaire version."""
        return version in (self.version, *self.form_versions)


class InstrumentRef(_Frozen):
    """Which questionnaire the data follows.

    Attributes:
        id: Instrument id (``regional-inmate``), also the form id in ODK/KoBo unless ``form_id``.
        version: Questionnaire version (``1.0.0``).
        path: Folder of the questionnaire or a JSON dump of the model, relative to the project;
            when absent the shipped instrument ``id@version`` is used.
        form_id: The form id used on the server, if different from ``id``.
        form_versions: Form versions published on the server for this questionnaire version
            (XLSForm ``version`` such as ``2026030101``); data naming another version is refused.
        previous: Earlier versions whose data are imported too and carried to this version
            through the lineage they declare (renames, recodes); see ``docs/versions.md``.
    """

    id: str
    version: str
    path: str | None = None
    form_id: str | None = None
    form_versions: tuple[str, ...] = ()
    previous: tuple[PreviousVersion, ...] = ()

    def accepts_version(self, version: str) -> bool:
        """Whether data stamped with ``version`` belongs to this questionnaire version."""
        return version in (self.version, *self.form_versions)


class SurveyProjectConfig(_Frozen):
    """The whole ``survey.yaml``.

    Attributes:
        survey: The survey round.
        instrument: The questionnaire the data follows.
        adaptation: Folder of the country adaptation, relative to the project.
        frame: Frame file, relative to the project.
        weighting: Weighting specification file, relative to the project.
        indicators: Indicator ids to produce (empty: every indicator of the instrument).
        sections: Sections registered by other parts (``quality``, ``tabulate``...), validated.
        raw_sections: Reserved sections no loaded part has registered yet, as plain data;
            :meth:`~prisonsurvey.project.Project.section` validates them on demand.
    """

    survey: SurveyInfo
    instrument: InstrumentRef
    adaptation: str | None = None
    frame: str | None = None
    weighting: str | None = None
    indicators: tuple[str, ...] = ()
    sections: dict[str, BaseModel] = Field(default_factory=dict)
    raw_sections: dict[str, Any] = Field(default_factory=dict)


CORE_SECTIONS = ("survey", "instrument", "adaptation", "frame", "weighting", "indicators")

RESERVED_SECTIONS = (
    "quality",
    "tabulate",
    "sample",
    "targets",
    "estimation",
    "codebook",
    "versions",
    "outputs",
    "release",
)
"""Sections other parts of the toolkit own; accepted even before their part is imported."""

_EXTRA_SECTIONS: dict[str, type[BaseModel]] = {}


def register_section(name: str, model: type[BaseModel]) -> None:
    """Allow a top-level ``survey.yaml`` section validated by ``model``.

    Call at import time of the module that owns the section; the loaded model is found in
    ``config.sections[name]``.
    """
    _EXTRA_SECTIONS[name] = model


def extra_sections() -> dict[str, type[BaseModel]]:
    """The registered extra sections by name."""
    return dict(_EXTRA_SECTIONS)
