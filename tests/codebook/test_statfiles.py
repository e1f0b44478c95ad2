"""SPSS and Stata files read back with pyreadstat: values, labels and missing codes survive."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.questionnaire.model import MissingKind, Questionnaire
from prisonsurvey.responses.missing import missing_kinds
from prisonsurvey.statfiles import SPSS_CODES, export_data

from ._mini import mini, mini_data


def _tables() -> dict[str | None, pd.DataFrame]:
    kids = pd.DataFrame(
        {"_key": ["a/kids[1]", "a/kids[2]"], "_parent_key": ["a", "a"], "kid_age": [3.0, 7.0]}
    )
    return {None: mini_data(), "kids": kids}


def test_spss_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "mini.sav"
    result = export_data(mini(), _tables(), out, "sav", "es", missing_kinds=missing_kinds)
    assert result.files == (out, tmp_path / "mini__kids.sav")
    assert result.left_out == ("full_name",)
    df, meta = pyreadstat.read_sav(str(out), user_missing=True)
    assert "full_name" not in df.columns
    assert df["age"].tolist()[:2] == [30.0, 45.0]
    assert df["height"].tolist()[0] == pytest.approx(1.6)
    # don't know and refused keep their codes, declared user-missing
    assert df["has_kids"].tolist() == [1.0, 2.0, 98.0, 99.0, 1.0]
    ranges = meta.missing_ranges["has_kids"]
    assert {(r["lo"], r["hi"]) for r in ranges} == {(98.0, 98.0), (99.0, 99.0)}
    assert meta.variable_value_labels["has_kids"][98.0] == "No sabe"
    assert meta.column_names_to_labels["has_kids"] == "¿Hijos?"
    # select_multiple: codes as text plus 0/1 columns labelled with the choice
    assert df["kids_care"].tolist()[0] == "1 3"
    assert df["kids_care_3"].tolist()[0] == 1.0
    assert meta.column_names_to_labels["kids_care_2"] == "Familiares"
    # dates and datetimes survive
    assert pd.Timestamp(df["arrest_date"].iloc[0]) == pd.Timestamp("2024-01-05")
    assert pd.Timestamp(df["interview_time"].iloc[1]) == pd.Timestamp("2026-03-01 11:30")
    # without user_missing, every kind of missing reads as missing
    plain, _ = pyreadstat.read_sav(str(out))
    assert plain["has_kids"].isna().tolist() == [False, False, True, True, False]
    kids, _ = pyreadstat.read_sav(str(tmp_path / "mini__kids.sav"))
    assert kids["sys_parent_key"].tolist() == ["a", "a"] and kids["kid_age"].tolist() == [3.0, 7.0]


def test_spss_codes_skipped_and_unanswered_apart(tmp_path: Path) -> None:
    data = mini_data()
    data.loc[4, "has_kids"] = 1
    data["age"] = [30.0, 45.0, np.nan, 52.0, 19.0]
    out = tmp_path / "m.sav"
    export_data(mini(), {None: data}, out, "sav", missing_kinds=missing_kinds)
    df, meta = pyreadstat.read_sav(str(out), user_missing=True)
    # age is always relevant: row c is unanswered
    assert df["age"].iloc[2] == SPSS_CODES[MissingKind.UNANSWERED]
    assert meta.variable_value_labels["age"][float(SPSS_CODES[MissingKind.UNANSWERED])]


def test_stata_round_trip_with_extended_missing(tmp_path: Path) -> None:
    out = tmp_path / "mini.dta"
    result = export_data(
        mini(), _tables(), out, "dta", "en", include_identifying=True, missing_kinds=missing_kinds
    )
    assert result.left_out == ()
    df, meta = pyreadstat.read_dta(str(out), user_missing=True)
    assert df["full_name"].tolist()[0] == "Ana"
    # .b don't know, .c refused
    assert df["has_kids"].tolist() == [1, 2, "b", "c", 1]
    assert sorted(meta.missing_user_values["has_kids"]) == ["b", "c"]
    assert meta.variable_value_labels["has_kids"] == {1: "Yes", 2: "No"}
    # unanswered age (row c) is .e; the extended letter survives the round trip
    assert df["age"].tolist()[2] == "e"
    plain, _ = pyreadstat.read_dta(str(out))
    assert math.isnan(plain["has_kids"].iloc[2])
    assert meta.column_names_to_labels["age"] == "Age?"


def test_long_labels_are_cut_for_stata_and_said(tmp_path: Path) -> None:
    dumped = mini().model_dump()
    dumped["modules"][0]["items"][1]["label"] = {"en": "x" * 120, "es": "y"}
    long_q = Questionnaire.model_validate(dumped)
    result = export_data(long_q, {None: mini_data()}, tmp_path / "l.dta", "dta", "en")
    assert "age" in result.truncated
    _, meta = pyreadstat.read_dta(str(tmp_path / "l.dta"))
    assert len(meta.column_names_to_labels["age"]) == 80


def test_cli_export_from_a_data_file(tmp_path: Path) -> None:
    data = tmp_path / "typed.parquet"
    mini_data().drop(columns=["interview_time"]).to_parquet(data)
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "export",
            "data",
            "--questionnaire",
            "facility-census",
            "--data",
            str(data),
            "-o",
            str(tmp_path / "x.csv"),
            "--format",
            "csv",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["files"] == [str(tmp_path / "x.csv")]
    missing = runner.invoke(app, ["export", "data", "-o", str(tmp_path / "y.dta")])
    assert missing.exit_code == 2
