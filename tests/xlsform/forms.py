"""The forms the client tests run on, each exported and converted once per test process."""

from __future__ import annotations

import functools
import io
import logging
import subprocess
import warnings
from pathlib import Path

import pyxform
from pyxform.xls2xform import convert

from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.xlsform import export_xlsform

from .sample import sample_questionnaire

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {
    "regional-inmate": ROOT / "questionnaires" / "regional-inmate" / "1.0.0",
    "facility-census": ROOT / "questionnaires" / "facility-census" / "1.0.0",
}
FORMS = ("sample", *SHIPPED)
VALIDATE_JAR = Path(pyxform.__file__).parent / "validators/odk_validate/bin/ODK_Validate.jar"


@functools.cache
def questionnaire(name: str) -> Questionnaire:
    """The questionnaire behind a form name."""
    if name == "sample":
        return sample_questionnaire()
    return load_questionnaire_or_raise(SHIPPED[name])


@functools.cache
def xlsform(name: str, work: Path) -> Path:
    """The exported XLSForm of a form."""
    return export_xlsform(questionnaire(name), work / f"{name}.xlsx")


@functools.cache
def xform(name: str, work: Path) -> tuple[Path, tuple[str, ...]]:
    """The XForm pyxform makes of a form, and every warning it gave (returned or logged)."""
    return pyxform_convert(xlsform(name, work), work / f"{name}.xml")


def pyxform_convert(source: Path, target: Path) -> tuple[Path, tuple[str, ...]]:
    """Convert with pyxform, collecting returned warnings, Python warnings and log records."""
    found: list[str] = []
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("pyxform")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = convert(str(source), warnings=found)
    finally:
        logger.removeHandler(handler)
    found.extend(result.warnings)
    found.extend(str(w.message) for w in caught)
    found.extend(line for line in stream.getvalue().splitlines() if line.strip())
    target.write_text(result.xform, encoding="utf-8")
    return target, tuple(dict.fromkeys(found))


def odk_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """Run ODK Validate (JavaRosa) from the pyxform wheel on an XForm."""
    return subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(VALIDATE_JAR), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
