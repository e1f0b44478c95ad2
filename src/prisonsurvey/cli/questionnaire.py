"""CLI commands: questionnaire (``validate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.adaptation.load import AdaptedResult
from prisonsurvey.adaptation.validate import validate_path
from prisonsurvey.cli._output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_on_bad_input,
    print_issues,
    print_json,
)


def validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="Questionnaire folder (holding questionnaire.yaml), or a country adaptation "
            "(adaptation.yaml or its folder)."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Load a questionnaire folder and report every problem with file:line:column.

    Exit 0 when valid (warnings allowed), 1 when problems were found, 2 when the folder cannot
    be read.
    """
    with exit_on_bad_input(as_json):
        result = validate_path(path)
    if as_json:
        print_json(result.to_dict())
    else:
        print_issues(result.issues)
        summary = result.summary()
        if summary is not None:
            typer.echo(
                f"{summary['id']} {summary['version']}: valid; {summary['modules']} modules, "
                f"{summary['questions']} questions, languages {', '.join(summary['languages'])}"
            )
        else:
            typer.echo(f"{len(result.issues.errors)} problem(s) found in {path}", err=True)
        if isinstance(result, AdaptedResult) and result.comparability is not None:
            typer.echo(result.comparability.text())
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("validate")(validate)
