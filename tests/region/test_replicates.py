"""Replicate standard errors of the regional design: each country's replicate set kept whole,
checked against R survey and against each country's own replicate design."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.region.rounds import core

from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
from prisonsurvey.region.comparability import Cell
from prisonsurvey.region.estimate import regional_estimates
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.rounds import PSU, STRATUM, WEIGHT
from prisonsurvey.region.run import build_region
from prisonsurvey.weighting.replication import replicate_weights

DATA = Path(__file__).parent / "data"
IDS = ("no_own_bed", "food_insufficient", "mean_age", "children_under18_total")


def _maker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_replicates", DATA / "make_replicates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pooled_replicate_figures_equal_r_survey() -> None:
    """R 4.2.2, survey 4.1.1: tests/region/data/r_replicates.R (svrepdesign(type="other",
    scale=1, rscales=, mse=TRUE) on stacked_small.csv with the combined replicate weights that
    make_replicates.py writes: AAA JKn, LUS Rao-Wu bootstrap, BOR JK1, CIS JKn)."""
    stacked = pd.read_csv(DATA / "stacked_small.csv")
    rep = _maker().combined(stacked)
    committed = pd.read_csv(DATA / "replicate_factors.csv")
    assert committed.shape[1] - 1 == rep.n_replicates
    assert np.allclose(committed.drop(columns="psu").to_numpy(), rep.psu_factors, atol=1e-15)
    rscales = pd.read_csv(DATA / "rscales.csv")["rscales"].to_numpy()
    assert np.allclose(rscales, rep.scale * rep.rscales, rtol=1e-15)
    catalogue = load_indicators(find_instrument("regional-inmate@1.0.0") / INDICATORS_FILE, core())
    countries = sorted(set(stacked["country"]))
    cells = {(c, i): Cell(Comparability.COMPARABLE) for c in countries for i in IDS}
    table = regional_estimates(stacked, catalogue, IDS, cells, Rules(0, 9.0, 0, 9.0, 0, False), rep)
    ref = pd.read_csv(DATA / "r_replicates.csv")
    checked = 0
    for row in ref.itertuples():
        if row.indicator.endswith(":sum_of_countries"):
            continue
        sex = table["sex"].isna() if pd.isna(row.sex) else table["sex"] == row.sex
        got = table.loc[
            (table["indicator"] == row.indicator)
            & (table["area"] == row.area)
            & sex
            & table["legal_status"].isna()
        ]
        assert len(got) == 1, row
        scale = catalogue.get(row.indicator).scale
        assert got["estimate"].iloc[0] / scale == pytest.approx(row.estimate, abs=1e-6, rel=1e-9)
        assert got["se"].iloc[0] / scale == pytest.approx(row.se, abs=1e-6, rel=1e-9)
        checked += 1
    assert checked == 31
    # the pooled total's variance is the sum of the countries' own variances (R, twice)
    total = ref.set_index("indicator").loc["children_under18_total:sum_of_countries", "se"]
    pooled = table.loc[
        (table["indicator"] == "children_under18_total")
        & (table["area"] == "region")
        & table["sex"].isna()
        & table["legal_status"].isna(),
        "se",
    ].iloc[0]
    assert pooled == pytest.approx(total, abs=1e-6, rel=1e-9)


def test_each_country_keeps_its_own_replicate_variance(programme: Path, tmp_path: Path) -> None:
    text = (programme / "region.yaml").read_text("utf-8")
    for key in ("source", "adaptation", "census"):
        text = text.replace(f'"{key}": "', f'"{key}": "{programme}/')
    (tmp_path / "region.yaml").write_text(text + "variance: replicate\n", "utf-8")
    region = build_region(tmp_path)
    assert region.variance == "replicate (AAA JKn 6, LUS JKn 6, BOR JKn 6, CIS JKn 6)"
    spec = DesignSpec(weight=WEIGHT, strata=STRATUM, psu=PSU)
    for rnd in region.rounds:
        code = rnd.ref.country
        rows = region.stacked.loc[region.stacked["country"] == code].reset_index(drop=True)
        design = design_from_frame(rnd.data.assign(**{WEIGHT: rows["w"]}), spec)
        own = design.with_replicates(replicate_weights(rnd.data, STRATUM, PSU, "jkn", mse=True))
        mine = tabulate(own, rows, TabulateRequest(("mean_age",), (), "mean"))
        got = region.table.loc[
            (region.table["indicator"] == "mean_age")
            & (region.table["area"] == code)
            & region.table["sex"].isna()
            & region.table["legal_status"].isna()
        ].iloc[0]
        assert got["se"] == pytest.approx(float(mine.table["se"].iloc[0]), rel=1e-10)
    linear = build_region(programme).table
    assert not np.allclose(region.table["se"].fillna(0), linear["se"].fillna(0))
