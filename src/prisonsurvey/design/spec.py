"""Declare a design from the columns of any microdata table (like Stata's ``svyset``).

Problems are reported as located issues (the data file, the row as the file shows it and the
column), never as tracebacks.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from prisonsurvey.design.replicate_factors import replicates_from_weights
from prisonsurvey.design.replicates import ReplicateMethod
from prisonsurvey.design.survey_design import LonelyPsu, SurveyDesign, build_design
from prisonsurvey.errors import InputError, Issue, Location

if TYPE_CHECKING:
    import pandas as pd

MISSING_COLUMN = "DES001"
BAD_WEIGHT = "DES002"
BAD_FPC = "DES003"
NO_REPLICATES = "DES004"
BAD_OPTION = "DES005"
MISSING_DESIGN_VALUE = "DES006"

REPTYPES = {
    "jk1": ReplicateMethod.JK1,
    "jkn": ReplicateMethod.JKN,
    "boot": ReplicateMethod.BOOTSTRAP,
    "bootstrap": ReplicateMethod.BOOTSTRAP,
    "brr": ReplicateMethod.BRR,
    "fay": ReplicateMethod.FAY,
}


@dataclass(frozen=True)
class DesignSpec:
    """Names of the design columns of a microdata table.

    Attributes:
        weight: Weight column.
        strata: Stratum column.
        psu: Primary sampling unit column.
        fpc: First-stage fpc column (PSU population count or sampling fraction).
        ssu_fpc: Second-stage fpc column (unit population of the PSU or fraction).
        ssu: Second-stage unit column of a two-stage design (R ``ids=~psu+ssu``); each row
            must be its own second-stage unit.
        lonely_psu: Lonely-PSU policy.
        repweights: Glob pattern of replicate weight columns (e.g. ``repw_*``).
        reptype: Replicate method: ``jk1``, ``jkn``, ``boot``, ``brr`` or ``fay``.
        fay_rho: Fay's perturbation factor.
        mse: Centre replicate deviations on the full-sample estimate.
        rep_scale: Overall variance multiplier of the replicates (R ``svrepdesign(scale=)``)
            instead of the method's.
        rep_rscales: Per-replicate variance multipliers (R ``rscales=``), one per replicate
            column in the data's column order, instead of the method's.
    """

    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    ssu_fpc: str | None = None
    lonely_psu: str = "fail"
    repweights: str | None = None
    reptype: str | None = None
    fay_rho: float = 0.0
    mse: bool = False
    ssu: str | None = None
    rep_scale: float | None = None
    rep_rscales: tuple[float, ...] | None = None


def replicate_columns(spec: DesignSpec, columns: Sequence[object]) -> list[str]:
    """The replicate weight columns of ``columns`` that ``spec.repweights`` matches, in order."""
    if not spec.repweights:
        return []
    return [c for c in map(str, columns) if fnmatch.fnmatchcase(c, spec.repweights)]


def design_columns(spec: DesignSpec, columns: Sequence[object]) -> list[str]:
    """Every column of ``columns`` the design reads: weight, stages, fpc and replicates.

    Args:
        spec: The design.
        columns: The data's column names (the replicate pattern is matched against them).
    """
    named = (spec.weight, spec.strata, spec.psu, spec.ssu, spec.fpc, spec.ssu_fpc)
    return [c for c in named if c is not None] + replicate_columns(spec, columns)


def design_from_frame(data: pd.DataFrame, spec: DesignSpec, source: str = "") -> SurveyDesign:
    """Build the design a :class:`DesignSpec` declares on ``data``.

    Args:
        data: The microdata.
        spec: Design column names and options.
        source: File name used in issue locations.

    Raises:
        InputError: Missing columns, missing or non-positive weights, missing design values,
            inconsistent fpc, a replicate pattern matching no column, or a bad option.
    """
    import pandas as pd

    issues: list[Issue] = []
    for name in (spec.weight, spec.strata, spec.psu, spec.fpc, spec.ssu_fpc, spec.ssu):
        if name is not None and name not in data.columns:
            issues.append(
                Issue(
                    MISSING_COLUMN,
                    f"column '{name}' is not in the data; columns are: "
                    + ", ".join(map(str, data.columns[:30])),
                    Location(source, column=name),
                )
            )
    if spec.lonely_psu not in {p.value for p in LonelyPsu}:
        issues.append(
            Issue(
                BAD_OPTION,
                f"lonely-PSU policy '{spec.lonely_psu}' is unknown; use one of "
                + ", ".join(p.value for p in LonelyPsu),
                Location(source),
            )
        )
    rep_cols = replicate_columns(spec, list(data.columns))
    if spec.repweights:
        if not rep_cols:
            issues.append(
                Issue(
                    NO_REPLICATES,
                    f"no column matches the replicate weight pattern '{spec.repweights}'",
                    Location(source),
                )
            )
        if (spec.reptype or "").lower() not in REPTYPES:
            issues.append(
                Issue(
                    BAD_OPTION,
                    f"replicate type '{spec.reptype}' is unknown; use one of "
                    + ", ".join(sorted(REPTYPES)),
                    Location(source),
                )
            )
    issues.extend(_stage_issues(spec, source))
    if issues:
        raise InputError(issues)
    weights = pd.to_numeric(data[spec.weight], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    issues.extend(_row_issues(bad, BAD_WEIGHT, spec.weight, source, "is not a weight >= 0"))
    for name in (spec.strata, spec.psu, spec.fpc, spec.ssu_fpc, spec.ssu):
        if name is not None:
            missing = np.flatnonzero(data[name].isna().to_numpy())
            issues.extend(_row_issues(missing, MISSING_DESIGN_VALUE, name, source, "is missing"))
    if issues:
        raise InputError(issues)
    if spec.ssu is not None and spec.psu is not None:
        keys = [c for c in (spec.strata, spec.psu, spec.ssu) if c is not None]
        repeated = np.flatnonzero(data.duplicated(subset=keys, keep="first").to_numpy())
        what = "repeats a second-stage unit of its PSU (each row must be its own unit)"
        issues.extend(_row_issues(repeated, BAD_OPTION, spec.ssu, source, what))
        if issues:
            raise InputError(issues)
    try:
        design = build_design(
            weights,
            # as Series: string columns are factorized in their Arrow storage
            strata=None if spec.strata is None else data[spec.strata],
            psu=None if spec.psu is None else data[spec.psu],
            fpc=None if spec.fpc is None else data[spec.fpc].to_numpy(),
            ssu_fpc=None if spec.ssu_fpc is None else data[spec.ssu_fpc].to_numpy(),
            lonely_psu=spec.lonely_psu,
        )
    except ValueError as err:
        raise InputError(
            Issue(BAD_FPC, f"{err}; check the design columns", Location(source, column=spec.fpc))
        ) from err
    if rep_cols:
        rw = data[rep_cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
        bad_rows = np.flatnonzero(~np.isfinite(rw).all(axis=1))
        if bad_rows.size:
            raise InputError(
                _row_issues(
                    bad_rows,
                    BAD_WEIGHT,
                    spec.repweights or "",
                    source,
                    "has a bad replicate weight",
                )
            )
        method = REPTYPES[(spec.reptype or "").lower()]
        try:
            rep = replicates_from_weights(
                design,
                rw,
                method,
                fay_rho=spec.fay_rho,
                mse=spec.mse,
                scale=spec.rep_scale,
                rscales=spec.rep_rscales,
            )
        except ValueError as err:
            raise InputError(
                Issue(BAD_OPTION, f"{err}; check --reptype and --rep-rscales", Location(source))
            ) from err
        design = design.with_replicates(rep)
    return design


def replicate_multipliers(data: pd.DataFrame, spec: DesignSpec, source: str = "") -> dict[str, Any]:
    """The variance multipliers of the replicate weights ``spec`` declares on ``data``.

    ``scale``, ``rscales`` (one per replicate column, in the data's column order) and ``mse``,
    as the estimation kernels use them, so that whoever reads the replicate weights without the
    rest of the design (its fpc, say) gets the same variances. Rows without a positive weight
    are left out, as they are of every estimate.

    Args:
        data: The microdata with the design's columns.
        spec: The design, naming the replicate weights.
        source: File name used in issue locations.

    Returns:
        The three keys, or an empty mapping when ``spec`` names no replicate weights.

    Raises:
        InputError: The design is invalid on ``data`` (as :func:`design_from_frame`).
    """
    import pandas as pd

    if not spec.repweights:
        return {}
    weights = pd.to_numeric(data[spec.weight], errors="coerce") if spec.weight in data else None
    rows = data if weights is None else data.loc[weights > 0]
    reps = design_from_frame(rows, spec, source).replicates
    if reps is None:
        return {}
    return {
        "scale": float(reps.scale),
        "rscales": [float(x) for x in reps.rscales],
        "mse": reps.mse,
    }


def _stage_issues(spec: DesignSpec, source: str) -> list[Issue]:
    """Inconsistent stages or replicate multipliers of ``spec``."""
    out: list[Issue] = []
    if spec.ssu is not None and (spec.psu is None or spec.ssu_fpc is None):
        out.append(
            Issue(
                BAD_OPTION,
                "a two-stage design needs both PSU columns and both fpc columns "
                "(--psu PSU,SSU --fpc FPC1,FPC2)",
                Location(source, column=spec.ssu),
            )
        )
    if spec.ssu_fpc is not None and spec.fpc is None:
        out.append(
            Issue(
                BAD_OPTION,
                "a second-stage fpc needs the first-stage fpc too (--fpc FPC1,FPC2)",
                Location(source, column=spec.ssu_fpc),
            )
        )
    if spec.rep_scale is not None and not (np.isfinite(spec.rep_scale) and spec.rep_scale > 0):
        out.append(Issue(BAD_OPTION, "--rep-scale must be a positive number", Location(source)))
    rscales = np.asarray(spec.rep_rscales or (), dtype=np.float64)
    if not np.all(np.isfinite(rscales) & (rscales >= 0)):
        out.append(Issue(BAD_OPTION, "--rep-rscales must be numbers >= 0", Location(source)))
    if (spec.rep_scale is not None or spec.rep_rscales is not None) and not spec.repweights:
        out.append(
            Issue(
                BAD_OPTION,
                "--rep-scale and --rep-rscales need replicate weights (--repweights PATTERN)",
                Location(source),
            )
        )
    return out


def _row_issues(
    rows: np.ndarray, code: str, column: str, source: str, what: str, limit: int = 10
) -> list[Issue]:
    out = [
        Issue(
            code,
            f"value of '{column}' {what}; fix or drop the row",
            Location(source, row=int(r) + 2, column=column),
        )
        for r in rows[:limit]
    ]
    if rows.size > limit:
        out.append(
            Issue(
                code, f"{rows.size - limit} more rows like these", Location(source, column=column)
            )
        )
    return out
