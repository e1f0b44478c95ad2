"""The Arrow way of ``tabulate DATA`` gives exactly what the pandas way gives.

Both ways run on the same CSV and Parquet files (missing values spelled as pandas reads them,
numeric and string domains, integer columns with missing values); records, the printed table,
the CSV file and the pandas table must be equal, not close.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from prisonsurvey.cli.estimation import _show
from prisonsurvey.design.spec import DesignSpec
from prisonsurvey.estimation.plain_table import plain_table
from prisonsurvey.estimation.plain_tabulate import (
    PlainTabulation,
    tabulate_data_file,
    tabulate_plain,
)
from prisonsurvey.estimation.tabulate import TabulateRequest, tabulate_file
from prisonsurvey.estimation.writers import write_tables

SPEC = DesignSpec(weight="w", strata="region", psu="fac")
N = 600


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    fac = rng.integers(0, 18, N)
    frame = pd.DataFrame(
        {
            "id": np.arange(N),
            "region": np.array(["north", "south", "east"])[fac % 3],
            "fac": fac,
            "sex": rng.choice(["female", "male", "non-binary"], N),
            "grade": rng.integers(1, 5, N).astype(np.float64),
            "year": rng.integers(2019, 2023, N),
            "y": rng.normal(10, 3, N),
            "count": rng.integers(0, 7, N),
            "answer": rng.choice(["yes", "no", "don't know"], N),
            "x": rng.uniform(1, 2, N),
            "w": rng.uniform(1, 3, N),
            "fpc": np.where(fac % 3 == 0, 10, 12),
        }
    )
    # missing values: a string domain, a numeric domain (read back as floats), variables
    frame.loc[rng.random(N) < 0.05, "sex"] = None
    frame.loc[rng.random(N) < 0.08, "grade"] = np.nan
    frame.loc[rng.random(N) < 0.1, "y"] = np.nan
    frame.loc[rng.random(N) < 0.1, "answer"] = None
    return frame


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False, na_rep="")
    lines = text.splitlines()
    # spell some missing values as "NA" and "n/a" too, as field exports do
    lines = [line.replace(",,", ",NA,", 1) if i % 7 == 3 else line for i, line in enumerate(lines)]
    lines = [
        line.replace(",,", ",n/a,", 1) if i % 11 == 5 else line for i, line in enumerate(lines)
    ]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module", params=["csv", "parquet-pandas", "parquet-arrow"])
def datafile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    frame = _frame()
    if request.param == "csv":
        path = folder / "survey.csv"
        _write_csv(frame, path)
    elif request.param == "parquet-pandas":
        path = folder / "survey.parquet"
        frame.to_parquet(path, index=False)
    else:
        path = folder / "survey.pq"
        table = pa.Table.from_pandas(frame, preserve_index=False)
        # integer domain with nulls kept as integers, and no pandas metadata
        grade = pa.array(frame["grade"].to_numpy(), mask=frame["grade"].isna().to_numpy())
        where = table.schema.get_field_index("grade")
        table = table.set_column(where, "grade", grade.cast("int16"))
        pq.write_table(table.replace_schema_metadata(None), path)
    return path


REQUESTS = [
    TabulateRequest(variables=("y",), by=()),
    TabulateRequest(variables=("y", "count"), by=("sex",), ci="wald"),
    TabulateRequest(variables=("y",), by=("sex", "grade"), df="domain"),
    TabulateRequest(variables=("count", "answer"), by=("grade",), stat="prop"),
    TabulateRequest(variables=("answer",), by=("region", "year"), stat="mean", ci="beta"),
    TabulateRequest(variables=("y", "count"), by=("year",), stat="total"),
    TabulateRequest(variables=("y",), by=("sex",), stat="ratio", denominator="x"),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.stat}-{'-'.join(r.by)}")
@pytest.mark.parametrize(
    "spec",
    [SPEC, DesignSpec(weight="w", strata="region", psu="fac", fpc="fpc"), DesignSpec(weight="w")],
)
def test_same_records_text_csv_and_frame(
    datafile: Path,
    request_: TabulateRequest,
    spec: DesignSpec,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = tabulate_plain(datafile, spec, request_)
    assert plain is not None
    old = tabulate_file(datafile, spec, request_)
    assert plain.to_records() == old.to_records()
    pd.testing.assert_frame_equal(plain.to_frame(), old.table)
    _show(old.table, request_.by)
    shown = capsys.readouterr().out
    _show(plain, request_.by)
    assert capsys.readouterr().out == shown
    ours = plain.write_csv(tmp_path / "plain.csv")
    theirs = write_tables(old.table, tmp_path / "pandas.csv", "csv")
    assert ours.read_bytes() == theirs.read_bytes()


def test_text_of_awkward_numbers_matches_pandas(
    datafile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Negative, huge, tiny, infinite and missing figures print as pandas prints them."""
    base = tabulate_plain(datafile, SPEC, REQUESTS[2])
    assert base is not None
    rng = np.random.default_rng(3)
    awkward = np.array([-1.5e-7, 2.5e12, -0.0, np.inf, np.nan, 123456.0, -98.76, 1.0])
    cols = dict(base.estimates)
    for name in ("estimate", "se", "ci_lower", "ci_upper"):
        cols[name] = rng.choice(awkward, len(cols[name]))
    cols["n"] = rng.integers(0, 10**7, len(cols["n"]))
    table = plain_table(cols, base.by, base.by_levels)
    _show(table.to_frame(), REQUESTS[2].by)
    shown = capsys.readouterr().out
    _show(table, REQUESTS[2].by)
    assert capsys.readouterr().out == shown


