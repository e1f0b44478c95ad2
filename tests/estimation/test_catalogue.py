"""Indicators of a catalogue estimated on a design, in their units, through the CLI too."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.design import build_design
from prisonsurvey.errors import InputError
from prisonsurvey.estimation import estimate
from prisonsurvey.estimation.catalogue import catalogue_table
from prisonsurvey.estimation.tabulate import TabulateRequest
from prisonsurvey.questionnaire.indicators import load_indicators
from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)

T = {"es": "x", "en": "x"}
CATALOGUE = """\
instrument: mini
indicators:
  - id: no_own_bed
    title: {es: Sin cama propia, en: No own bed}
    kind: proportion
    numerator: ${sleep_place} != 'own_bed'
    universe: ${sleep_place} != ''
  - id: mean_age
    title: {es: Edad media, en: Mean age}
    kind: mean
    variable: ${age}
    universe: ${age} >= 18
    unit: years
  - id: calls_per_visit
    title: {es: Llamadas por visita, en: Calls per visit}
    kind: rate
    numerator: ${calls}
    denominator: ${visits}
    universe: ${visits} > 0
    unit: per_100
"""


def _questionnaire() -> Questionnaire:
    bed = ChoiceList(
        name="sleep",
        choices=(Choice(code=1, name="own_bed", label=T), Choice(code=2, name="floor", label=T)),
    )
    sexes = ChoiceList(
        name="sexes",
        choices=(Choice(code=1, name="male", label=T), Choice(code=2, name="female", label=T)),
    )
    items = (
        Question(name="sleep_place", type=QuestionType.SELECT_ONE, choices="sleep", label=T),
        Question(name="sex", type=QuestionType.SELECT_ONE, choices="sexes", label=T),
        Question(name="age", type=QuestionType.INTEGER, label=T),
        Question(name="visits", type=QuestionType.INTEGER, label=T),
        Question(name="calls", type=QuestionType.INTEGER, label=T),
    )
    return Questionnaire(
        id="mini",
        version="1.0.0",
        title=T,
        languages=("es", "en"),
        default_language="es",
        modules=(Group(name="m1", label=T, items=items),),
        choice_lists={"sleep": bed, "sexes": sexes},
    )


def _data(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    psu = rng.integers(0, 60, n)
    sleep = pd.array(rng.choice([1, 2], n, p=[0.7, 0.3]), dtype="Int64")
    sleep[rng.random(n) < 0.05] = pd.NA
    return pd.DataFrame(
        {
            "stratum": psu % 6,
            "psu": psu,
            "w": rng.uniform(1, 5, n),
            "sleep_place": sleep,
            "sex": rng.choice([1, 2], n),
            "age": rng.integers(14, 70, n),
            "visits": rng.integers(0, 5, n),
            "calls": rng.integers(0, 9, n),
        }
    )


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> object:
    path = tmp_path_factory.mktemp("cat") / "indicators.yaml"
    path.write_text(textwrap.dedent(CATALOGUE), encoding="utf-8")
    return load_indicators(path, _questionnaire())


def test_catalogue_indicators_equal_direct_estimates(catalogue: object) -> None:
    df = _data()
    design = build_design(df["w"], df["stratum"], df["psu"])
    out = catalogue_table(design, df, catalogue, TabulateRequest((), by=("sex",)))  # type: ignore[arg-type]
    table = out.table.set_index(["variable", "sex"])
    direct = df.assign(
        bed=np.where(df["sleep_place"].isna(), np.nan, (df["sleep_place"] != 1).astype(float)),
        adult_age=np.where(df["age"] >= 18, df["age"], np.nan),
        c=np.where(df["visits"] > 0, df["calls"], np.nan),
        v=np.where(df["visits"] > 0, df["visits"], np.nan),
    )
    bed = estimate(design, direct, ["bed"], by=["sex"]).to_frame().set_index("sex")
    age = estimate(design, direct, ["adult_age"], by=["sex"]).to_frame().set_index("sex")
    rate = estimate(design, direct, ["c"], stat="ratio", denominator="v", by=["sex"])
    rate_f = rate.to_frame().set_index("sex")
    for sex in (1, 2):
        assert table.loc[("no_own_bed", sex), "estimate"] == pytest.approx(
            100 * bed.loc[sex, "estimate"]
        )
        assert table.loc[("no_own_bed", sex), "se"] == pytest.approx(100 * bed.loc[sex, "se"])
        assert table.loc[("mean_age", sex), "estimate"] == pytest.approx(age.loc[sex, "estimate"])
        assert table.loc[("calls_per_visit", sex), "estimate"] == pytest.approx(
            100 * rate_f.loc[sex, "estimate"]
        )
        assert table.loc[("calls_per_visit", sex), "unit"] == "per_100"


def test_unknown_indicator_is_bad_input(catalogue: object) -> None:
    df = _data(200)
    design = build_design(df["w"], df["stratum"], df["psu"])
    with pytest.raises(InputError) as err:
        catalogue_table(design, df, catalogue, TabulateRequest(()), ids=["nope"])  # type: ignore[arg-type]
    assert err.value.issues.codes() == ["EST006"]


def test_missing_indicator_column_is_bad_input(catalogue: object) -> None:
    df = _data(200).drop(columns=["calls"])
    design = build_design(df["w"], df["stratum"], df["psu"])
    with pytest.raises(InputError) as err:
        catalogue_table(design, df, catalogue, TabulateRequest(()), ids=["calls_per_visit"])  # type: ignore[arg-type]
    assert err.value.issues.codes() == ["EST007"]


def test_cli_needs_an_instrument_for_indicators(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    _data(100).to_csv(path, index=False)
    res = CliRunner().invoke(
        app, ["tabulate", str(path), "--weight", "w", "--indicators", "no_own_bed", "--json"]
    )
    assert res.exit_code == 2
    assert json.loads(res.output)["issues"][0]["code"] == "EST002"
