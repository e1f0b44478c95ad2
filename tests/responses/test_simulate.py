"""Simulated respondents obey the questionnaire and survive every server format unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.responses.importer import import_files
from prisonsurvey.responses.missing import missing_kinds, relevance
from prisonsurvey.responses.simulate import TODAY, simulate, simulate_export
from prisonsurvey.responses.store import Store
from prisonsurvey.responses.writers import write_export

from .conftest import make_project
from .harness import FORM_VERSION, harness_questionnaire


@pytest.fixture(scope="module")
def sim():  # type: ignore[no-untyped-def]
    return simulate(harness_questionnaire(), 3000, seed=11)


def test_skip_logic_constraints_and_filters_hold(sim) -> None:  # type: ignore[no-untyped-def]
    q = harness_questionnaire()
    cq = compiled(q)
    root = sim.tables[None]
    for question in q.questions():
        if not question.holds_data or question.name not in root.columns:
            continue
        asked = relevance(q, root, question.name).to_numpy()
        assert root.loc[~asked, question.name].isna().all(), question.name
        expr = cq.get(question.name, "constraint")
        if expr is not None:
            ok = evaluate(expr, root, current=question.name, today=TODAY)
            assert ok[root[question.name].notna()].all(), question.name
    # choice filter: facility within the region
    regions = {c.code: c.name for c in q.choice_lists["region"].choices}
    facility_region = {c.code: c.filters["region"] for c in q.choice_lists["facility"].choices}
    both = root.dropna(subset=["facility", "region"])
    assert len(both) > 1000
    assert (both["facility"].map(facility_region) == both["region"].map(regions)).all()
    # every branch is exercised
    assert root["services_other"].notna().sum() > 50
    assert set(root["consent"].dropna()) == {1, 2}
    kids = sim.tables["children"]
    with_kids = set(root.loc[root["has_children"] == 1, "_key"])
    assert set(kids["_parent_key"]) == with_kids
    assert (kids["child_age"].dropna() < 18).all()


def test_same_seed_same_respondents() -> None:
    a = simulate(harness_questionnaire(), 200, seed=4)
    b = simulate(harness_questionnaire(), 200, seed=4)
    c = simulate(harness_questionnaire(), 200, seed=5)
    pd.testing.assert_frame_equal(a.tables[None], b.tables[None])
    assert not a.tables[None]["_key"].equals(c.tables[None]["_key"])


def _question_columns(df: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in df.columns if not c.startswith("_") or c in ("_key", "_parent_key")]
    return df[keep].sort_values("_key").reset_index(drop=True)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("central", "c.csv.zip"), ("kobo-xlsx", "k.xlsx"), ("kobo-csv", "k.csv"), ("xml", "x")],
)
def test_every_format_imports_back_to_the_same_tables(tmp_path: Path, fmt: str, name: str) -> None:
    sim = simulate(harness_questionnaire(), 150, seed=3)
    path = write_export(sim, fmt, tmp_path / name, "prison_harness", FORM_VERSION)
    project = make_project(tmp_path / "p")
    result = import_files(project, [path])
    assert (result.new, result.quarantined) == (150, 0)
    with Store.open(project) as store:
        root = store.responses("prison_harness")
        kids = store.responses("prison_harness", "children")
    expected = sim.tables[None]
    got = _question_columns(root)
    want = _question_columns(expected)[
        got.columns.drop([c for c in got.columns if c not in expected.columns])
    ]
    got = got[want.columns]
    for col in want.columns:
        a, b = got[col], want[col]
        if pd.api.types.is_numeric_dtype(b):
            assert a.astype("Float64").equals(b.astype("Float64")), col
        elif pd.api.types.is_datetime64_any_dtype(b):
            assert a.equals(b.astype(a.dtype)), col
        else:
            assert (
                a.astype(object).where(a.notna(), None).tolist()
                == b.astype(object).where(b.notna(), None).tolist()
            ), col
    assert np.array_equal(
        root["start"].sort_values().to_numpy(),
        expected["start"].sort_values().to_numpy().astype(root["start"].dtype),
    )
    if fmt == "kobo-csv":
        assert kids.empty
    else:
        assert sorted(kids["_key"]) == sorted(sim.tables["children"]["_key"])


def test_simulate_export_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    with pytest.raises(InputError) as exc:
        simulate_export(project.root, n=5, fmt="spss", out=tmp_path / "o")
    assert exc.value.issues.codes() == ["SIM001"]
    written = simulate_export(project.root, n=5, fmt="central", out=tmp_path / "o.zip")
    assert written["respondents"] == 5 and Path(written["path"]).exists()


def test_missing_kinds_on_simulated_data(sim) -> None:  # type: ignore[no-untyped-def]
    q = harness_questionnaire()
    root = sim.tables[None]
    kinds = missing_kinds(q, root)
    refused = root["consent"] == 2
    assert (kinds.loc[refused, "age"] == "skipped").all()
    assert kinds.loc[root["age"].notna(), "age"].isna().all()
    no_other = root["services"].notna() & ~root["services"].fillna("").str.contains("5")
    assert (kinds.loc[no_other, "services_other"] == "skipped").all()
    # optional questions left empty while relevant are unanswered
    assert (kinds["cell_window"] == "unanswered").sum() > 0
