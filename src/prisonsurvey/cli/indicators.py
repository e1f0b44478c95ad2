"""Command for the indicator catalogue of an instrument."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.cli._output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_on_bad_input,
    print_issues,
    print_json,
)
from prisonsurvey.questionnaire.indicators import check_instrument_indicators


def indicators(
    path: Annotated[Path, typer.Argument(help="Instrument folder (holding questionnaire.yaml).")],
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Catalogue file (default: the folder's indicators.yaml)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check an instrument's indicator catalogue and list its indicators.

    Exit 0 when valid (warnings allowed), 1 when the catalogue has problems, 2 when the folder,
    the questionnaire or the catalogue cannot be read.
    """
    with exit_on_bad_input(as_json):
        result = check_instrument_indicators(path, catalogue)
    if as_json:
        print_json(result.to_dict())
    else:
        print_issues(result.issues)
        if result.catalogue is not None:
            for ind in result.catalogue.indicators:
                title = next(iter(ind.title.values()), "")
                typer.echo(f"{ind.id:<28} {ind.kind.value:<10} {ind.unit:<10} {title}")
            typer.echo(
                f"{result.catalogue.instrument}: {len(result.catalogue.indicators)} indicators, "
                "valid"
            )
        else:
            typer.echo(f"{len(result.issues.errors)} problem(s) found", err=True)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("indicators")(indicators)
