"""A release package carrying its own replicate weights, used as a round of a programme.

The package is written by ``prisonsurvey release`` (the library call) from the demo's survey
project, whose JKn replicate weights are declared in ``survey.yaml`` with an fpc (facilities in
the stratum, so the JKn multipliers are ``(n_h - 1)/n_h * (1 - f_h)``) and ``mse: true`` (the
centring of the regional design). The round's figures must have the project's own replicate
standard errors: those of ``prisonsurvey tabulate --project`` on the project, and those of the
same project used as the round itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.region.run import Region, build_region
from prisonsurvey.release.run import release_project

RUNNER = CliRunner()
IDS = ("no_own_bed", "food_insufficient")
"""Indicators reading no key variable of the release (the protection leaves them unchanged)."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's project (150 interviews) with an fpc and mse declared for its replicates."""
    root = tmp_path_factory.mktemp("release-round")
    demo = root / "demo"
    result = RUNNER.invoke(app, ["demo", "--out", str(demo), "-n", "150"])
    assert result.exit_code == 0, result.output
    for name in ("project", "analysis"):
        shutil.copytree(demo / name, root / name)
    survey = root / "project" / "survey.yaml"
    text = survey.read_text("utf-8")
    assert "    psu: facility\n" in text and "    reptype: jkn\n" in text
    text = text.replace("    psu: facility\n", "    psu: facility\n    fpc: n_fac_stratum\n")
    survey.write_text(text.replace("    reptype: jkn\n", "    reptype: jkn\n    mse: true\n"))
    return root / "project"


@pytest.fixture(scope="module")
def package(project: Path) -> tuple[dict[str, Any], Path]:
    out = project.parent / "package"
    return release_project(project, out), out


def _programme(folder: Path, source: Path, project: Path, extra: str = "") -> Region:
    folder.mkdir(parents=True, exist_ok=True)
    rounds = {
        "country": "ARC",
        "name": {"en": "Arcadia"},
        "year": 2026,
        "source": str(source),
        "adaptation": str(project / "adaptation.yaml"),
    }
    (folder / "region.yaml").write_text(
        "\n".join(
            [
                "programme: {id: release-round, title: {en: Release round}}",
                "core: {instrument: regional-inmate, version: 1.0.0}",
                "languages: [en]",
                f"indicators: [{', '.join(IDS)}]",
                extra,
                "rounds:",
                f"  - {json.dumps(rounds)}",
                "",
            ]
        ),
        "utf-8",
    )
    return build_region(folder)


def _country(region: Region) -> pd.DataFrame:
    t = region.table
    rows = t.loc[(t["area"] == "ARC") & t["sex"].isna() & t["legal_status"].isna()]
    return rows.set_index("indicator")[["estimate", "se"]]


def test_package_states_the_replicate_multipliers_of_the_design(
    project: Path, package: tuple[dict[str, Any], Path]
) -> None:
    body, _ = package
    reps = body["design"]["replicates"]
    header = pd.read_csv(project.parent / "analysis" / "weighted.csv", nrows=0)
    assert reps["columns"] == [c for c in header.columns if c.startswith("repw_")]
    assert reps["type"] == "jkn" and reps["mse"] is True and reps["scale"] == 1.0
    # JKn with an fpc (R survey's rscales): (n_h - 1)/n_h * (1 - n_h/N_h) for the replicate
    # deleting a PSU of stratum h, with n_h its facilities interviewed and N_h its facilities
    weights = pd.read_csv(project.parent / "analysis" / "weighted.csv", low_memory=False)
    rows = weights.loc[weights["final_weight"] > 0]
    strata = rows.groupby("region").agg(n=("facility", "nunique"), N=("n_fac_stratum", "first"))
    expected = [
        (h.n - 1) / h.n * (1 - h.n / h.N)
        for h in strata.itertuples()
        if h.n > 1
        for _ in range(h.n)
    ]
    assert sorted(reps["rscales"]) == pytest.approx(sorted(expected), rel=1e-12)
    assert len(reps["rscales"]) == len(reps["columns"])


def test_release_round_has_the_projects_replicate_variance(
    project: Path, package: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    body, out = package
    released = _programme(tmp_path / "released", out, project)
    assert released.rounds[0].kind == "release"
    n_reps = len(body["design"]["replicates"]["columns"])
    assert released.variance == f"replicate (ARC JKn {n_reps})"
    got = _country(released)
    # the project's own figures: prisonsurvey tabulate --project, its replicate design
    tab = RUNNER.invoke(
        app, ["tabulate", "--project", str(project), "--indicators", ",".join(IDS), "--json"]
    )
    assert tab.exit_code == 0, tab.output
    own = {r["variable"]: r for r in json.loads(tab.stdout)}
    for ind in IDS:
        assert got.loc[ind, "estimate"] == pytest.approx(own[ind]["estimate"], rel=1e-12)
        assert got.loc[ind, "se"] == pytest.approx(own[ind]["se"], rel=1e-10)
    # the same project as the round gives the same figures
    direct = _programme(tmp_path / "project", project, project)
    assert direct.rounds[0].kind == "project" and direct.variance == released.variance
    pd.testing.assert_frame_equal(_country(direct), got, rtol=1e-10)
    # the package states the fieldwork period its released records no longer date
    assert body["fieldwork"]["start"] <= body["fieldwork"]["end"]
    period = ("fieldwork_start", "fieldwork_end")
    assert [released.methodology()[0][k] for k in period] == list(body["fieldwork"].values())
    assert [direct.methodology()[0][k] for k in period] == list(body["fieldwork"].values())
    # and the replicate variance is the one used: the linearised one differs
    linear = _programme(tmp_path / "linear", out, project, "variance: linearised")
    assert linear.variance == "linearised"
    assert (abs(_country(linear)["se"] - got["se"]) > 1e-3 * got["se"]).all()
