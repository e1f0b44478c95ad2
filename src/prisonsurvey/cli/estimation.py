"""CLI commands: estimation (``tabulate``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prisonsurvey.cli._output import (
    exit_on_bad_input,
    print_issues,
    print_json,
)
from prisonsurvey.errors import InputError, Issue, Location

if TYPE_CHECKING:
    import pandas as pd

    from prisonsurvey.design.spec import DesignSpec
    from prisonsurvey.estimation.plain_table import PlainTable


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _parameters(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            number = None
        if not sep or not name.strip() or number is None:
            raise InputError(
                Issue(
                    "EST002",
                    f"--param '{item}' must be NAME=NUMBER, e.g. "
                    "--param national_population=4850000",
                    Location(),
                )
            )
        out[name.strip()] = number
    return out


def _census(
    data: Path | None,
    instrument: Path | None,
    by: str | None,
    params: list[str] | None,
    indicators: str | None,
    output: Path | None,
    fmt: str | None,
    lang: str,
    as_json: bool,
) -> None:
    from prisonsurvey.estimation.census_file import tabulate_census_file

    with exit_on_bad_input(as_json):
        if data is None or instrument is None:
            raise InputError(
                Issue(
                    "EST002",
                    "--census needs the census DATA file and --instrument FOLDER (its catalogue)",
                    Location(),
                )
            )
        result = tabulate_census_file(
            data,
            instrument,
            by=_split(by) if by is not None else None,
            parameters=_parameters(params),
            ids=_split(indicators),
            output=output,
            fmt=fmt,
            lang=lang,
        )
    if as_json:
        print_json(result.to_dict())
        return
    print_issues(result.issues)
    if result.output is not None:
        typer.echo(f"wrote {result.output}: {len(result.table)} figures")
        return
    shown = result.table.drop(columns=["unit"])
    typer.echo(shown.to_string(index=False, max_rows=1000, float_format=lambda v: f"{v:.4g}"))


def _plain_spec(
    weight: str,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: str,
    repweights: str | None,
    reptype: str | None,
    fay_rho: float,
    mse: bool,
) -> DesignSpec:
    """The design the flags declare; ``--psu A,B --fpc F1,F2`` is a two-stage design."""
    from prisonsurvey.design.spec import DesignSpec

    psus, fpcs = _split(psu), _split(fpc)
    if len(psus) > 2 or len(fpcs) > 2 or (len(fpcs) == 2 and len(psus) != 2):
        raise InputError(
            Issue(
                "EST002",
                "two stages at most: --psu PSU,SSU with --fpc FPC1,FPC2 (one fpc per stage)",
                Location(),
            )
        )
    return DesignSpec(
        weight=weight,
        strata=strata,
        psu=psus[0] if psus else None,
        fpc=fpcs[0] if fpcs else None,
        ssu=psus[1] if len(psus) == 2 else None,
        ssu_fpc=fpcs[1] if len(fpcs) == 2 else None,
        lonely_psu=lonely_psu,
        repweights=repweights,
        reptype=reptype,
        fay_rho=fay_rho,
        mse=mse,
    )


def _show(table: pd.DataFrame | PlainTable, by: tuple[str, ...]) -> None:
    from prisonsurvey.estimation.plain_table import PlainTable

    if isinstance(table, PlainTable):
        text = table.text(by)
        if text is not None:
            typer.echo(text)
            return
        table = table.to_frame()
    keep = [*by, "variable", "level", "estimate", "se", "ci_lower", "ci_upper", "n"]
    keep += ["status", "note"]
    shown = table[[c for c in keep if c in table]]
    if "level" in shown and shown["level"].isna().all():
        shown = shown.drop(columns=["level"])
    typer.echo(shown.to_string(index=False, max_rows=500, float_format=lambda v: f"{v:.4g}"))


def tabulate(
    data: Annotated[
        Path | None,
        typer.Argument(help="Microdata file (.csv, .parquet, .dta, .sav)."),
    ] = None,
    design: Annotated[
        Path | None, typer.Option("--design", help="Design file (YAML) declaring the columns.")
    ] = None,
    project: Annotated[
        Path | None, typer.Option("--project", help="Survey project folder.")
    ] = None,
    weight: Annotated[str | None, typer.Option("--weight", help="Weight column.")] = None,
    strata: Annotated[str | None, typer.Option("--strata", help="Stratum column.")] = None,
    psu: Annotated[
        str | None,
        typer.Option("--psu", help="PSU column; PSU,SSU for a two-stage design."),
    ] = None,
    fpc: Annotated[
        str | None,
        typer.Option("--fpc", help="First-stage fpc column; FPC1,FPC2 for two stages."),
    ] = None,
    repweights: Annotated[
        str | None, typer.Option("--repweights", help="Glob of replicate weight columns.")
    ] = None,
    reptype: Annotated[
        str | None, typer.Option("--reptype", help="jk1, jkn, boot, brr or fay.")
    ] = None,
    fay_rho: Annotated[float, typer.Option("--fay-rho", help="Fay's rho.")] = 0.0,
    rep_scale: Annotated[
        float | None,
        typer.Option("--rep-scale", help="Variance multiplier of the replicates (R scale=)."),
    ] = None,
    rep_rscales: Annotated[
        str | None,
        typer.Option(
            "--rep-rscales",
            help="Per-replicate multipliers (R rscales=): a file, or numbers a,b,...",
        ),
    ] = None,
    mse: Annotated[
        bool,
        typer.Option("--mse", help="Centre replicates on the full-sample estimate (R mse=)."),
    ] = False,
    lonely_psu: Annotated[
        str, typer.Option("--lonely-psu", help="fail, remove, certainty, adjust or average.")
    ] = "fail",
    variables: Annotated[
        str | None, typer.Option("--vars", help="Comma-separated variables.")
    ] = None,
    instrument: Annotated[
        Path | None,
        typer.Option("--instrument", help="Instrument folder whose indicators.yaml to estimate."),
    ] = None,
    indicators: Annotated[
        str | None, typer.Option("--indicators", help="Comma-separated indicator ids.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Comma-separated domain columns.")] = None,
    stat: Annotated[
        str, typer.Option("--stat", help="mean, total, prop, ratio or quantile.")
    ] = "mean",
    denominator: Annotated[
        str | None, typer.Option("--denominator", help="Denominator column of a ratio.")
    ] = None,
    quantile: Annotated[
        str, typer.Option("--quantiles", help="Comma-separated probabilities.")
    ] = "0.5",
    ci: Annotated[str, typer.Option("--ci", help="wald, logit, beta, wilson or asin.")] = "logit",
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    df: Annotated[str, typer.Option("--df", help="design or domain degrees of freedom.")] = (
        "design"
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Tables file.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx, csv, html or md.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Header language: en or es.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print one record per estimate.")] = False,
    census: Annotated[
        bool,
        typer.Option(
            "--census",
            help="DATA is a census (one row per facility): exact catalogue indicators of "
            "--instrument, nationally and by breakdown, with data-quality notes and warnings.",
        ),
    ] = False,
    params: Annotated[
        list[str] | None,
        typer.Option("--param", help="Catalogue parameter NAME=VALUE (repeatable), --census."),
    ] = None,
) -> None:
    """Estimate means, totals, proportions, ratios or quantiles with design-based intervals.

    With --census, compute an instrument's indicator catalogue exactly on census data instead.
    """
    if census:
        _census(data, instrument, by, params, indicators, output, fmt, lang, as_json)
        return
    from prisonsurvey.design.rscales import read_rscales
    from prisonsurvey.estimation.plain_tabulate import tabulate_data_file
    from prisonsurvey.estimation.tabulate import TabulateRequest

    with exit_on_bad_input(as_json):
        if project is not None:
            from prisonsurvey.estimation.project_tables import tabulate_project

            tables = tabulate_project(
                project,
                _split(by) if by else None,
                _split(indicators),
                output,
                fmt,
                lang,
            )
            print_issues(tables.warnings)
            if as_json:
                print_json(tables.tabulation.to_records())
            elif tables.tabulation.output is not None:
                typer.echo(
                    f"wrote {tables.tabulation.output}: {len(tables.tabulation.table)} estimates"
                )
            else:
                _show(tables.tabulation.table, _split(by))
            return
        if data is None:
            raise InputError(Issue("EST002", "give a DATA file (or --project)", Location()))
        if design is not None:
            from prisonsurvey.design.spec_file import load_design_spec

            spec = load_design_spec(design)
        elif weight is not None:
            spec = _plain_spec(
                weight, strata, psu, fpc, lonely_psu, repweights, reptype, fay_rho, mse
            )
            spec = replace(
                spec,
                rep_scale=rep_scale,
                rep_rscales=None if rep_rscales is None else read_rscales(rep_rscales),
            )
        else:
            raise InputError(
                Issue("EST002", "declare the design: --weight COL or --design FILE", Location())
            )
        try:
            probs = tuple(float(p) for p in _split(quantile))
        except ValueError:
            raise InputError(
                Issue("EST002", "--quantiles must be numbers such as 0.25,0.5", Location())
            ) from None
        request = TabulateRequest(
            variables=_split(variables),
            by=_split(by),
            stat=stat,
            ci=ci,
            level=level,
            df=df,
            denominator=denominator,
            probs=probs,
        )
        if instrument is None and indicators:
            raise InputError(
                Issue(
                    "EST002", "--indicators needs --instrument FOLDER (its catalogue)", Location()
                )
            )
        result = tabulate_data_file(
            data,
            spec,
            request,
            output,
            fmt,
            lang,
            instrument=instrument,
            indicator_ids=_split(indicators),
        )
    if as_json:
        print_json(result.to_records())
        return
    if result.output is not None:
        typer.echo(f"wrote {result.output}: {len(result.table)} estimates")
        return
    _show(result.table, request.by)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this area's commands to the application."""
    del export_app
    app.command("tabulate")(tabulate)
