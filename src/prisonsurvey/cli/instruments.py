"""CLI commands: field instruments (``export xlsform``, ``preview``, ``import-xlsform``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prisonsurvey.cli._output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_on_bad_input,
    fail_on_input_error,
    print_issues,
    print_json,
)
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.preview import render_preview
from prisonsurvey.xlsform import export_xlsform, import_xlsform

_JSON = typer.Option("--json", help="Print the result as JSON.")
_FOLDER = typer.Argument(help="Questionnaire folder (holding questionnaire.yaml).")


def _public_key(value: str | None) -> str | None:
    """Accept the key itself or a file holding it (PEM or bare base64)."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return value


def export_xlsform_command(
    path: Annotated[Path, _FOLDER],
    output: Annotated[Path, typer.Option("-o", "--output", help="XLSForm file to write.")],
    form_id: Annotated[
        str | None, typer.Option("--form-id", help="XLSForm form_id (default: the id).")
    ] = None,
    facilities: Annotated[
        Path | None,
        typer.Option(
            "--facilities", help="Frame CSV (code,name[,filters...]) for the facility list."
        ),
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option("--public-key", help="RSA public key (base64 or a PEM file): encrypt."),
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Write the questionnaire as an XLSForm for ODK Collect, Central and KoBoToolbox."""
    with exit_on_bad_input(as_json):
        written = export_xlsform(
            path,
            output,
            form_id=form_id,
            facilities=facilities,
            public_key=_public_key(public_key),
        )
    if as_json:
        print_json(str(written))
    else:
        typer.echo(f"wrote {written}")


def preview_command(
    path: Annotated[Path, _FOLDER],
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language (default: the default language).")
    ] = None,
) -> None:
    """Write the paper questionnaire as one printable, self-contained HTML file."""
    with exit_on_bad_input():
        html = render_preview(path, lang)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as err:
        issue = Issue("PRV002", f"cannot write the preview: {err}", Location(str(output)))
        raise fail_on_input_error(InputError(issue)) from None
    typer.echo(f"wrote {output}")


def import_xlsform_command(
    form: Annotated[Path, typer.Argument(help="XLSForm workbook (.xlsx).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Questionnaire folder to write.")],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Turn an XLSForm into a questionnaire folder, reporting what cannot be represented.

    Exit 0 when everything was carried over, 1 when something was dropped or changed (see the
    issues), 2 when the workbook cannot be read.
    """
    with exit_on_bad_input(as_json):
        result = import_xlsform(form, output)
    if as_json:
        print_json(result.to_dict())
    else:
        print_issues(result.issues)
        typer.echo(
            f"wrote {result.out_dir}: {len(result.questionnaire.modules)} modules, "
            f"{len(result.questionnaire.questions())} questions, "
            f"{len(result.issues)} issue(s)"
        )
    raise typer.Exit(EXIT_OK if result.lossless else EXIT_FAILED)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    export_app.command("xlsform")(export_xlsform_command)
    app.command("preview")(preview_command)
    app.command("import-xlsform")(import_xlsform_command)
