"""Bad input gives located issues with stable codes, never a silent fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.weighting import Margin, WeightingSpec, apply_spec, calibrate, load_spec
from prisonsurvey.weighting.replication import LonelyPSU, brr, jkn, layout


def _data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stratum": ["A", "A", "A", "B", "B", "B"],
            "psu": [1, 1, 2, 3, 4, 4],
            "sex": ["m", "f", "m", "f", "m", "f"],
            "w": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
            "resp": [1, 1, 0, 1, 1, 1],
        }
    )


def _codes(err: pytest.ExceptionInfo[InputError]) -> list[str]:
    return err.value.issues.codes()


def test_margin_level_without_sample() -> None:
    pop = pd.DataFrame({"sex": ["m", "f", "x"], "count": [10.0, 10.0, 5.0]})
    with pytest.raises(InputError) as err:
        calibrate(_data(), "w", [Margin.from_frame(pop, ["sex"])], "raking")
    assert _codes(err) == ["WGT010"]
    assert "x" in str(err.value)


def test_sample_level_without_control() -> None:
    pop = pd.DataFrame({"sex": ["m"], "count": [10.0]})
    with pytest.raises(InputError) as err:
        calibrate(_data(), "w", [Margin.from_frame(pop, ["sex"])], "linear")
    assert _codes(err) == ["WGT011"]


def test_margins_with_different_totals() -> None:
    d = _data()
    a = Margin.from_frame(pd.DataFrame({"sex": ["m", "f"], "count": [10.0, 10.0]}), ["sex"])
    b = Margin.from_frame(pd.DataFrame({"stratum": ["A", "B"], "count": [10.0, 11.0]}), ["stratum"])
    with pytest.raises(InputError) as err:
        calibrate(d, "w", [a, b], "raking")
    assert _codes(err) == ["WGT012"]


def test_bounds_that_cannot_be_met() -> None:
    pop = pd.DataFrame({"sex": ["m", "f"], "count": [100.0, 10.0]})
    with pytest.raises(InputError) as err:
        calibrate(_data(), "w", [Margin.from_frame(pop, ["sex"])], "logit", bounds=(0.9, 1.1))
    assert _codes(err) == ["WGT013"]


@pytest.mark.parametrize(("value", "code"), [(np.nan, "WGT021"), (0.0, "WGT022"), (-1.0, "WGT022")])
def test_missing_or_nonpositive_weight(value: float, code: str) -> None:
    d = _data()
    d.loc[3, "w"] = value
    pop = pd.DataFrame({"sex": ["m", "f"], "count": [10.0, 10.0]})
    with pytest.raises(InputError) as err:
        calibrate(d, "w", [Margin.from_frame(pop, ["sex"])], "raking")
    assert _codes(err) == [code]
    issue = next(iter(err.value.issues))
    assert issue.location.row == 5 and issue.location.column == "w"  # header is row 1


def test_empty_weighting_class() -> None:
    d = _data()
    d.loc[d["stratum"] == "A", "resp"] = 0
    spec = WeightingSpec.model_validate(
        {
            "name": "t",
            "base_weight": {"column": "w"},
            "steps": [{"type": "nonresponse", "responded": "resp", "classes": ["stratum"]}],
            "replicates": {"method": "none"},
        }
    )
    with pytest.raises(InputError) as err:
        apply_spec(d, spec, {})
    assert _codes(err) == ["WGT020"]
    assert "stratum=A" in str(err.value)


def test_stratum_with_one_psu() -> None:
    d = _data()
    d.loc[d["stratum"] == "B", "psu"] = 3
    lay = layout(d, "stratum", "psu")
    with pytest.raises(InputError) as err:
        jkn(lay)
    assert _codes(err) == ["WGT030"]
    assert "'B'" in str(err.value)
    kept = jkn(lay, LonelyPSU.REMOVE)
    assert kept.factors.shape == (3, 2)


def test_brr_needs_two_psus() -> None:
    d = _data()
    d.loc[5, "psu"] = 5
    with pytest.raises(InputError) as err:
        brr(layout(d, "stratum", "psu"))
    assert _codes(err) == ["WGT031"]
    ok = brr(layout(_data(), "stratum", "psu"), fay_rho=0.5)
    assert ok.factors.shape == (4, 4) and set(np.unique(ok.factors)) == {0.5, 1.5}


def test_spec_errors_are_located(tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text(
        "name: t\n"
        "base_weight:\n"
        "  column: w\n"
        "steps:\n"
        "  - type: calibration\n"
        "    method: logit\n"
        "    margins:\n"
        "      - variables: [sex]\n"
        "        controls: sex\n"
        "        colour: red\n"
    )
    with pytest.raises(InputError) as err:
        load_spec(p)
    found = {(i.code, i.location.line) for i in err.value.issues}
    assert found == {("WGT002", 10)}  # unknown key 'colour'
    p.write_text(p.read_text().replace("        colour: red\n", ""))
    with pytest.raises(InputError) as err:
        load_spec(p)
    found = {(i.code, i.location.line) for i in err.value.issues}
    assert found == {("WGT002", 5)}  # logit without bounds: points at the step


def test_spec_syntax_error(tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text("name: t\nsteps: [\n")
    with pytest.raises(InputError) as err:
        load_spec(p)
    assert _codes(err) == ["WGT001"]
    assert next(iter(err.value.issues)).location.line is not None


def test_unknown_control_table_is_located(tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text(
        "name: t\nbase_weight: {column: w}\nreplicates: {method: none}\nsteps:\n"
        "  - type: calibration\n    method: raking\n    margins:\n"
        "      - variables: [sex]\n        controls: nope\n"
    )
    spec, doc = load_spec(p)
    with pytest.raises(InputError) as err:
        apply_spec(_data(), spec, {}, locate=doc.locate)
    issue = next(iter(err.value.issues))
    assert issue.code == "WGT004" and issue.location.line == 8


def test_facility_class_must_be_facility_level() -> None:
    d = _data()
    d["fr"] = [1, 1, 1, 1, 1, 1]
    d["p"] = 0.5
    spec = WeightingSpec.model_validate(
        {
            "name": "t",
            "base_weight": {"column": "w"},
            "steps": [
                {
                    "type": "nonresponse",
                    "level": "facility",
                    "responded": "fr",
                    "unit": "psu",
                    "unit_probability": "p",
                    "classes": ["sex"],
                }
            ],
            "replicates": {"method": "none"},
        }
    )
    with pytest.raises(InputError) as err:
        apply_spec(d, spec, {})
    assert _codes(err) == ["WGT024"]


def test_missing_margin_value_only_matters_with_weight() -> None:
    d = _data()
    d["sex"] = d["sex"].astype(object)
    d.loc[2, "sex"] = None  # a nonrespondent: no weight left, no problem
    pop = pd.DataFrame({"sex": ["m", "f"], "count": [10.0, 10.0]})
    spec = WeightingSpec.model_validate(
        {
            "name": "t",
            "base_weight": {"column": "w"},
            "steps": [
                {"type": "nonresponse", "responded": "resp", "classes": ["stratum"]},
                {
                    "type": "calibration",
                    "method": "raking",
                    "margins": [{"variables": ["sex"], "controls": "sex"}],
                },
            ],
            "replicates": {"method": "none"},
        }
    )
    res = apply_spec(d, spec, {"sex": pop})
    assert res.weights.iloc[2] == 0 and res.weights.sum() == pytest.approx(20.0)
    d.loc[4, "sex"] = None  # a respondent
    with pytest.raises(InputError) as err:
        apply_spec(d, spec, {"sex": pop})
    issue = next(iter(err.value.issues))
    assert issue.code == "WGT023" and issue.location.row == 6


@pytest.mark.parametrize("policy", ["adjust", "average", "certainty"])
def test_lonely_psu_policies_as_r(policy: str) -> None:
    # R survey 4.1-1 jknweights: 'adjust' deletes the lonely stratum in one replicate and
    # multiplies every other PSU by H / (H - 1); 'average' scales by PSUs / replicates.
    # Checked with R on this data: as.svrepdesign(type="JKn") gives columns (0,2,1), (2,0,1),
    # (2,2,0) with rscales 0.5 for 'adjust' and scale 1.5 for 'average'.
    d = _data()
    d.loc[d["stratum"] == "B", "psu"] = 3
    f = jkn(layout(d, "stratum", "psu"), LonelyPSU(policy))
    if policy == "adjust":
        assert f.factors.shape == (3, 3)
        np.testing.assert_allclose(f.factors[:, 2], [2.0, 2.0, 0.0])
        assert f.rscales[2] == 0.5
    else:
        assert f.factors.shape == (3, 2)
        assert f.scale == (1.5 if policy == "average" else 1.0)
