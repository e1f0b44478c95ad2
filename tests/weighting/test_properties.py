"""Properties of calibration that hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from prisonsurvey.weighting import Margin, calibrate


@st.composite
def samples(draw: st.DrawFn) -> tuple[pd.DataFrame, list[Margin]]:
    n = draw(st.integers(30, 120))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "a": rng.choice(["a1", "a2", "a3"], n),
            "b": rng.choice(["b1", "b2"], n),
            "w": rng.uniform(0.5, 5.0, n),
        }
    )
    d.loc[:5, "a"] = ["a1", "a2", "a3", "a1", "a2", "a3"]
    d.loc[:5, "b"] = ["b1", "b1", "b1", "b2", "b2", "b2"]
    cells = rng.uniform(50, 150, (3, 2))
    pop = pd.DataFrame(
        [
            {"a": f"a{i + 1}", "b": f"b{j + 1}", "count": cells[i, j]}
            for i in range(3)
            for j in range(2)
        ]
    )
    return d, [Margin.from_frame(pop, ["a"]), Margin.from_frame(pop, ["b"])]


@settings(max_examples=40, deadline=None)
@given(samples(), st.floats(0.01, 100.0), st.sampled_from(["raking", "linear"]))
def test_scaling_base_weights_leaves_calibrated_weights(
    case: tuple[pd.DataFrame, list[Margin]], factor: float, method: str
) -> None:
    d, margins = case
    one = calibrate(d, d["w"], margins, method).weights
    scaled = calibrate(d, d["w"] * factor, margins, method).weights
    np.testing.assert_allclose(one, scaled, rtol=1e-8)


@settings(max_examples=40, deadline=None)
@given(samples(), st.sampled_from(["raking", "linear"]))
def test_calibration_reproduces_control_totals(
    case: tuple[pd.DataFrame, list[Margin]], method: str
) -> None:
    d, margins = case
    res = calibrate(d, "w", margins, method)
    for m in margins:
        got = res.weights.groupby(d[m.variables[0]]).sum()
        for key, total in m.totals.items():
            assert abs(got[key[0]] / total - 1) < 1e-9


@settings(max_examples=40, deadline=None)
@given(samples())
def test_raking_equals_iterated_poststratification(case: tuple[pd.DataFrame, list[Margin]]) -> None:
    d, margins = case
    w = d["w"].copy()
    for _ in range(500):
        before = w.copy()
        for m in margins:
            w = calibrate(d, w, [m], "poststratify").weights
        if np.abs(w - before).max() < 1e-13 * w.max():
            break
    raked = calibrate(d, "w", margins, "raking").weights
    np.testing.assert_allclose(raked, w, rtol=1e-9)
