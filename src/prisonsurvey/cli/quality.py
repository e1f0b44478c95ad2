"""CLI commands: quality (``check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import prisonsurvey.quality.config  # noqa: F401  (registers the ``quality:`` section)
from prisonsurvey.cli._output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_on_bad_input,
    print_json,
)
from prisonsurvey.cli._progress import progress_bar

FAIL_ON = ("error", "warning", "info", "never")


def check(
    project_dir: Annotated[Path, typer.Option("--project", help="Survey project folder.")] = Path(
        "."
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the HTML report here, and the findings beside it as .csv and .json.",
        ),
    ] = None,
    fail_on: Annotated[
        str, typer.Option(help="Exit 1 when findings this severe exist: error|warning|info|never.")
    ] = "error",
    audit: Annotated[
        list[Path] | None,
        typer.Option(help="Form audit logs (Central export zip or audit CSV); repeatable."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Run the quality checks on the project's data and report the findings.

    Exit 0 when no finding reaches --fail-on, 1 when some do, 2 on bad input.
    """
    from prisonsurvey.project import Project
    from prisonsurvey.quality import (
        read_audit,
        run_checks,
        write_findings_csv,
        write_findings_json,
        write_report_html,
    )

    if fail_on not in FAIL_ON:
        typer.echo(f"--fail-on: '{fail_on}' is not one of {', '.join(FAIL_ON)}", err=True)
        raise typer.Exit(2)
    with exit_on_bad_input(as_json):
        events = read_audit(audit) if audit else None
        with progress_bar("check", as_json) as bar:
            report = run_checks(Project.open(project_dir), audit=events, progress=bar)
    written: list[Path] = []
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            written.append(write_report_html(report, output))
            written.append(write_findings_csv(report, output.with_suffix(".csv")))
            written.append(write_findings_json(report, output.with_suffix(".json")))
        except OSError as exc:
            typer.echo(
                f"{output}: cannot write the report ({exc.strerror}); choose another -o", err=True
            )
            raise typer.Exit(2) from None
    if as_json:
        print_json(report.to_dict())
    else:
        s = report.summary
        typer.echo(
            f"{s['submissions']} submissions ({s['completed']} completed, {s['refused']} refused): "
            f"{s['by_severity']['error']} errors, {s['by_severity']['warning']} warnings, "
            f"{s['by_severity']['info']} notes"
        )
        for c in s["checks"]:
            if c["findings"]:
                typer.echo(
                    f"  {c['check']:<26} {c['severity']:<8} {c['findings']:>6}  {c['title']}"
                )
        for note in s["notes"]:
            typer.echo(f"  not checked: {note}")
        for path in written:
            typer.echo(f"wrote {path}")
    failed = fail_on != "never" and report.count_at_least(fail_on) > 0
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    app.command("check")(check)
