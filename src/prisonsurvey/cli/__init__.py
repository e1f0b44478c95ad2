"""Command-line interface: the only layer that prints, reads flags and chooses exit codes.

Each area of the toolkit registers its commands from its own module in this package; every
command calls one library function and, with ``--json``, prints exactly what it returns.
Exit codes: 0 ok, 1 checks failed / problems found, 2 bad input or usage.

The command modules are imported only when one of their commands runs (:mod:`._lazy`): the
tables below name the module of every command and the summary its help list shows.
"""

from __future__ import annotations

import typer

from prisonsurvey import __version__
from prisonsurvey.cli._deferred import defer
from prisonsurvey.cli._lazy import LazyCommand, LazyGroup

COMMANDS = (
    LazyCommand(
        "validate",
        "questionnaire",
        "Load a questionnaire folder and report every problem with file:line:column.",
    ),
    LazyCommand(
        "preview",
        "instruments",
        "Write the paper questionnaire as one printable, self-contained HTML file.",
    ),
    LazyCommand(
        "import-xlsform",
        "instruments",
        "Turn an XLSForm into a questionnaire folder, reporting what cannot be represented.",
    ),
    LazyCommand(
        "indicators",
        "indicators",
        "Check an instrument's indicator catalogue and list its indicators.",
    ),
    LazyCommand(
        "init",
        "responses",
        "Create a survey project: survey.yaml and a data/ folder for the store.",
    ),
    LazyCommand(
        "import",
        "responses",
        "Import field exports into the project's store (all or nothing, nothing twice).",
    ),
    LazyCommand(
        "simulate",
        "responses",
        "Write synthetic respondents that obey skip logic, constraints and choice filters.",
    ),
    LazyCommand(
        "check", "quality", "Run the quality checks on the project's data and report the findings."
    ),
    LazyCommand(
        "weight", "weights", "Compute final and replicate weights as the specification says."
    ),
    LazyCommand(
        "tabulate",
        "estimation",
        "Estimate means, totals, proportions, ratios or quantiles with design-based intervals.",
    ),
    LazyCommand(
        "codebook",
        "codebook",
        "Write the codebook of a questionnaire, with frequencies when data are given.",
    ),
    LazyCommand(
        "diff",
        "versions",
        "List every change between two questionnaires and the version bump it needs.",
    ),
    LazyCommand(
        "demo",
        "demo",
        "Run the whole pipeline on the bundled example survey and say where its outputs are.",
    ),
    LazyCommand("sample", "weights", "Draw samples: facilities (stage 1) and persons (stage 2)."),
    LazyCommand(
        "release",
        "release",
        "Write a public-use release: protected records, codebook, DDI and disclosure report.",
    ),
    LazyCommand(
        "region",
        "region",
        "Compare several national rounds of the regional core: one report for the region.",
    ),
)
"""Top-level commands, in the order ``--help`` lists them (``export`` follows)."""

EXPORT_COMMANDS = (
    LazyCommand(
        "xlsform",
        "instruments",
        "Write the questionnaire as an XLSForm for ODK Collect, Central and KoBoToolbox.",
    ),
    LazyCommand(
        "data",
        "codebook",
        "Write labelled analysis files (SPSS, Stata, CSV, Parquet); repeats as linked files.",
    ),
)
"""Sub-commands of ``export``."""


class _RootGroup(LazyGroup):
    entries = COMMANDS


class _ExportGroup(LazyGroup):
    entries = EXPORT_COMMANDS
    export = True


app = typer.Typer(
    name="prisonsurvey",
    help="Surveys and censuses of people deprived of liberty: from questionnaire to tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_RootGroup,
)
export_app = typer.Typer(
    help="Export field forms and analysis files.", no_args_is_help=True, cls=_ExportGroup
)
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


def main() -> None:
    """Run the command-line interface."""
    if app.rich_markup_mode != "markdown":
        defer()  # help renders rich markup: Markdown and pretty tracebacks load only if used
    app()
