"""CLI commands: survey projects and responses (``init``, ``import``, ``simulate``)."""

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
from prisonsurvey.cli._progress import progress_bar


def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new survey project.")],
    instrument: Annotated[
        str, typer.Option(help="Questionnaire as id@version.")
    ] = "regional-inmate@1.0.0",
    questionnaire: Annotated[
        str | None,
        typer.Option(help="Questionnaire folder or model .json, relative to the project."),
    ] = None,
    survey_id: Annotated[str | None, typer.Option("--id", help="Id of the survey round.")] = None,
    title: Annotated[str, typer.Option(help="Title of the survey round.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create a survey project: survey.yaml and a data/ folder for the store."""
    from prisonsurvey.project import init_project

    with exit_on_bad_input(as_json):
        project = init_project(
            directory,
            instrument=instrument,
            survey_id=survey_id,
            title=title,
            questionnaire_path=questionnaire,
        )
    data = {
        "project": str(project.root),
        "survey": project.config.survey.id,
        "instrument": f"{project.config.instrument.id}@{project.config.instrument.version}",
    }
    if as_json:
        print_json(data)
    else:
        typer.echo(f"created {project.root / 'survey.yaml'} ({data['instrument']})")


def import_(
    files: Annotated[
        list[Path],
        typer.Argument(help="Central .csv.zip/.csv, KoBo .xlsx/.csv, XML folders, plain files."),
    ],
    project_dir: Annotated[Path, typer.Option("--project", help="Survey project folder.")] = Path(
        "."
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Import field exports into the project's store (all or nothing, nothing twice).

    Exit 0 when every row was typed, 1 when some went to quarantine, 2 on bad input.
    """
    from prisonsurvey.project import Project
    from prisonsurvey.responses.importer import import_files

    with exit_on_bad_input(as_json):
        project = Project.open(project_dir)
        with progress_bar("import", as_json) as bar:
            result = import_files(project, files, progress=bar)
    data = result.to_dict()
    if as_json:
        print_json(data)
    else:
        print_issues(result.notes)
        typer.echo(
            f"read {result.read}, new {result.new}, updated {result.updated}, "
            f"unchanged {result.unchanged}, quarantined {result.quarantined}"
        )
        if result.quarantined:
            typer.echo(
                f"{result.quarantine_rows} value(s) could not be typed; see the quarantine "
                "table of the store for file, row, column and reason",
                err=True,
            )
    raise typer.Exit(EXIT_FAILED if result.quarantined else EXIT_OK)


def simulate(
    path: Annotated[
        Path, typer.Argument(help="Survey project, questionnaire folder or model .json.")
    ],
    n: Annotated[int, typer.Option("-n", help="Number of respondents.")] = 100,
    fmt: Annotated[
        str, typer.Option("--format", help="central, kobo-xlsx, kobo-csv or xml.")
    ] = "central",
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file or folder.")] = Path(
        "simulated"
    ),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    scenario: Annotated[
        str | None,
        typer.Option(
            help="Scenario file, 'default' or 'uniform' (default: the project's or "
            "the instrument's scenario.yaml, else uniform)."
        ),
    ] = None,
    plant: Annotated[
        str | None,
        typer.Option(
            help="Plant known fieldwork problems: a plant file or 'default'; the list "
            "is written beside the export as planted.csv."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write synthetic respondents that obey skip logic, constraints and choice filters."""
    from prisonsurvey.responses.simulate import simulate_export

    with exit_on_bad_input(as_json):
        written = simulate_export(
            path, n=n, fmt=fmt, out=out, seed=seed, scenario=scenario, plant=plant
        )
    if as_json:
        print_json(written)
    else:
        typer.echo(f"wrote {written['respondents']} respondents to {written['path']}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("init")(init)
    app.command("import")(import_)
    app.command("simulate")(simulate)
