"""Survey projects: ``survey.yaml``, the questionnaire a round follows, and where data lives.

Library API: :func:`init_project`, :meth:`Project.open`, ``project.questionnaire``,
``project.store_path``, :func:`register_section` for other parts' ``survey.yaml`` sections.
"""

from prisonsurvey.project.load import load_config
from prisonsurvey.project.model import (
    InstrumentRef,
    SurveyInfo,
    SurveyProjectConfig,
    register_section,
)
from prisonsurvey.project.project import Project, init_project, load_questionnaire_path

__all__ = [
    "InstrumentRef",
    "Project",
    "SurveyInfo",
    "SurveyProjectConfig",
    "init_project",
    "load_config",
    "load_questionnaire_path",
    "register_section",
]
