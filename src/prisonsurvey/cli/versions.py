"""CLI commands: versions (``diff``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from prisonsurvey.cli._output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_on_bad_input,
    print_json,
)
from prisonsurvey.versions.compare import compare
from prisonsurvey.versions.render import diff_markdown, diff_text


class DiffFormat(StrEnum):
    """Output formats of ``diff``."""

    TEXT = "text"
    MD = "md"
    JSON = "json"


def diff(
    old: Annotated[str, typer.Argument(help="Old questionnaire: folder or name@version.")],
    new: Annotated[str, typer.Argument(help="New questionnaire: folder or name@version.")],
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, md (changelog section) or json.")
    ] = DiffFormat.TEXT,
    check_bump: Annotated[
        bool,
        typer.Option("--check-bump", help="Exit 1 when the new version number grew too little."),
    ] = False,
) -> None:
    """List every change between two questionnaires and the version bump it needs."""
    with exit_on_bad_input(output_format is DiffFormat.JSON):
        result = compare(old, new)
    if output_format is DiffFormat.JSON:
        print_json(result.to_dict())
    elif output_format is DiffFormat.MD:
        typer.echo(diff_markdown(result), nl=False)
    else:
        typer.echo(diff_text(result), nl=False)
    raise typer.Exit(EXIT_FAILED if check_bump and not result.bump_ok else EXIT_OK)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("diff")(diff)
