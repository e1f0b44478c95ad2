"""CLI command: ``release`` (a public-use microdata file and its disclosure report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.cli._output import exit_on_bad_input, print_json


def release(
    project: Annotated[Path, typer.Option("--project", help="Survey project.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Release package folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print release.json.")] = False,
) -> None:
    """Write a public-use release: protected records, codebook, DDI and disclosure report."""
    from prisonsurvey.release.run import release_project

    with exit_on_bad_input(as_json):
        result = release_project(project, output)
    if as_json:
        print_json(result)
        return
    before, after = result["risk_before"], result["risk_after"]
    k = str(result["k"]) if str(result["k"]) in after["k_anonymity_violations"] else "3"
    typer.echo(f"release package written to {output}")
    typer.echo(
        f"records violating {k}-anonymity: {before['k_anonymity_violations'][k]} before, "
        f"{after['k_anonymity_violations'][k]} after; expected re-identifications "
        f"{before['expected_reidentifications']:.2f} -> {after['expected_reidentifications']:.2f}"
    )
    if result["included"]:
        typer.echo("released on request: " + ", ".join(result["included"]))


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("release")(release)
