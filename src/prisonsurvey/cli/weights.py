"""CLI commands: sample selection (``sample facilities``, ``sample persons``) and ``weight``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from prisonsurvey.cli._output import (
    EXIT_BAD_INPUT,
    exit_on_bad_input,
    print_json,
)
from prisonsurvey.cli._progress import progress_bar

_REPLICATES = ("jkn", "jk1", "boot", "boot-cd", "brr", "fay", "none")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _summary(result: dict[str, Any]) -> str:
    d = result["diagnostics"]["final"]
    margins = result["diagnostics"]["margins"]
    worst = max((m["rel_error"] for m in margins), default=0.0)
    return (
        f"wrote {result['output']}: {result['rows']} rows, {d['n']} with positive weight, "
        f"total {d['total']:.6g}, CV {d['cv']:.3f}, Kish deff {d['kish_deff']:.3f}, "
        f"n_eff {d['n_eff']:.1f}, largest margin error {worst:.2e}, "
        f"{result['replicates']} replicates"
    )


def sample_facilities(
    frame: Annotated[Path, typer.Argument(help="Facility frame (CSV or Parquet).")],
    spec: Annotated[Path, typer.Option("--spec", help="Specification YAML (sampling section).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Frame with the selection.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 20240601,
    as_json: JsonFlag = False,
) -> None:
    """Draw stage 1: stratified systematic PPS of facilities, with certainty units."""
    from prisonsurvey.weighting.jobs import sample_facilities_file

    with exit_on_bad_input(as_json):
        result = sample_facilities_file(frame, spec, output, seed)
    if as_json:
        print_json(result)
    else:
        typer.echo(f"wrote {result['output']}: {result['selected']} facilities selected")


def sample_persons(
    facility: Annotated[str, typer.Option("--facility", help="Facility identifier.")],
    roster_count: Annotated[int, typer.Option("--roster-count", help="Persons on the roster.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the round.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Selection sheet CSV.")],
    take: Annotated[
        int | None, typer.Option("--take", help="Persons to interview (default: --spec).")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Printable HTML sheet.")] = None,
    reserve: Annotated[
        int | None, typer.Option("--reserve", help="Reserve lines (default: --spec, or 5).")
    ] = None,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Specification YAML (sampling.persons).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Write a stage-2 selection sheet: systematic lines from a random start, and reserves."""
    from prisonsurvey.weighting.jobs import sample_persons_file

    with exit_on_bad_input(as_json):
        result = sample_persons_file(
            facility, roster_count, take, seed, output, html, reserve, spec
        )
    if as_json:
        print_json(result)
    else:
        typer.echo(
            f"wrote {result['output']}: lines {result['selected']}, reserves {result['reserve']}"
        )


def weight(
    data: Annotated[
        Path | None, typer.Argument(help="Data file (CSV or Parquet), one row per unit.")
    ] = None,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Weighting specification YAML.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Weighted data file.")
    ] = None,
    controls: Annotated[
        Path | None, typer.Option("--controls", help="Control totals JSON.")
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option("--project", help="Survey project: its responses, frame and specification."),
    ] = None,
    design_data: Annotated[
        Path | None,
        typer.Option("--design-data", help="With --project: person design columns by _key."),
    ] = None,
    replicates: Annotated[
        str | None,
        typer.Option("--replicates", help=f"Replicate method: {', '.join(_REPLICATES)}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print diagnostics as JSON.")] = False,
) -> None:
    """Compute final and replicate weights as the specification says."""
    from prisonsurvey.weighting.jobs import weight_file
    from prisonsurvey.weighting.project import weight_project

    if replicates is not None and replicates not in _REPLICATES:
        typer.echo(f"--replicates must be one of {', '.join(_REPLICATES)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if project is None and (data is None or spec is None or output is None):
        typer.echo("give DATA --spec SPEC -o OUT, or --project DIR", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    with exit_on_bad_input(as_json):
        if project is not None:
            result = weight_project(project, controls, design_data, output, replicates)
        else:
            assert data is not None and spec is not None and output is not None
            with progress_bar("weight", as_json) as bar:
                result = weight_file(data, spec, controls, output, replicates, progress=bar)
    if as_json:
        print_json(result)
    else:
        typer.echo(_summary(result))


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    sample_app = typer.Typer(
        help="Draw samples: facilities (stage 1) and persons (stage 2).", no_args_is_help=True
    )
    sample_app.command("facilities")(sample_facilities)
    sample_app.command("persons")(sample_persons)
    app.add_typer(sample_app, name="sample")
    app.command("weight")(weight)
