"""Stage-1 PPS selection of facilities and stage-2 selection sheets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.weighting.sampling import select_facilities, select_persons
from prisonsurvey.weighting.sheets import sheet_html
from prisonsurvey.weighting.spec import FacilitySamplingSpec

FRAME = Path(__file__).resolve().parents[1] / "reference" / "data" / "prison_frame_5k.csv"


def _small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "facility_id": range(1, 11),
            "stratum": ["A"] * 6 + ["B"] * 4,
            "facility_type": [
                "men",
                "men",
                "women",
                "men",
                "men",
                "men",
                "mixed",
                "mixed",
                "women",
                "mixed",
            ],
            "population": [900, 50, 40, 60, 70, 5, 100, 120, 80, 90],
        }
    )


def test_probabilities_equal_generator(controls: dict[str, pd.DataFrame]) -> None:
    # gen_data.py: pi_fac = n_h * M_i / M_h with n_facilities_sampled per stratum
    frame = pd.read_csv(FRAME)
    sizes = dict(
        zip(controls["strata"]["stratum"], controls["strata"]["n_facilities_sampled"], strict=True)
    )
    spec = FacilitySamplingSpec(sample_size=sizes)
    res = select_facilities(frame, spec, seed=1)
    np.testing.assert_allclose(res.frame["pi_facility"], frame["pi_facility"], rtol=1e-12)
    got = res.frame.groupby("stratum")["selected"].sum()
    assert all(got[s] == n for s, n in sizes.items())
    assert not res.frame["certainty"].any()


def test_certainty_exclusion_and_boost() -> None:
    spec = FacilitySamplingSpec(
        sample_size={"A": 3, "B": 2},
        min_size=10,
        boost={"facility_type": {"women": 2.0}},
        sort_by=["population"],
    )
    res = select_facilities(_small_frame(), spec, seed=3)
    f = res.frame.set_index("facility_id")
    assert f.loc[6, "excluded"] and f.loc[6, "pi_facility"] == 0 and not f.loc[6, "selected"]
    assert f.loc[1, "certainty"] and f.loc[1, "pi_facility"] == 1.0 and f.loc[1, "selected"]
    assert f.loc[3, "mos"] == 80  # women's facility boosted x 2
    # after the certainty unit, 2 draws among mos 50, 80, 60, 70 (total 260)
    assert f.loc[3, "pi_facility"] == pytest.approx(2 * 80 / 260)
    for s, n in {"A": 3, "B": 2}.items():
        part = res.frame[res.frame["stratum"] == s]
        assert part["selected"].sum() == n
        assert part["pi_facility"].sum() == pytest.approx(n)


def test_inclusion_frequencies_match_probabilities() -> None:
    spec = FacilitySamplingSpec(sample_size={"A": 2, "B": 2})
    frame = _small_frame()
    hits = np.zeros(len(frame))
    runs = 1500
    for seed in range(runs):
        hits += select_facilities(frame, spec, seed=seed).frame["selected"].to_numpy()
    pi = select_facilities(frame, spec, seed=0).frame["pi_facility"].to_numpy()
    se = np.sqrt(pi * (1 - pi) / runs) + 1e-9
    assert (np.abs(hits / runs - pi) < 5 * se + 1e-9).all()


def test_reproducible_with_seed() -> None:
    spec = FacilitySamplingSpec(default_sample_size=2)
    a = select_facilities(_small_frame(), spec, seed=11).frame["selected"]
    b = select_facilities(_small_frame(), spec, seed=11).frame["selected"]
    assert a.equals(b)


@pytest.mark.parametrize(("change", "code"), [("size", "WGT040"), ("n", "WGT041")])
def test_frame_errors(change: str, code: str) -> None:
    frame = _small_frame()
    spec = FacilitySamplingSpec(default_sample_size=2)
    if change == "size":
        frame.loc[4, "population"] = 0
    else:
        spec = FacilitySamplingSpec(sample_size={"A": 7, "B": 2})
    with pytest.raises(InputError) as err:
        select_facilities(frame, spec)
    assert err.value.issues.codes() == [code]
    if change == "size":
        assert next(iter(err.value.issues)).location.row == 6


def test_person_sheet() -> None:
    sheet = select_persons("F-12", roster_count=133, take=40, seed=2024, reserve=5)
    lines = sheet.lines
    chosen = lines.loc[lines["role"] == "selected", "line"].to_numpy()
    assert chosen.size == 40 and np.unique(chosen).size == 40
    assert chosen.min() >= 1 and chosen.max() <= 133
    gaps = np.diff(chosen)
    assert set(gaps) <= {3, 4}  # interval 3.325
    reserve = lines.loc[lines["role"] == "reserve", "line"].to_numpy()
    assert reserve.size == 5 and not set(reserve) & set(chosen)
    assert sheet.pi_inmate == pytest.approx(40 / 133)
    again = select_persons("F-12", roster_count=133, take=40, seed=2024, reserve=5)
    assert again.lines.equals(lines)
    other = select_persons("F-13", roster_count=133, take=40, seed=2024, reserve=5)
    assert not other.lines["line"].equals(lines["line"])


def test_take_all_and_errors() -> None:
    sheet = select_persons("x", roster_count=12, take=40, seed=1)
    assert sheet.lines["line"].tolist() == list(range(1, 13)) and sheet.pi_inmate == 1.0
    with pytest.raises(InputError) as err:
        select_persons("x", roster_count=0, take=5, seed=1)
    assert err.value.issues.codes() == ["WGT042"]


def test_sheet_html_escapes() -> None:
    html = sheet_html(select_persons("<b>Unit 7</b>", 30, 5, seed=1))
    assert "<b>Unit 7</b>" not in html and "&lt;b&gt;Unit 7&lt;/b&gt;" in html
