"""Analysis files for SPSS, Stata, R and Python: labelled, with the missing-value taxonomy.

:func:`~prisonsurvey.statfiles.export.export_data` writes ``.sav``, ``.dta``, ``.csv`` or
``.parquet`` files from typed responses: variable and value labels in one language, the missing
kinds of :class:`~prisonsurvey.questionnaire.model.MissingKind` kept apart (SPSS user-missing
codes, Stata extended missing values), select_multiple indicator columns, weights and design
variables, repeats as separate files linked by keys, identifying fields left out unless asked.
"""

from prisonsurvey.statfiles.export import ExportResult, export_data
from prisonsurvey.statfiles.missing_codes import SPSS_CODES, STATA_LETTERS

__all__ = ["SPSS_CODES", "STATA_LETTERS", "ExportResult", "export_data"]
