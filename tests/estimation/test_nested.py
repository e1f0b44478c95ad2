"""Agreement of methods: several domain sets from one pass over the rows equal one estimate per set.

Every design of the R reference (with replacement, fpc, two-stage fpc, calibrated, JKn,
bootstrap, re-raked replicates) and simulated designs with lonely PSUs, estimated by
``estimate_sets`` / ``tabulate_many`` and by ``estimate`` / ``tabulate`` set by set: the tables
must agree to rounding (same counts, degrees of freedom and statuses).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.design import build_design
from prisonsurvey.design.replicate_factors import jackknife_factors, replicates_from_factors
from prisonsurvey.design.survey_design import SurveyDesign
from prisonsurvey.errors import InputError
from prisonsurvey.estimation import estimate
from prisonsurvey.estimation.domains import make_domains, nested_domains
from prisonsurvey.estimation.estimators import DomainSet, estimate_sets
from prisonsurvey.estimation.rules import Rules
from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate, tabulate_many

from . import _reference as ref

SETS: tuple[tuple[str, ...], ...] = (
    ("country",),
    ("country", "sex"),
    ("country", "legal_status"),
    (),
    ("sex",),
    ("legal_status",),
    ("sex", "legal_status"),
)
EXACT = ("n", "n_psu", "df", "df_design", "n_category")


def _with_missing_domains(df: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    """The reference rows with some sex and legal-status values missing."""
    rng = np.random.default_rng(seed)
    out = df.copy()
    out.loc[rng.random(len(out)) < 0.03, "sex"] = None
    out.loc[rng.random(len(out)) < 0.05, "legal_status"] = None
    out["ratio_den"] = np.where(rng.random(len(out)) < 0.05, np.nan, rng.integers(1, 4, len(out)))
    return out


def assert_same(one_pass: pd.DataFrame, per_set: pd.DataFrame) -> None:
    """Same rows, same domains and counts exactly, the same numbers to rounding."""
    assert list(one_pass.columns) == list(per_set.columns)
    assert len(one_pass) == len(per_set)
    for col in per_set.columns:
        got, want = one_pass[col], per_set[col]
        if col in EXACT or not pd.api.types.is_float_dtype(want):
            pd.testing.assert_series_equal(got, want, check_dtype=False)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=col)


def _check(
    design: SurveyDesign,
    data: pd.DataFrame,
    variables: Sequence[str],
    stat: str,
    denominator: str | None = None,
    sets: Sequence[tuple[str, ...]] = SETS,
) -> None:
    specs = [
        DomainSet(by, "logit", 0.95, "domain" if by[:1] == ("country",) else "design")
        for by in sets
    ]
    found = estimate_sets(design, data, variables, specs, stat=stat, denominator=denominator)
    for spec, got in zip(specs, found, strict=True):
        want = estimate(
            design,
            data,
            variables,
            stat=stat,
            by=spec.by,
            denominator=denominator,
            ci=spec.ci,
            level=spec.level,
            df=spec.df,
        )
        assert got.by == want.by
        assert got.variance == want.variance
        assert_same(got.to_frame(), want.to_frame())


@pytest.mark.parametrize("name", ["wr", "fpc", "twostage", "nr"])
@pytest.mark.parametrize("stat", ["mean", "total", "prop", "ratio"])
def test_base_designs_agree(name: str, stat: str) -> None:
    df = _with_missing_domains(ref.data())
    variables = ["legal_status"] if stat == "prop" else [*ref.BIN[:3], *ref.NUM]
    den = "ratio_den" if stat == "ratio" else None
    _check(ref.base_design(name), df, variables, stat, den)


@pytest.mark.parametrize("name", ["rake", "cal_linear"])
def test_calibrated_designs_agree(name: str) -> None:
    df = _with_missing_domains(ref.data())
    _check(ref.calibrated_design(name), df, [*ref.BIN[:2], "age"], "mean")


@pytest.mark.parametrize("name", ["jkn", "jkn_fpc", "boot", "jkn_cal_raking"])
@pytest.mark.parametrize("stat", ["mean", "total", "ratio"])
def test_replicate_designs_agree(name: str, stat: str) -> None:
    df = _with_missing_domains(ref.data())
    den = "ratio_den" if stat == "ratio" else None
    _check(ref.replicate_design(name), df, [*ref.BIN[:2], "age"], stat, den)


def _lonely(seed: int = 2) -> pd.DataFrame:
    """Strata of one to four PSUs, domains missing for some rows, zero weights."""
    rng = np.random.default_rng(seed)
    sizes = [1, 2, 3, 4, 1, 3]
    stratum = np.concatenate([np.full(k * 30, h) for h, k in enumerate(sizes)])
    psu = np.concatenate([np.repeat(np.arange(k) + 10 * h, 30) for h, k in enumerate(sizes)])
    n = stratum.shape[0]
    region = np.where(stratum < 3, "north", "south")
    return pd.DataFrame(
        {
            "stratum": stratum,
            "psu": psu,
            "w": np.where(rng.random(n) < 0.02, 0.0, rng.uniform(1, 9, n)),
            "region": region,
            "sex": np.where(rng.random(n) < 0.05, None, rng.choice(["f", "m"], n)),
            "y": np.where(rng.random(n) < 0.1, np.nan, rng.random(n) < 0.3).astype(float),
            "x": rng.normal(10, 3, n),
            "d": rng.integers(1, 5, n).astype(float),
        }
    )


@pytest.mark.parametrize("policy", ["adjust", "average", "certainty", "remove"])
@pytest.mark.parametrize("stat", ["mean", "total", "ratio"])
def test_lonely_psu_policies_agree(policy: str, stat: str) -> None:
    df = _lonely()
    design = build_design(df["w"], df["stratum"], df["psu"], lonely_psu=policy)
    sets = [("region",), ("region", "sex"), (), ("sex",)]
    _check(design, df, ["y", "x"], stat, "d" if stat == "ratio" else None, sets)


def test_a_lonely_psu_fails_as_in_tabulate() -> None:
    df = _lonely()
    design = build_design(df["w"], df["stratum"], df["psu"])
    requests = [TabulateRequest(("y",), ("sex",)), TabulateRequest(("y",))]
    with pytest.raises(InputError) as one:
        tabulate_many(design, df, requests, "s.csv")
    with pytest.raises(InputError) as each:
        tabulate(design, df, requests[0], "s.csv")
    assert [i.code for i in one.value.issues] == [i.code for i in each.value.issues] == ["EST004"]


def test_jackknife_of_simulated_domains_agrees() -> None:
    df = _lonely().query("stratum not in (0, 4)").reset_index(drop=True)
    design = build_design(df["w"], df["stratum"], df["psu"])
    jk = design.with_replicates(replicates_from_factors(design, jackknife_factors(design), "JKn"))
    _check(jk, df, ["y", "x"], "mean", sets=[("region", "sex"), ("region",), ()])


def test_tabulate_many_equals_tabulate_request_by_request() -> None:
    df = _with_missing_domains(ref.data())
    design = ref.base_design("fpc")
    rules = Rules(flag_min_n=200, suppress_min_n=40)
    requests = [
        TabulateRequest(("paid_bribe", "age"), by, "mean", df=df_rule, rules=rules)
        for by in SETS
        for df_rule in ("domain", "design")
    ]
    requests.append(TabulateRequest(("legal_status",), ("country",), "prop", ci="beta"))
    requests.append(TabulateRequest(("age",), ("sex",), "ratio", denominator="ratio_den"))
    requests.append(TabulateRequest(("age",), ("sex",), "quantile", probs=(0.25, 0.5)))
    found = tabulate_many(design, df, requests)
    for request, got in zip(requests, found, strict=True):
        want = tabulate(design, df, request)
        assert_same(got.table, want.table)
        assert (got.table["status"] == want.table["status"]).all()


def test_tabulate_many_names_an_unknown_column() -> None:
    df = ref.data()
    with pytest.raises(InputError) as err:
        tabulate_many(ref.base_design("wr"), df, [TabulateRequest(("nope",), ("sex",))], "d.csv")
    assert [i.code for i in err.value.issues] == ["EST001"]


def test_nested_domains_equal_make_domains() -> None:
    df = _with_missing_domains(ref.data())
    df["country"] = pd.Categorical(df["country"], categories=sorted(set(df["country"]))[::-1])
    nested = nested_domains(df, SETS)
    for by, cell_map, dom in zip(SETS, nested.maps, nested.sets, strict=True):
        alone = make_domains(df, by)
        pd.testing.assert_frame_equal(dom.table, alone.table)
        got = np.append(cell_map, -1)[nested.codes]
        np.testing.assert_array_equal(got, alone.codes)
