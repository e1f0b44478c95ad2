"""What ``prisonsurvey codebook`` and ``prisonsurvey export data`` run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from prisonsurvey.adaptation.validate import is_adaptation
from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.ddi import render_ddi
from prisonsurvey.codebook.model import Codebook
from prisonsurvey.codebook.writers import render_html, render_markdown, write_xlsx
from prisonsurvey.datafile import read_data_file
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.progress import Progress
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.missing import missing_kinds

CodebookFormat = Literal["html", "md", "xlsx", "ddi"]
CODEBOOK_FORMATS: tuple[str, ...] = ("html", "md", "xlsx", "ddi")
_SUFFIX = {"html": ".html", "md": ".md", "xlsx": ".xlsx", "ddi": ".xml"}
NO_WEIGHT_COLUMN = "CBK001"
"""The weight column named for a codebook is not in the data."""
UNKNOWN_LANGUAGE = "CBK002"
"""The language asked for is not one of the questionnaire's."""
NO_QUESTIONNAIRE = "CBK003"
"""Neither a questionnaire nor a project was given."""


def load_any_questionnaire(path: str | Path) -> Questionnaire:
    """Load a questionnaire folder, ``name@version``, or a country adaptation.

    Raises:
        InputError: It cannot be found or has errors.
    """
    from prisonsurvey.adaptation.load import load_adapted_or_raise

    candidate = Path(path)
    if candidate.exists() and is_adaptation(candidate):
        return load_adapted_or_raise(candidate)
    return load_questionnaire_or_raise(find_instrument(path))


@dataclass(frozen=True)
class CodebookRequest:
    """Inputs of one codebook run.

    Attributes:
        questionnaire: Folder, ``name@version`` or adaptation; ``None`` with ``project``.
        output: File to write; ``None`` for ``<instrument>-<version>.<lang>.<ext>``.
        fmt: html, md, xlsx or ddi.
        lang: Language of the texts (default: the questionnaire's default language).
        data: Typed data file for frequencies.
        weight: Weight column of the data for weighted frequencies.
        project: Survey project whose questionnaire and stored responses to describe.
    """

    questionnaire: str | Path | None
    output: Path | None = None
    fmt: CodebookFormat = "html"
    lang: str | None = None
    data: Path | None = None
    weight: str | None = None
    project: Path | None = None


def _check_lang(q: Questionnaire, lang: str | None) -> None:
    if lang is not None and lang not in q.languages:
        raise InputError(
            Issue(
                UNKNOWN_LANGUAGE,
                f"language '{lang}' is not in the questionnaire; use one of "
                f"{', '.join(q.languages)}",
                Location("--lang"),
            )
        )


def _weight_missing(weight: str, columns: list[str], source: str) -> InputError:
    return InputError(
        Issue(
            NO_WEIGHT_COLUMN,
            f"weight column '{weight}' is not in the data; its columns include "
            f"{', '.join(map(str, columns[:8]))}",
            Location(source, column=weight),
        )
    )


def _project_codebook(request: CodebookRequest, progress: Progress | None) -> Codebook:
    """The codebook of a project, its frequencies read from the store chunk by chunk."""
    from prisonsurvey.codebook.chunked import store_codebook
    from prisonsurvey.project import Project
    from prisonsurvey.responses import Store

    assert request.project is not None
    project = Project.open(request.project)
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        _check_lang(q, request.lang)
        columns = store.columns(q.id)
        if request.weight is not None and request.weight not in columns:
            raise _weight_missing(request.weight, columns, "data")
        return store_codebook(q, store, request.lang, request.weight, progress)


def make_codebook(request: CodebookRequest, progress: Progress | None = None) -> Codebook:
    """Build the codebook a request asks for.

    With a project (and no data file) the frequencies come from its store, read in chunks
    (see :mod:`prisonsurvey.codebook.chunked`).

    Args:
        request: What to describe.
        progress: Called as the frequencies are computed (:mod:`prisonsurvey.progress`).

    Raises:
        InputError: The questionnaire, project, data file, weight column or language is wrong.
    """
    data: pd.DataFrame | None = None
    if request.project is not None:
        if request.data is None:
            return _project_codebook(request, progress)
        from prisonsurvey.project import Project

        q = Project.open(request.project).questionnaire
    elif request.questionnaire is not None:
        q = load_any_questionnaire(request.questionnaire)
    else:
        raise InputError(
            Issue(NO_QUESTIONNAIRE, "give a questionnaire (PATH) or --project DIR", Location())
        )
    _check_lang(q, request.lang)
    if request.data is not None:
        data = read_data_file(request.data)
    weights = None
    if data is not None and request.weight is not None:
        if request.weight not in data.columns:
            raise _weight_missing(
                request.weight, list(map(str, data.columns)), str(request.data or "data")
            )
        weights = pd.to_numeric(data[request.weight], errors="coerce")
    return build_codebook(
        q, request.lang, data, weights, missing_kinds if data is not None else None, progress
    )


def write_codebook(codebook: Codebook, output: Path, fmt: CodebookFormat) -> Path:
    """Write ``codebook`` to ``output`` in ``fmt`` (html, md, xlsx or ddi)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        output.write_text(render_html(codebook), encoding="utf-8")
    elif fmt == "md":
        output.write_text(render_markdown(codebook), encoding="utf-8")
    elif fmt == "xlsx":
        write_xlsx(codebook, output)
    else:
        output.write_bytes(render_ddi(codebook))
    return output


def codebook_command(
    request: CodebookRequest, progress: Progress | None = None
) -> dict[str, object]:
    """Build and write a codebook; return what was written (what ``--json`` prints)."""
    codebook = make_codebook(request, progress)
    output = request.output or default_output(
        f"{codebook.instrument}-{codebook.version}", codebook.lang, request.fmt
    )
    path = write_codebook(codebook, output, request.fmt)
    return {
        "output": str(path),
        "format": request.fmt,
        "instrument": codebook.instrument,
        "version": codebook.version,
        "lang": codebook.lang,
        "variables": len(codebook.variables),
        "rows": codebook.n_rows,
        "weighted": codebook.weighted,
    }


def default_output(instrument: str, lang: str, fmt: str) -> Path:
    """Default file name of a codebook, e.g. ``regional-inmate-1.0.0.es.html``."""
    return Path(f"{instrument}.{lang}{_SUFFIX[fmt]}")
