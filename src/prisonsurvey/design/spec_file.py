"""Read a design file (``design.yaml``) into a :class:`DesignSpec`.

Format (every key but ``weight`` optional)::

    weight: base_weight
    strata: stratum
    psu: facility_id
    ssu: inmate_id              # second-stage unit of a two-stage design (one row each)
    fpc: n_fac_stratum          # PSUs in the stratum, or the sampling fraction
    ssu_fpc: fac_pop            # units in the PSU, or the fraction
    lonely_psu: fail            # fail | remove | certainty | adjust | average
    replicates:
      pattern: "repw_*"
      type: jkn                 # jk1 | jkn | boot | brr | fay
      fay_rho: 0.3
      mse: false
      scale: 0.9148             # variance multiplier (R svrepdesign scale=)
      rscales: rscales.csv      # per-replicate multipliers: a list, or a file next to this one
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prisonsurvey.design.rscales import read_rscales
from prisonsurvey.design.spec import BAD_OPTION, DesignSpec
from prisonsurvey.errors import InputError, Issue
from prisonsurvey.questionnaire.yaml_source import YamlDocument, read_yaml

TOP_KEYS = {"weight", "strata", "psu", "ssu", "fpc", "ssu_fpc", "lonely_psu", "replicates"}
REP_KEYS = {"pattern", "type", "fay_rho", "mse", "scale", "rscales"}


def load_design_spec(path: Path) -> DesignSpec:
    """Read and check a design file.

    Raises:
        InputError: Unreadable YAML, unknown keys, a missing ``weight`` or wrong value types,
            each located at file:line:column.
    """
    doc = read_yaml(path)
    if not doc.ok:
        raise InputError(doc.issues)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(_issue(doc, (), "the design file must be a mapping of keys to values"))
    issues: list[Issue] = []
    for key in data:
        if key not in TOP_KEYS:
            issues.append(
                _issue(
                    doc, (key,), f"unknown key '{key}'; use: {', '.join(sorted(TOP_KEYS))}", True
                )
            )
    if "weight" not in data:
        issues.append(_issue(doc, (), "the design needs 'weight: <column>'"))
    for key in ("weight", "strata", "psu", "ssu", "fpc", "ssu_fpc", "lonely_psu"):
        if key in data and not isinstance(data[key], str):
            issues.append(_issue(doc, (key,), f"'{key}' must be a column name (text)"))
    rep: Any = data.get("replicates", {}) or {}
    if not isinstance(rep, dict):
        issues.append(_issue(doc, ("replicates",), "'replicates' must be a mapping"))
        rep = {}
    for key in rep:
        if key not in REP_KEYS:
            issues.append(
                _issue(
                    doc,
                    ("replicates", key),
                    f"unknown key '{key}'; use: {', '.join(sorted(REP_KEYS))}",
                    True,
                )
            )
    if rep and not isinstance(rep.get("pattern"), str):
        issues.append(_issue(doc, ("replicates",), "'replicates' needs 'pattern: <glob>'"))
    for key in ("fay_rho", "scale"):
        if key in rep and not isinstance(rep[key], int | float):
            issues.append(_issue(doc, ("replicates", key), f"'{key}' must be a number"))
    rscales = rep.get("rscales")
    numbers = isinstance(rscales, list) and all(isinstance(v, int | float) for v in rscales)
    if rscales is not None and not (numbers or isinstance(rscales, str)):
        issues.append(
            _issue(doc, ("replicates", "rscales"), "'rscales' must be a list of numbers or a file")
        )
    if issues:
        raise InputError(issues)
    if isinstance(rscales, str):
        rscales = read_rscales(str(path.parent / rscales))
    return DesignSpec(
        weight=data["weight"],
        strata=data.get("strata"),
        psu=data.get("psu"),
        fpc=data.get("fpc"),
        ssu_fpc=data.get("ssu_fpc"),
        lonely_psu=data.get("lonely_psu", "fail"),
        repweights=rep.get("pattern"),
        reptype=rep.get("type"),
        fay_rho=float(rep.get("fay_rho", 0.0)),
        mse=bool(rep.get("mse", False)),
        ssu=data.get("ssu"),
        rep_scale=None if rep.get("scale") is None else float(rep["scale"]),
        rep_rscales=None if rscales is None else tuple(float(v) for v in rscales),
    )


def _issue(doc: YamlDocument, path: tuple[str, ...], message: str, key: bool = False) -> Issue:
    return Issue(BAD_OPTION, message, doc.locate(path, key=key))
