"""``tabulate DATA`` reads only the columns the request names, with the same results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.datafile import data_file_columns, read_data_file
from prisonsurvey.design.spec import DesignSpec, design_from_frame
from prisonsurvey.estimation.tabulate import (
    TabulateRequest,
    read_microdata,
    request_columns,
    tabulate,
    tabulate_file,
)

SPEC = DesignSpec(weight="w", strata="region", psu="fac", repweights="rep_*", reptype="jk1")
REQUEST = TabulateRequest(variables=("y",), by=("sex",), stat="mean", ci="wald")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 240
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "region": rng.choice(["north", "south", "east"], n),
            "fac": rng.integers(0, 12, n),
            "sex": rng.choice(["female", "male"], n),
            "y": rng.normal(size=n),
            "unused_text": [f"free text {i}" for i in range(n)],
            "w": rng.uniform(1, 3, n),
        }
    )
    for r in range(4):
        frame[f"rep_{r + 1}"] = frame["w"] * np.where(frame["fac"] % 4 == r, 0.0, 4 / 3)
    return frame


@pytest.fixture(params=[".csv", ".parquet"])
def datafile(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"survey{request.param}"
    frame = _frame()
    if request.param == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def test_request_names_its_variables_domains_and_design(datafile: Path) -> None:
    wanted = request_columns(datafile, SPEC, REQUEST)
    assert wanted == ["y", "sex", "w", "region", "fac", "rep_1", "rep_2", "rep_3", "rep_4"]
    read = read_microdata(datafile, wanted)
    # file order, and nothing else: the free text and the id are never read
    assert list(read.columns) == [c for c in data_file_columns(datafile) or () if c in wanted]
    assert "unused_text" not in read and "id" not in read


def test_projected_tabulation_equals_the_whole_file(datafile: Path) -> None:
    whole = read_data_file(datafile)
    expected = tabulate(design_from_frame(whole, SPEC), whole, REQUEST).table
    got = tabulate_file(datafile, SPEC, REQUEST).table
    pd.testing.assert_frame_equal(got, expected)


def test_a_missing_column_reads_the_whole_file_to_name_it(datafile: Path) -> None:
    read = read_microdata(datafile, ["y", "no_such_column"])
    assert "unused_text" in read


def test_string_columns_stay_in_arrow_storage(datafile: Path) -> None:
    read = read_microdata(datafile, ["region", "sex", "y"])
    # factorizing these never converts the N values to Python objects
    assert read["region"].dtype != object and read["sex"].dtype != object
