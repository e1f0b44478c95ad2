"""Calibrated weights against R survey 4.1-1.

Expected values: tests/reference/r_calibrated_weights_5k.csv.gz (columns named below), made by
tests/reference/reference.R section "calibration" on prison_survey_5k respondents.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.weighting import Margin, calibrate, trim_weights

REL = 1e-8


def _close(got: pd.Series, expected: pd.Series) -> None:
    rel = np.abs(got.to_numpy() / expected.to_numpy() - 1.0)
    assert rel.max() < REL, rel.max()


def test_rows_align(respondents: pd.DataFrame, r_weights: pd.DataFrame) -> None:
    assert (respondents["inmate_id"].to_numpy() == r_weights["inmate_id"].to_numpy()).all()


def test_poststratify(
    respondents: pd.DataFrame, controls: dict[str, pd.DataFrame], r_weights: pd.DataFrame
) -> None:
    # record column "ps": postStratify(wr, ~country_sex, ...)
    m = Margin.from_frame(controls["country_sex"], ["country", "sex"])
    res = calibrate(respondents, "base_weight", [m], "poststratify")
    _close(res.weights, r_weights["ps"])


@pytest.mark.parametrize("column", ["rake", "cal_raking"])
def test_raking(
    respondents: pd.DataFrame, margins_cs_cl: list[Margin], r_weights: pd.DataFrame, column: str
) -> None:
    # "rake": rake(wr, list(~country_sex, ~country_legal), epsilon=1e-10);
    # "cal_raking": calibrate(wr, ~country*sex + country*legal_status, calfun="raking")
    res = calibrate(respondents, "base_weight", margins_cs_cl, "raking")
    _close(res.weights, r_weights[column])
    assert max(m["rel_error"] for m in res.margin_check) < 1e-10


def test_linear(
    respondents: pd.DataFrame, margins_cs_cl: list[Margin], r_weights: pd.DataFrame
) -> None:
    # "cal_linear": calibrate(wr, ~country*sex + country*legal_status, calfun="linear")
    res = calibrate(respondents, "base_weight", margins_cs_cl, "linear")
    _close(res.weights, r_weights["cal_linear"])


def test_linear_main_effects(
    respondents: pd.DataFrame, margins_cal2: list[Margin], r_weights: pd.DataFrame
) -> None:
    # "cal2_linear": calibrate(nr, ~stratum + sex + legal_status, pop2, calfun="linear")
    res = calibrate(respondents, "nr_weight", margins_cal2, "linear")
    _close(res.weights, r_weights["cal2_linear"])


@pytest.mark.parametrize(
    ("method", "column"), [("logit", "cal2_logit_bounded"), ("raking", "cal2_raking_bounded")]
)
def test_bounded(
    respondents: pd.DataFrame,
    margins_cal2: list[Margin],
    r_weights: pd.DataFrame,
    method: str,
    column: str,
) -> None:
    # calibrate(nr, ~stratum + sex + legal_status, pop2, calfun=method, bounds=c(0.9, 1.1))
    res = calibrate(respondents, "nr_weight", margins_cal2, method, bounds=(0.9, 1.1))
    _close(res.weights, r_weights[column])
    assert res.g.min() >= 0.9 and res.g.max() <= 1.1
    assert max(m["rel_error"] for m in res.margin_check) < 1e-10


def test_g_trim(
    respondents: pd.DataFrame, margins_cs_cl: list[Margin], r_weights: pd.DataFrame
) -> None:
    # "cal_raking_gtrim": calibrate(..., calfun="raking", trim=c(1.05, 1.4))
    res = calibrate(respondents, "base_weight", margins_cs_cl, "raking", trim=(1.05, 1.4))
    _close(res.weights, r_weights["cal_raking_gtrim"])


def test_trim_weights(
    respondents: pd.DataFrame, margins_cs_cl: list[Margin], r_weights: pd.DataFrame
) -> None:
    # "rake_trimmed": trimWeights(cal_raking, upper=1.6*mean, lower=0.5*mean, strict=TRUE)
    w = calibrate(respondents, "base_weight", margins_cs_cl, "raking").weights.to_numpy()
    got = trim_weights(w, upper=1.6 * w.mean(), lower=0.5 * w.mean(), strict=True)
    _close(pd.Series(got), r_weights["rake_trimmed"])
    assert got.sum() == pytest.approx(w.sum(), rel=1e-12)


def test_diagnostics_equal_r_summary(
    respondents: pd.DataFrame, margins_cs_cl: list[Margin], r_reference: dict[str, Any]
) -> None:
    # r_reference_5k.json "weights_summary"/"rake": quantile type 7, sd, cv, kish_deff, g range
    from prisonsurvey.weighting import WeightSummary

    w = calibrate(respondents, "base_weight", margins_cs_cl, "raking").weights.to_numpy()
    got = WeightSummary.of(w, respondents["base_weight"].to_numpy())
    ref = r_reference["weights_summary"]["rake"]
    assert got.n == ref["n"]
    for ours, theirs in [
        (got.total, ref["sum"]),
        (got.mean, ref["mean"]),
        (got.sd, ref["sd"]),
        (got.cv, ref["cv"]),
        (got.kish_deff, ref["kish_deff"]),
        (got.g_min, ref["g_min"]),
        (got.g_max, ref["g_max"]),
        (got.min, ref["min"]),
        (got.max, ref["max"]),
    ]:
        assert ours == pytest.approx(theirs, rel=1e-8)
    np.testing.assert_allclose(list(got.quantiles.values()), ref["quantiles_type7"]["q"], rtol=1e-8)
