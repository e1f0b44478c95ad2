"""Protection methods and the measures around them: l-diversity, outliers, recoding, coding, noise.

l-diversity is checked against sdcMicro's own tests (sdcTools/sdcMicro on GitHub,
tests/testthat/test_ldiversity.R: ``ldiversity(obj, keyVars, ldiv_index, missing = -999)``, a
missing key value being a category of its own as there); the rest against hand-computed values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from prisonsurvey.release.methods import add_noise, band_codes, pool_rare, top_bottom_code
from prisonsurvey.release.protect import protect
from prisonsurvey.release.risk import l_diversity, l_diversity_summary, outlier_share
from prisonsurvey.release.spec import ReleaseSection

NAN = np.nan


def test_distinct_l_diversity_equals_sdcmicro_with_missing_keys() -> None:
    frame = pd.DataFrame(
        {
            "sex": ["female", "female", "female", "male", "male", "female", "female"],
            "occupation": [None, None, None, "teacher", "teacher", "nurse", "nurse"],
            "ethnicity": ["other", "other", "other", "other", "other", "majority", "majority"],
            "sensitive": [1, 0, 2, 1, 0, 0, 1],
        }
    )
    div = l_diversity(frame, ["sex", "occupation", "ethnicity"], "sensitive")
    # sdcMicro: sensitive_Distinct_Ldiversity is 3, 3, 3, 2, 2, 2, 2
    assert div["distinct"].tolist() == [3, 3, 3, 2, 2, 2, 2]


def test_l_diversity_keeps_row_order_and_counts_each_sensitive_variable() -> None:
    unordered = pd.DataFrame({"id": [3, 1, 2], "sens": [10, 20, 10]}, index=[7, 5, 6])
    div = l_diversity(unordered, ["id"], "sens")
    assert div.index.tolist() == [7, 5, 6] and div["distinct"].tolist() == [1, 1, 1]
    multi = pd.DataFrame({"key": [1, 1, 1], "s1": ["A", "B", "A"], "s2": ["X", "Y", "Z"]})
    assert l_diversity(multi, ["key"], "s1")["distinct"].tolist() == [2, 2, 2]  # as sdcMicro
    assert l_diversity(multi, ["key"], "s2")["distinct"].tolist() == [3, 3, 3]
    # entropy l-diversity, by hand: exp(-(2/3 ln 2/3 + 1/3 ln 1/3))
    expected = math.exp(-(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)))
    assert l_diversity(multi, ["key"], "s1")["entropy"].iloc[0] == pytest.approx(expected)


def test_l_diversity_summary_counts_records_disclosing_their_answer() -> None:
    frame = pd.DataFrame(
        {
            "facility": [1, 1, 1, 2, 2, 2, 2],
            "violence": [1, 1, 1, 1, 2, NAN, 2],
        }
    )
    summary = l_diversity_summary(frame, ["facility"], "violence")
    # facility 1: everyone answered 1 (l = 1, 3 records); facility 2: answers 1, 2 and a missing
    # one (3 distinct values, the missing one counted as sdcMicro does); unanswered not counted
    assert summary == {
        "records": 6,
        "min_distinct": 1,
        "mean_distinct": 2.0,
        "min_entropy": 1.0,
        "records_below_2": 3,
        "records_below_3": 3,
    }


def test_outlier_share_of_a_continuous_key() -> None:
    # quartiles of 1..10 and 100 (linear interpolation): 3.5 and 8.5, fences -4 and 16
    values = pd.Series([*range(1, 11), 100, NAN])
    assert outlier_share(values) == pytest.approx(1 / 11)
    assert outlier_share(pd.Series([5.0] * 4 + [-30.0])) == pytest.approx(1 / 5)
    assert outlier_share(pd.Series([NAN, NAN])) == 0.0


def test_age_bands_by_global_recoding() -> None:
    ages = pd.Series([17, 18, 24, 25, 59, 60, 85, NAN])
    codes, labels = band_codes(ages, (18, 25, 30, 40, 50, 60))
    assert codes.tolist()[:7] == [1, 1, 1, 2, 5, 6, 6] and pd.isna(codes.iloc[7])
    assert labels == {1: "18-24", 2: "25-29", 3: "30-39", 4: "40-49", 5: "50-59", 6: "60+"}


def test_rare_categories_pooled() -> None:
    values = pd.Series([1] * 5 + [2] * 5 + [3, 4, 4, NAN])
    pooled, rare = pool_rare(values, 3)
    assert rare == [3.0, 4.0]
    assert pooled.tolist()[:13] == [1] * 5 + [2] * 5 + [997, 997, 997]
    assert pd.isna(pooled.iloc[13])
    assert values.tolist()[10:13] == [3, 4, 4]  # the input is left alone


def test_top_and_bottom_coding() -> None:
    coded, changed = top_bottom_code(pd.Series([0, 5, 50, NAN, 30]), top=30, bottom=1)
    assert coded.tolist()[:3] == [1, 5, 30] and pd.isna(coded.iloc[3]) and coded.iloc[4] == 30
    assert changed == 2


def test_noise_is_deterministic_with_a_seed_and_keeps_the_mean() -> None:
    rng = np.random.default_rng(11)
    values = pd.Series(rng.normal(200.0, 30.0, 20_000))
    a = add_noise(values, 0.1, np.random.default_rng(5))
    b = add_noise(values, 0.1, np.random.default_rng(5))
    c = add_noise(values, 0.1, np.random.default_rng(6))
    assert a.equals(b) and not a.equals(c)
    diff = a - values
    # the noise is centred: a one-sample t test does not reject a zero mean
    assert stats.ttest_1samp(diff, 0.0).pvalue > 0.001
    assert abs(a.mean() - values.mean()) < 3 * 0.1 * values.std() / math.sqrt(len(values))
    assert diff.std() == pytest.approx(0.1 * values.std(), rel=0.05)
    counts = pd.Series([0, 1, 2, 3, NAN, 40] * 50)
    noisy = add_noise(counts, 0.5, np.random.default_rng(1), integer=True)
    present = noisy.dropna()
    assert (present == present.round()).all() and (present >= 0).all()
    assert noisy.isna().equals(counts.isna())


def test_protect_recodes_facility_to_stratum_and_counts_what_it_suppressed() -> None:
    from prisonsurvey.questionnaire.find import find_instrument
    from prisonsurvey.questionnaire.load import load_questionnaire_or_raise

    q = load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))
    n = 40
    rng = np.random.default_rng(3)
    root = pd.DataFrame(
        {
            "_key": [f"k{i}" for i in range(n)],
            "facility": rng.choice([101, 102, 201, 202, 203], n),
            "age": rng.integers(18, 70, n),
            "sex": rng.choice([1, 2], n, p=[0.8, 0.2]),
            "roster_line": np.arange(n),
        }
    )
    root["region"] = np.where(root["facility"] < 200, "North", "South")
    spec = ReleaseSection(keys={"remove": ("gender_identity",)}, k=3, sensitive=("sex",))
    result = protect(q, root, spec, {"strata": "region", "psu": "facility"})
    # the facility is replaced by its stratum, coded 1..S and labelled with the stratum names
    assert result.data["facility"].dropna().isin([1, 2]).all()
    kept = result.data["facility"].notna()
    expected = root["region"].map({"North": 1, "South": 2})
    assert (result.data.loc[kept, "facility"] == expected[kept]).all()
    question = result.questionnaire.question("facility")
    labels = result.questionnaire.choice_lists[question.choices or ""].choices
    assert [c.label["es"] for c in labels] == ["North", "South"]
    # age banded; the identifying roster line left out
    assert set(result.data["age"].dropna()) <= {1, 2, 3, 4, 5, 6}
    assert "roster_line" not in result.data and result.left_out["roster_line"] == "identifying"
    # information loss: the suppressions reported are exactly the values set missing
    for key in result.keys:
        before = root[key] if key not in ("facility", "age") else None
        if before is not None:
            assert result.suppressed[key] == int((result.data[key].isna() & before.notna()).sum())
    assert sum(result.suppressed.values()) == sum(
        s["changed"] for s in result.steps if s["method"] == "local suppression"
    )
    assert result.sensitive == ["sex"]
