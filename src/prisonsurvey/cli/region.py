"""CLI commands: ``region init`` and ``region report`` (several national rounds compared)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.cli._output import exit_on_bad_input, print_json

region_app = typer.Typer(
    help="Compare several national rounds of the regional core: one report for the region.",
    no_args_is_help=True,
)


@region_app.command("init")
def init(
    folder: Annotated[Path, typer.Argument(help="Programme folder to write region.yaml in.")],
    programme_id: Annotated[
        str | None, typer.Option("--id", help="Programme id (default: the folder name).")
    ] = None,
) -> None:
    """Write a commented region.yaml naming the programme, its core and its rounds."""
    from prisonsurvey.region.load import init_region

    with exit_on_bad_input():
        path = init_region(folder, programme_id)
    typer.echo(
        f"wrote {path}; list the rounds under 'rounds:' and run 'prisonsurvey region report'"
    )


@region_app.command("report")
def report(
    folder: Annotated[Path, typer.Argument(help="Programme folder holding region.yaml.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Report folder.")],
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="Language of the HTML report (repeatable; default: all)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one record per estimate as JSON.")
    ] = False,
) -> None:
    """Estimate every indicator by country and for the region and write the report."""
    from prisonsurvey.region.run import region_report

    with exit_on_bad_input(as_json):
        result = region_report(folder, output, tuple(lang or ()))
    if as_json:
        print_json(result["estimates"])
        return
    shown = [f for f in result["files"] if f.endswith(".html")]
    typer.echo(f"regional report written to {output}: {len(result['estimates'])} figures")
    for path in shown[:4]:
        typer.echo(f"  {path}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.add_typer(region_app, name="region")
