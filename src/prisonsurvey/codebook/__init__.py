"""Codebooks of a questionnaire, with frequencies when data are given.

:func:`~prisonsurvey.codebook.build.build_codebook` describes every variable (name, label,
question text, type, universe in words, value codes and labels, missing codes, constraint,
module, sensitivity) and, given data and weights, unweighted and weighted frequencies, missing
values by kind and summary statistics. Writers produce self-contained HTML, Markdown, an XLSX
data dictionary and DDI Codebook 2.5 XML.
"""

from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.model import Category, Codebook, Stats, Variable

__all__ = ["Category", "Codebook", "Stats", "Variable", "build_codebook"]
