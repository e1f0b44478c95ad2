"""Reading the store out of core gives what reading it whole gives.

One example project (``prisonsurvey demo``: 432 interviews, two rosters, weights) is built for
the module; every bounded-memory path is compared with the whole-table path on it, with chunks
small enough that each table is read in several.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.chunked import store_codebook
from prisonsurvey.demo import run_demo
from prisonsurvey.estimation import project_tables
from prisonsurvey.project import Project
from prisonsurvey.responses import Store, missing_kinds
from prisonsurvey.statfiles.export import export_data
from prisonsurvey.statfiles.run import _project_weights, export_project_data, repeats_of

TABLES = (None, "children", "offences")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    out = tmp_path_factory.mktemp("store") / "demo"
    run_demo(out, respondents=450)
    return Project.open(out / "project")


def test_chunks_and_column_subsets_keep_the_whole_tables_types(project: Project) -> None:
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        for repeat in TABLES:
            whole = store.responses(q.id, repeat)
            chunks = list(store.response_chunks(q.id, repeat, rows=100))
            assert len(chunks) >= 5 and sum(map(len, chunks)) == len(whole)
            for chunk in chunks:
                # a column with a missing value somewhere is nullable in every chunk
                assert chunk.dtypes.equals(whole.dtypes)
            pd.testing.assert_frame_equal(pd.concat(chunks), whole)
            names = [whole.columns[-1], "_key", "not_a_column"]
            subset = store.responses(q.id, repeat, columns=names)
            assert list(subset.columns) == ["_key", whole.columns[-1]]
            pd.testing.assert_frame_equal(subset, whole[["_key", whole.columns[-1]]])
            assert store.count(q.id, repeat) == len(whole)
        whole = store.responses(q.id)
        assert store.null_counts(q.id)["sex"] == int(whole["sex"].isna().sum())
        counts = whole["sex"].value_counts()
        assert store.value_counts(q.id, "sex") == {int(k): int(v) for k, v in counts.items()}
        assert whole["interview_language_other"].isna().any()  # a text column with gaps


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_chunked_export_writes_what_the_whole_table_export_writes(
    project: Project, fmt: str, tmp_path: Path
) -> None:
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        tables = {None: store.responses(q.id)}
        tables.update({r: store.responses(q.id, r) for r in repeats_of(q)})
        extra = _project_weights(project, store, q.id)
    assert extra is not None and "final_weight" in extra.columns
    old = export_data(q, tables, tmp_path / f"whole.{fmt}", fmt, None, False, extra, missing_kinds)  # type: ignore[arg-type]
    new = export_project_data(project.root, tmp_path / f"chunks.{fmt}", fmt, rows=100)  # type: ignore[arg-type]
    assert new.rows == old.rows == (432, 481, 1121)
    assert (new.variables, new.left_out) == (old.variables, old.left_out)
    assert "roster_line" in new.left_out  # identifying: left out unless asked
    for whole, chunked in zip(old.files, new.files, strict=True):
        if fmt == "csv":
            assert filecmp.cmp(whole, chunked, shallow=False)
            continue
        a, b = pq.read_table(whole), pq.read_table(chunked)
        assert a.schema.equals(b.schema, check_metadata=True)
        assert a.equals(b)
        pd.testing.assert_frame_equal(pd.read_parquet(whole), pd.read_parquet(chunked))


def test_project_codebook_from_chunks_equals_the_whole_table_codebook(project: Project) -> None:
    q = project.questionnaire
    with Store.open(project, read_only=True) as store:
        whole = build_codebook(q, "es", store.responses(q.id), None, missing_kinds)
        chunked = store_codebook(q, store, "es", rows=100)
    assert chunked == whole
    assert chunked.n_rows == 432
    assert any(v.missing for v in chunked.variables)


def test_project_tables_from_the_columns_they_use_equal_the_whole_table(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    subset = project_tables.tabulate_project(project.root, ("sex",))
    whole_read = Store.responses

    def every_column(self: Store, instrument: str, *args: object, **kwargs: object) -> object:
        kwargs.pop("columns", None)
        return whole_read(self, instrument, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "responses", every_column)
    whole = project_tables.tabulate_project(project.root, ("sex",))
    pd.testing.assert_frame_equal(subset.tabulation.table, whole.tabulation.table)
    assert len(subset.tabulation.table) > 30
