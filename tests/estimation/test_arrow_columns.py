"""A CSV file larger than its typed first rows reads as pandas reads it.

The Arrow reader converts a CSV file's columns to the types its first rows give and infers
over the whole file only when a later row does not fit. The file here is larger than those
first rows, and its late rows change some columns' types (an integer column that turns
float or text, a column empty at first); every column must equal what pandas reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from prisonsurvey.datafile import read_data_file
from prisonsurvey.estimation.arrow_columns import _SAMPLE_BYTES, read_columns

ROWS = 80_000


def _write(path: Path, late: dict[str, str]) -> None:
    """A CSV of ``ROWS`` rows whose last row sets ``late`` values; larger than the sample."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "n": rng.integers(0, 50, ROWS).astype(str),
            "x": np.round(rng.normal(0, 1, ROWS), 6).astype(str),
            "text": rng.choice(["alpha", "beta", "NA", "", "gamma"], ROWS),
            "late_float": rng.integers(0, 9, ROWS).astype(str),
            "late_text": rng.integers(0, 9, ROWS).astype(str),
            "empty_first": np.where(np.arange(ROWS) < ROWS // 2, "", "3"),
        }
    )
    for column, value in late.items():
        frame.loc[ROWS - 1, column] = value
    frame.to_csv(path, index=False)
    assert path.stat().st_size > _SAMPLE_BYTES


@pytest.mark.parametrize(
    "late",
    [{}, {"late_float": "1.5"}, {"late_text": "many"}, {"late_float": "2.5", "late_text": "x"}],
    ids=["fits", "int-then-float", "int-then-text", "both"],
)
def test_large_csv_columns_equal_pandas(tmp_path: Path, late: dict[str, str]) -> None:
    path = tmp_path / "big.csv"
    _write(path, late)
    names = ["n", "x", "text", "late_float", "late_text", "empty_first"]
    columns = read_columns(path, names)
    assert columns is not None
    # text comes as a dictionary only from the typed read; a late misfit reads it as strings
    assert pa.types.is_dictionary(columns["text"].data.type) == (not late)
    frame = read_data_file(path, columns=names)
    for name in names:
        ours, theirs = columns[name], frame[name]
        assert (ours.kind == "str") != pd.api.types.is_numeric_dtype(theirs), name
        codes, levels = ours.factorize()
        want_codes, want_levels = pd.factorize(theirs, sort=True)
        np.testing.assert_array_equal(codes, want_codes)
        assert levels == want_levels.tolist(), name
        if ours.kind != "str":
            np.testing.assert_array_equal(ours.floats(), theirs.to_numpy(dtype=np.float64))
