"""``prisonsurvey tabulate`` on a microdata file, checked against R ``survey`` numbers.

Reference: tests/reference/r_reference_5k.json, records cited by id in each test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app

from . import _reference as ref

RUNNER = CliRunner()
RECORDS = {r["id"]: r for r in ref.records()}
DESIGN = ["--strata", "stratum", "--psu", "facility_id", "--weight", "base_weight"]


@pytest.fixture(scope="module")
def microdata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Respondents with R's JKn replicate weights as columns jk_001..jk_137."""
    df = ref.data().copy()
    fx = ref.replicate_factors().set_index("facility_id")
    jk = fx[[c for c in fx.columns if c.startswith("jkn_")]].loc[df["facility_id"]].to_numpy()
    reps = pd.DataFrame(
        df["base_weight"].to_numpy()[:, None] * jk,
        columns=[f"jk_{r + 1:03d}" for r in range(jk.shape[1])],
    )
    df = pd.concat([df, reps], axis=1)
    path = tmp_path_factory.mktemp("tab") / "survey.parquet"
    df.to_parquet(path, index=False)
    return path


def _run(args: list[str]) -> Any:
    result = RUNNER.invoke(app, ["tabulate", *args])
    return result


def test_json_records_match_r_by_domain(microdata: Path) -> None:
    res = _run(
        [
            str(microdata),
            *DESIGN,
            "--vars",
            "paid_bribe,age",
            "--by",
            "country",
            "--ci",
            "wald",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == 8
    for row in rows:
        for key in (
            "variable",
            "level",
            "country",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "df",
            "cv",
            "deff",
            "n",
        ):
            assert key in row
        rec = RECORDS[f"wr/linearization/mean/{row['variable']}/country/{row['country']}"]
        assert row["estimate"] == pytest.approx(rec["est"], rel=1e-9)
        assert row["se"] == pytest.approx(rec["se"], rel=1e-9)
        assert row["ci_lower"] == pytest.approx(rec["ci_t"][0], rel=1e-9)
        assert row["deff"] == pytest.approx(rec["deff"], rel=1e-9)
        assert row["df"] == rec["df_t"]


def test_proportions_of_every_category(microdata: Path) -> None:
    res = _run([str(microdata), *DESIGN, "--vars", "age_group", "--stat", "prop", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    for row in rows:
        rec = RECORDS[f"wr/linearization/mean/age_group/{row['level']}"]
        assert row["estimate"] == pytest.approx(rec["est"], rel=1e-9)
        assert row["se"] == pytest.approx(rec["se"], rel=1e-9)
    assert sum(r["estimate"] for r in rows) == pytest.approx(1.0)


def test_replicate_weight_columns_match_r_jkn(microdata: Path) -> None:
    res = _run(
        [
            str(microdata),
            *DESIGN,
            "--repweights",
            "jk_*",
            "--reptype",
            "jkn",
            "--vars",
            "paid_bribe",
            "--by",
            "country",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    for row in json.loads(res.output):
        rec = RECORDS[f"jkn/JKn/mean/paid_bribe/country/{row['country']}"]
        assert row["se"] == pytest.approx(rec["se"], rel=1e-9)


def test_design_file_and_total(microdata: Path, tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    design.write_text(
        "weight: base_weight\nstrata: stratum\npsu: facility_id\nfpc: n_fac_stratum\n"
    )
    res = _run(
        [str(microdata), "--design", str(design), "--vars", "age", "--stat", "total", "--json"]
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.output)[0]
    rec = RECORDS["fpc/linearization/total/age/"]
    assert row["estimate"] == pytest.approx(rec["est"], rel=1e-9)
    assert row["se"] == pytest.approx(rec["se"], rel=1e-9)


def test_design_file_unknown_key_is_located(microdata: Path, tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    design.write_text("weight: base_weight\nstrat: stratum\n")
    res = _run([str(microdata), "--design", str(design), "--vars", "age", "--json"])
    assert res.exit_code == 2
    issue = json.loads(res.output)["issues"][0]
    assert issue["code"] == "DES005"
    assert issue["location"]["line"] == 2


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--weight", "nope", "--vars", "age"], "DES001"),
        (["--weight", "base_weight", "--vars", "nope"], "EST001"),
        (["--weight", "base_weight", "--vars", "age", "--ci", "magic"], "EST002"),
        (
            ["--weight", "base_weight", "--repweights", "zz*", "--reptype", "jkn", "--vars", "age"],
            "DES004",
        ),
    ],
)
def test_bad_input_exits_2_with_a_code(microdata: Path, extra: list[str], code: str) -> None:
    res = _run([str(microdata), *extra, "--json"])
    assert res.exit_code == 2
    assert code in [i["code"] for i in json.loads(res.output)["issues"]]


def test_missing_weight_value_is_located_by_row(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("w,y\n1,0\n,1\n2,1\n")
    res = _run([str(path), "--weight", "w", "--vars", "y", "--json"])
    assert res.exit_code == 2
    issue = json.loads(res.output)["issues"][0]
    assert issue["code"] == "DES002"
    assert issue["location"]["row"] == 3
    assert issue["location"]["column"] == "w"


def test_lonely_psu_fail_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("s,p,w,y\na,1,1,0\na,2,1,1\nb,3,1,1\n")
    res = _run([str(path), "--strata", "s", "--psu", "p", "--weight", "w", "--vars", "y", "--json"])
    assert res.exit_code == 2
    assert json.loads(res.output)["issues"][0]["code"] == "EST004"
    ok = _run(
        [
            str(path),
            "--strata",
            "s",
            "--psu",
            "p",
            "--weight",
            "w",
            "--vars",
            "y",
            "--lonely-psu",
            "certainty",
            "--json",
        ]
    )
    assert ok.exit_code == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html", "md"])
def test_writes_every_format(microdata: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"tables.{fmt}"
    res = _run(
        [
            str(microdata),
            *DESIGN,
            "--vars",
            "paid_bribe,age_group",
            "--stat",
            "prop",
            "--by",
            "sex,legal_status",
            "-o",
            str(out),
            "--lang",
            "es",
        ]
    )
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 0


def test_quantiles(microdata: Path) -> None:
    res = _run(
        [
            str(microdata),
            *DESIGN,
            "--vars",
            "age",
            "--stat",
            "quantile",
            "--quantiles",
            "0.5",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.output)[0]
    # tests/estimation/reference/r_extra_5k.json record wr/quantile/age/0.5
    assert row["estimate"] == 31
    assert np.isclose(row["se"], 0.252555385379544, rtol=1e-6)
