"""Field forms: XLSForm export (with ODK-ready settings) and XLSForm import."""

from prisonsurvey.xlsform.export import XlsformSheets, build_sheets, export_xlsform
from prisonsurvey.xlsform.facilities import read_facility_frame
from prisonsurvey.xlsform.importer import ImportXlsformResult, import_xlsform
from prisonsurvey.xlsform.version import xlsform_version

__all__ = [
    "ImportXlsformResult",
    "XlsformSheets",
    "build_sheets",
    "export_xlsform",
    "import_xlsform",
    "read_facility_frame",
    "xlsform_version",
]
