"""Command-line interface: the only layer that prints, reads flags and chooses exit codes.

Each area of the toolkit registers its commands from its own module in this package; every
command calls one library function and, with ``--json``, prints exactly what it returns.
Exit codes: 0 ok, 1 checks failed / problems found, 2 bad input or usage.
"""

from __future__ import annotations

import typer

from prisonsurvey import __version__
from prisonsurvey.cli import (
    codebook,
    demo,
    estimation,
    indicators,
    instruments,
    quality,
    questionnaire,
    release,
    responses,
    versions,
    weights,
)

app = typer.Typer(
    name="prisonsurvey",
    help="Surveys and censuses of people deprived of liberty: from questionnaire to tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export field forms and analysis files.", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"prisonsurvey {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Surveys and censuses of people deprived of liberty."""


for _module in (
    questionnaire,
    instruments,
    indicators,
    responses,
    quality,
    weights,
    estimation,
    codebook,
    versions,
    release,
    demo,
):
    _module.register(app, export_app)


def main() -> None:
    """Run the command-line interface."""
    app()
