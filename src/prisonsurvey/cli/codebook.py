"""CLI commands: codebooks and statistical files (``codebook``, ``export data``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, cast

import typer

from prisonsurvey.cli._output import (
    EXIT_BAD_INPUT,
    exit_on_bad_input,
    print_json,
)
from prisonsurvey.cli._progress import progress_bar


def codebook(
    path: Annotated[
        str | None,
        typer.Argument(help="Questionnaire folder, name@version, or adaptation.yaml."),
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html, md, xlsx or ddi (DDI Codebook 2.5).")
    ] = "html",
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the texts.")] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Typed data file (.csv/.parquet/.dta/.sav) for frequencies."),
    ] = None,
    project: Annotated[
        Path | None, typer.Option("--project", help="Survey project: frequencies from its store.")
    ] = None,
    weight: Annotated[
        str | None, typer.Option("--weight", help="Weight column for weighted frequencies.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written.")] = False,
) -> None:
    """Write the codebook of a questionnaire, with frequencies when data are given."""
    from prisonsurvey.codebook.run import CODEBOOK_FORMATS, CodebookRequest, codebook_command

    if fmt not in CODEBOOK_FORMATS:
        typer.echo(f"--format must be one of {', '.join(CODEBOOK_FORMATS)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    kind = cast(Literal["html", "md", "xlsx", "ddi"], fmt)
    request = CodebookRequest(path, output, kind, lang, data, weight, project)
    quiet = as_json or (data is None and project is None)
    with exit_on_bad_input(as_json), progress_bar("codebook", quiet) as bar:
        result = codebook_command(request, progress=bar)
    if as_json:
        print_json(result)
    else:
        typer.echo(f"codebook written to {result['output']}")


def export_data(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="sav, dta, csv or parquet.")] = "dta",
    project: Annotated[Path | None, typer.Option("--project", help="Survey project.")] = None,
    questionnaire: Annotated[
        str | None,
        typer.Option("--questionnaire", help="Questionnaire (with --data instead of --project)."),
    ] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Typed data file.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the labels.")] = None,
    include_identifying: Annotated[
        bool,
        typer.Option("--include-identifying", help="Keep variables marked identifying."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Write labelled analysis files (SPSS, Stata, CSV, Parquet); repeats as linked files."""
    from prisonsurvey.statfiles.export import FORMATS
    from prisonsurvey.statfiles.run import export_file_data, export_project_data

    if fmt not in FORMATS:
        typer.echo(f"--format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    kind = cast(Literal["sav", "dta", "csv", "parquet"], fmt)
    with exit_on_bad_input(as_json):
        if project is not None:
            result = export_project_data(project, output, kind, lang, include_identifying)
        elif questionnaire is not None and data is not None:
            result = export_file_data(questionnaire, data, output, kind, lang, include_identifying)
        else:
            typer.echo("give --project DIR, or --questionnaire PATH with --data FILE", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
    if as_json:
        print_json(result.to_dict())
        return
    for path, rows in zip(result.files, result.rows, strict=True):
        typer.echo(f"wrote {path} ({rows} rows)")
    if result.left_out:
        typer.echo(
            f"left out {len(result.left_out)} identifying variable(s): "
            f"{', '.join(result.left_out)} (use --include-identifying to keep them)"
        )
    elif include_identifying:
        typer.echo("identifying variables are included: handle this file as confidential")
    for note in result.notes:
        typer.echo(f"note: {note}")
    if result.truncated:
        shown = ", ".join(result.truncated[:5]) + (", ..." if len(result.truncated) > 5 else "")
        typer.echo(
            f"{len(result.truncated)} variable label(s) cut to the format's limit ({shown}); "
            "the full question texts are in the codebook"
        )


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("codebook")(codebook)
    export_app.command("data")(export_data)
