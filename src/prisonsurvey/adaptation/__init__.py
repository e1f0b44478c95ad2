"""Country adaptations of a regional standard instrument, and what stays comparable.

A national round adapts the standard without forking it: an ``adaptation.yaml`` names the core
instrument and declares national modules and questions, replaced local lists (facilities from
the frame), the languages fielded (a subset of the core's, plus added ones with their texts),
core questions not fielded with a reason, and deliberate changes to core questions.
:func:`load_adapted` builds the adapted questionnaire with every problem located in the file that
caused it, and :class:`ComparabilitySummary` says which core items were kept, adapted or not
fielded, refusing changes that break comparability unless they are declared.
"""

from prisonsurvey.adaptation.load import AdaptedResult, load_adapted, load_adapted_or_raise
from prisonsurvey.adaptation.summary import ComparabilitySummary

__all__ = ["AdaptedResult", "ComparabilitySummary", "load_adapted", "load_adapted_or_raise"]
