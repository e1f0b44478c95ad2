"""The regional standard chain (weights/regional-standard.yaml) on the reference sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.weighting import apply_spec, load_spec

SPEC = Path(__file__).resolve().parents[2] / "weights" / "regional-standard.yaml"


@pytest.fixture(scope="module")
def full_sample(sample_all: pd.DataFrame) -> pd.DataFrame:
    d = sample_all.copy()
    d["eligible"] = 1
    d["facility_responded"] = 1
    return d


def test_person_nonresponse_equals_reference_nr_weight(
    full_sample: pd.DataFrame, controls: dict[str, pd.DataFrame]
) -> None:
    # gen_data.py's nr_weight: base weight x (facility total / respondent total), per facility
    spec, doc = load_spec(SPEC)
    res = apply_spec(full_sample, spec, controls, replicates="none", locate=doc.locate)
    np.testing.assert_allclose(res.stages["step3"], full_sample["nr_weight"], rtol=1e-12)
    assert res.replicates is None


def test_standard_chain_meets_margins_and_keeps_total(
    full_sample: pd.DataFrame, controls: dict[str, pd.DataFrame]
) -> None:
    spec, doc = load_spec(SPEC)
    res = apply_spec(full_sample, spec, controls, locate=doc.locate)
    d = res.diagnostics
    assert d.max_margin_error < 1e-10
    w = res.weights.to_numpy()
    assert w.sum() == pytest.approx(108208, rel=1e-12)  # "total" in prison_controls_5k.json
    assert (w[full_sample["responded"].to_numpy() == 0] == 0).all()
    mean = w[w > 0].mean()
    assert w.max() <= 3.5 * mean * (1 + 1e-12)
    assert d.final.n == 4964 and d.final.n_zero == 952
    assert d.final.kish_deff == pytest.approx(4964 * (w**2).sum() / w.sum() ** 2, rel=1e-12)
    assert d.replicates is not None and d.replicates["replicates"] == 137
    assert d.to_dict()["final"]["n"] == 4964


def test_facility_nonresponse_and_eligibility() -> None:
    # 2 strata; in stratum A facility 2 refused (placeholder row); one person of unknown
    # eligibility in facility 1.
    d = pd.DataFrame(
        {
            "stratum": ["A"] * 5 + ["B"] * 2,
            "facility_id": [1, 1, 1, 2, 3, 4, 4],
            "pi_f": [0.5, 0.5, 0.5, 0.25, 0.5, 1.0, 1.0],
            "pi_i": [0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5],
            "facility_responded": [1, 1, 1, 0, 1, 1, 1],
            "eligible": [1, 0, None, None, 1, 1, 1],
            "responded": [1, 0, 0, 0, 1, 1, 1],
        }
    )
    spec = {
        "name": "t",
        "base_weight": {"probabilities": ["pi_f", "pi_i"]},
        "steps": [
            {
                "type": "nonresponse",
                "level": "facility",
                "responded": "facility_responded",
                "unit": "facility_id",
                "unit_probability": "pi_f",
                "classes": ["stratum"],
            },
            {"type": "eligibility", "status": "eligible", "classes": ["stratum"]},
            {"type": "nonresponse", "responded": "responded", "classes": ["stratum"]},
        ],
        "replicates": {"method": "none"},
    }
    from prisonsurvey.weighting import WeightingSpec

    res = apply_spec(d, WeightingSpec.model_validate(spec), {})
    # facility step in A: (2 + 4 + 2) / (2 + 2) = 2 for facilities 1 and 3; 0 for facility 2
    s1 = res.stages["step1"].to_numpy()
    np.testing.assert_allclose(s1, [8, 8, 8, 0, 8, 2, 2])
    # eligibility in A: all 32 spread over known (8 + 8 + 8) -> x 4/3, unknown -> 0,
    # ineligible row -> 0 (out of scope)
    s2 = res.stages["step2"].to_numpy()
    np.testing.assert_allclose(s2, [32 / 3, 0, 0, 0, 32 / 3, 2, 2])
    np.testing.assert_allclose(res.weights.to_numpy(), s2)


def test_shipped_example_controls_run_the_standard_chain(full_sample: pd.DataFrame) -> None:
    # weights/example-controls.json holds the census cells of prison_controls_5k.json
    from prisonsurvey.weighting import load_controls

    spec, doc = load_spec(SPEC)
    controls = load_controls(SPEC.parent / "example-controls.json")
    res = apply_spec(full_sample, spec, controls, replicates="none", locate=doc.locate)
    assert res.diagnostics.max_margin_error < 1e-10
    assert [s["step"] for s in res.diagnostics.steps] == [
        "facility nonresponse",
        "eligibility",
        "person nonresponse",
        "calibration (raking)",
        "trim",
    ]


def test_trimming_is_repeated_in_every_replicate(
    full_sample: pd.DataFrame, controls: dict[str, pd.DataFrame]
) -> None:
    # replicate r of the standard chain = the untrimmed replicate weights trimmed anew
    # (R trimWeights rule: 1.3 / 0.8 x the replicate's mean, strict)
    from prisonsurvey.weighting import trim_weights
    from prisonsurvey.weighting.spec import TrimStep

    standard, _ = load_spec(SPEC)
    tight = TrimStep(type="trim", upper=1.3, lower=0.8)  # binds in every replicate
    spec = standard.model_copy(update={"steps": [*standard.steps[:-1], tight]})
    res = apply_spec(full_sample, spec, controls)
    assert res.diagnostics.steps[-1]["trimmed"] > 100
    untrimmed_spec = spec.model_copy(update={"steps": spec.steps[:-1]})
    raw = apply_spec(full_sample, untrimmed_spec, controls)
    assert res.replicates is not None and raw.replicates is not None
    got = res.replicates.matrix(res.weights.to_numpy())
    plain = raw.replicates.matrix(raw.weights.to_numpy())
    for r in (0, 5, 60, 136):
        w = plain[:, r]
        pos = w > 0
        expected = np.zeros_like(w)
        m = w[pos].mean()
        expected[pos] = trim_weights(w[pos], 1.3 * m, 0.8 * m, strict=True)
        assert not np.allclose(expected, w)
        np.testing.assert_allclose(got[:, r], expected, rtol=1e-10, atol=1e-12)


def test_sparse_and_dense_replicate_tables_agree(
    full_sample: pd.DataFrame, controls: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    import prisonsurvey.weighting.apply as apply_module

    spec, _ = load_spec(SPEC)
    dense = apply_spec(full_sample, spec, controls)
    monkeypatch.setattr(apply_module, "_DENSE_LIMIT", 0)
    sparse = apply_spec(full_sample, spec, controls)
    assert dense.replicates is not None and sparse.replicates is not None
    np.testing.assert_allclose(
        sparse.replicates.matrix(sparse.weights.to_numpy()),
        dense.replicates.matrix(dense.weights.to_numpy()),
        rtol=1e-12,
    )