def test_csv_output_and_json_through_the_command_path(datafile: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.csv"
    result = tabulate_data_file(datafile, SPEC, REQUESTS[1], out)
    assert isinstance(result, PlainTabulation)
    old = tabulate_file(datafile, SPEC, REQUESTS[1], tmp_path / "old.csv")
    assert out.read_bytes() == (tmp_path / "old.csv").read_bytes()
    assert result.to_records() == old.to_records()


def test_other_formats_and_quantiles_go_through_pandas(datafile: Path, tmp_path: Path) -> None:
    md = tabulate_data_file(datafile, SPEC, REQUESTS[1], tmp_path / "t.md")
    assert not isinstance(md, PlainTabulation)
    quantile = TabulateRequest(variables=("y",), stat="quantile")
    assert not isinstance(tabulate_data_file(datafile, SPEC, quantile), PlainTabulation)


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        # a boolean, a date and an unknown column are left to pandas
        ("w,y,flag\n1,2,true\n2,3,false\n", TabulateRequest(("y",), ("flag",))),
        ("w,y,day\n1,2,2024-01-01\n2,3,2024-01-02\n", TabulateRequest(("y",), ("day",))),
        ("w,y\n1,2\n2,3\n", TabulateRequest(("nope",))),
        # a missing weight or a renamed header: pandas reports or renames it
        ("w,y\n1,2\n,3\n", TabulateRequest(("y",))),
        ("w,y,y\n1,2,3\n2,3,4\n", TabulateRequest(("y",))),
    ],
)
def test_left_to_pandas(tmp_path: Path, text: str, request_: TabulateRequest) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text)
    assert tabulate_plain(path, DesignSpec(weight="w"), request_) is None


def test_command_never_imports_pandas(datafile: Path, tmp_path: Path) -> None:
    design = ["--weight", "w", "--strata", "region", "--psu", "fac"]
    code = (
        "import sys\n"
        "from prisonsurvey.cli import app\n"
        "for extra in ([], ['--json'], ['-o', sys.argv[2]]):\n"
        "    try:\n"
        f"        app(['tabulate', sys.argv[1], *{design!r}, '--vars', 'y,answer',\n"
        "             '--by', 'sex,grade', *extra])\n"
        "    except SystemExit as done:\n"
        "        assert not done.code, done.code\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(datafile), str(tmp_path / "t.csv")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
