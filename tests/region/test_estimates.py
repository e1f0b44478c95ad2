"""Regional estimates against R survey, against tabulate on the stacked file and against each
country's own design."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.region.rounds import core

from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.estimation.catalogue import catalogue_table
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate_file
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.indicators import INDICATORS_FILE, load_indicators
from prisonsurvey.region.comparability import Cell
from prisonsurvey.region.estimate import SPEC, regional_estimates
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.rounds import PSU, STRATUM, WEIGHT
from prisonsurvey.region.run import Region

DATA = Path(__file__).parent / "data"
IDS = ("no_own_bed", "food_insufficient", "mean_age", "children_under18_total")


def _catalogue():  # type: ignore[no-untyped-def]
    return load_indicators(find_instrument("regional-inmate@1.0.0") / INDICATORS_FILE, core())


def test_pooled_and_country_figures_equal_r_survey() -> None:
    """R 4.2.2, survey 4.1.1: tests/region/data/r_pooled.R on tests/region/data/stacked_small.csv
    (svydesign(ids=~psu, strata=~country_stratum, weights=~w, nest=TRUE), svymean / svytotal
    with na.rm=TRUE, svyby by sex, legal status and country)."""
    stacked = pd.read_csv(DATA / "stacked_small.csv")
    catalogue = _catalogue()
    countries = sorted(set(stacked["country"]))
    cells = {(c, i): Cell(Comparability.COMPARABLE) for c in countries for i in IDS}
    table = regional_estimates(stacked, catalogue, IDS, cells, Rules(0, 9.0, 0, 9.0, 0, False))
    ref = pd.read_csv(DATA / "r_pooled.csv")
    assert len(ref) == 48
    for row in ref.itertuples():
        sex = table["sex"].isna() if pd.isna(row.sex) else table["sex"] == row.sex
        legal = (
            table["legal_status"].isna()
            if pd.isna(row.legal_status)
            else table["legal_status"] == row.legal_status
        )
        got = table.loc[
            (table["indicator"] == row.indicator) & (table["area"] == row.area) & sex & legal
        ]
        assert len(got) == 1, row
        scale = catalogue.get(row.indicator).scale
        if (
            row.area in countries
            and stacked.loc[stacked["country"] == row.area, row.indicator].isna().all()
        ):
            # R gives 0 (se 0) for a domain without any value; the report gives no figure
            assert (row.area, row.indicator, row.estimate) == ("CIS", "no_own_bed", 0)
            assert np.isnan(got["estimate"].iloc[0])
            continue
        assert got["estimate"].iloc[0] / scale == pytest.approx(row.estimate, abs=1e-6, rel=1e-9)
        assert got["se"].iloc[0] / scale == pytest.approx(row.se, abs=1e-6, rel=1e-9)


def test_pooled_figures_equal_tabulate_on_the_stacked_file(region: Region, tmp_path: Path) -> None:
    path = tmp_path / "stacked.csv"
    region.stacked.to_csv(path, index=False, float_format="%.17g")
    spec = DesignSpec(weight=SPEC.weight, strata=SPEC.strata, psu=SPEC.psu)
    means = [i for i in region.ids if region.catalogue.get(i).kind.value in ("proportion", "mean")]
    for by in ((), ("sex",), ("legal_status",)):
        tab = tabulate_file(path, spec, TabulateRequest(tuple(means), by, "mean")).estimates
        frame = tab.to_frame()
        for rec in frame.itertuples():
            mask = (region.table["indicator"] == rec.variable) & (region.table["area"] == "region")
            for name in ("sex", "legal_status"):
                mask &= (
                    region.table[name] == getattr(rec, name)
                    if name in by
                    else region.table[name].isna()
                )
            got = region.table.loc[mask]
            assert len(got) == 1
            if got["status"].iloc[0] in ("suppressed", "not_collected"):
                continue
            scale = region.catalogue.get(rec.variable).scale
            assert got["estimate"].iloc[0] == pytest.approx(rec.estimate * scale, rel=1e-12)
            assert got["se"].iloc[0] == pytest.approx(rec.se * scale, rel=1e-12)
            assert got["ci_lower"].iloc[0] == pytest.approx(
                rec.ci_lower * scale, rel=1e-12, nan_ok=True
            )


def test_country_figures_equal_the_country_design(region: Region) -> None:
    for rnd in region.rounds:
        data = rnd.data
        design = design_from_frame(data, DesignSpec(weight=WEIGHT, strata=STRATUM, psu=PSU))
        shown = [
            i
            for i in region.ids
            if region.cells[(rnd.ref.country, i)].comparability.shown
            and region.catalogue.get(i).kind.value in ("proportion", "mean")
        ]
        own = catalogue_table(design, data, region.catalogue, TabulateRequest(()), shown)
        for rec in own.estimates.to_frame().itertuples():
            got = region.table.loc[
                (region.table["indicator"] == rec.variable)
                & (region.table["area"] == rnd.ref.country)
                & region.table["sex"].isna()
                & region.table["legal_status"].isna()
            ]
            assert got["estimate"].iloc[0] == pytest.approx(rec.estimate, rel=1e-12)
            assert got["se"].iloc[0] == pytest.approx(rec.se, rel=1e-10)


def test_weights_sum_to_each_prison_population_and_the_average(region: Region) -> None:
    sums = region.stacked.groupby("country")["w"].sum()
    assert sums.to_dict() == pytest.approx({"AAA": 5000, "LUS": 3000, "BOR": 1500, "CIS": 800})
    t = region.table
    totals = t.loc[t["sex"].isna() & t["legal_status"].isna() & (t["indicator"] == "mean_age")]
    countries = totals.loc[totals["area"].isin(["AAA", "LUS", "BOR", "CIS"])]
    average = totals.loc[totals["area"] == "average"].iloc[0]
    assert average["estimate"] == pytest.approx(countries["estimate"].mean())
    assert average["se"] == pytest.approx(np.sqrt((countries["se"] ** 2).sum()) / 4)
    region_row = totals.loc[totals["area"] == "region"].iloc[0]
    assert region_row["estimate"] != pytest.approx(average["estimate"])


def test_every_average_is_the_pandas_mean_of_its_published_country_figures(
    region: Region,
) -> None:
    """Every average row equals, to the last bit, the pandas group mean of the country figures
    shown (estimate not empty) and the root of their summed squared standard errors over their
    number, by indicator, sex and legal status."""
    t = region.table
    countries = t.loc[~t["area"].isin(["region", "average"]) & t["estimate"].notna()]
    keys = ["indicator", "sex", "legal_status"]
    filled = countries.assign(
        sex=countries["sex"].fillna(-1.0),
        legal_status=countries["legal_status"].fillna(-1.0),
        var=countries["se"] ** 2,
    )
    grouped = filled.groupby(keys, dropna=False)
    want = pd.DataFrame(
        {
            "estimate": grouped["estimate"].mean(),
            "se": np.sqrt(grouped["var"].sum()) / grouped.size(),
            "n": grouped["n"].sum(),
            "areas": grouped["area"].agg(lambda a: ", ".join(sorted(a))),
        }
    )
    average = t.loc[t["area"] == "average"]
    assert len(average) == len(want) > 0
    for row in average.itertuples():
        key = (row.indicator, *(-1.0 if pd.isna(v) else v for v in (row.sex, row.legal_status)))
        ref = want.loc[key]
        assert (row.estimate, row.se, row.n) == (ref["estimate"], ref["se"], ref["n"])
        assert row.note.endswith(f"countries: {ref['areas']}")
