"""Warn about indicators whose definition changed between questionnaire versions."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from prisonsurvey.errors import Issue, Location, Severity
from prisonsurvey.questionnaire.expressions import parse, references
from prisonsurvey.questionnaire.indicators import IndicatorCatalogue
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.versions.changes import Impact
from prisonsurvey.versions.diff import diff_questionnaires
from prisonsurvey.versions.semver import Version

INDICATOR_NOT_COMPARABLE = "VER010"
"""An indicator refers to a question whose change between two versions breaks comparability."""


def indicator_comparability(
    catalogue: IndicatorCatalogue, questionnaires: Mapping[str, Questionnaire]
) -> list[Issue]:
    """Warn for each indicator that uses a question changed in a breaking way between versions.

    Args:
        catalogue: The indicator catalogue (written against the newest version).
        questionnaires: Questionnaire of each version present in the data.

    Returns:
        One warning (``VER010``) per indicator and pair of consecutive versions, naming the
        questions and the changes.
    """
    versions = sorted(questionnaires, key=Version.parse)
    issues: list[Issue] = []
    for old_v, new_v in pairwise(versions):
        diff = diff_questionnaires(questionnaires[old_v], questionnaires[new_v])
        breaking: dict[str, list[str]] = {}
        for change in diff.by_impact(Impact.BREAKING):
            breaking.setdefault(change.item, []).append(change.kind.value)
            if change.old and change.kind.value == "question_replaced":
                breaking.setdefault(change.old, []).append(change.kind.value)
        for indicator in catalogue.indicators:
            used: set[str] = set(indicator.breakdowns)
            for source in indicator.expressions().values():
                if source:
                    used |= references(parse(source))
            hit = sorted(name for name in used if name in breaking)
            if hit:
                what = "; ".join(
                    f"{name}: {', '.join(sorted(set(breaking[name])))}" for name in hit
                )
                issues.append(
                    Issue(
                        INDICATOR_NOT_COMPARABLE,
                        f"indicator '{indicator.id}' may not compare between {old_v} and {new_v}: "
                        f"{what}; publish the versions separately or footnote the break",
                        Location(file=f"indicators.yaml#{indicator.id}"),
                        Severity.WARNING,
                    )
                )
    return issues
