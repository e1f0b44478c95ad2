"""CLI commands: demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.cli._output import fail_on_input_error, print_json
from prisonsurvey.errors import InputError


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for every output.")] = Path(
        "demo-output"
    ),
    respondents: Annotated[int, typer.Option("-n", help="Simulated interviews.")] = 450,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random draw.")] = 2026,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Run the whole pipeline on the bundled example survey and say where its outputs are."""
    from prisonsurvey.demo import run_demo

    try:
        result = run_demo(out, respondents, seed, report=None if as_json else typer.echo)
    except InputError as err:
        raise fail_on_input_error(err, as_json) from None
    if as_json:
        print_json(result.to_dict())
        return
    typer.echo(f"\nEverything is under {out}/:")
    for step, outputs in result.steps.items():
        typer.echo(f"  {step}:")
        for label, value in outputs.items():
            if isinstance(value, str | list):
                typer.echo(f"    {label}: {value}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    del export_app
    app.command("demo")(demo)
