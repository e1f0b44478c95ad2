"""Versions: what changed between two questionnaires, and data from several versions.

- :func:`~prisonsurvey.versions.diff.diff_questionnaires` lists every change between two
  questionnaires and classifies it as breaking for comparability, compatible or cosmetic;
  :class:`~prisonsurvey.versions.changes.VersionDiff` says which semantic-version bump that needs.
- :func:`~prisonsurvey.versions.bump.check_version_bump` refuses a version whose bump is too
  small compared with the highest lower version beside it.
- :func:`~prisonsurvey.versions.harmonise.harmonise` stacks data from several versions through
  the declared lineage (renames, recodes); a question absent from a version is "not asked" there.
- :func:`~prisonsurvey.versions.indicators.indicator_comparability` warns about indicators whose
  definition changed between versions.
"""

from prisonsurvey.versions.changes import Change, ChangeKind, Impact, VersionDiff
from prisonsurvey.versions.diff import diff_questionnaires
from prisonsurvey.versions.semver import Bump

__all__ = ["Bump", "Change", "ChangeKind", "Impact", "VersionDiff", "diff_questionnaires"]
