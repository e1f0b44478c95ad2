"""The shipped regional inmate questionnaire: simulate, export as Central, import back."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.project import init_project
from prisonsurvey.questionnaire.compiled import compiled
from prisonsurvey.questionnaire.expressions import evaluate
from prisonsurvey.responses import Store, import_files, missing_kinds, relevance
from prisonsurvey.responses.simulate import TODAY, simulate_export

ROOT = Path(__file__).resolve().parents[2]


def test_regional_instrument_round_trip(tmp_path: Path) -> None:
    project = init_project(
        tmp_path / "p",
        instrument="regional-inmate@1.0.0",
        questionnaire_path=str(ROOT / "questionnaires/regional-inmate/1.0.0"),
    )
    out = simulate_export(project.root, n=200, fmt="central", out=tmp_path / "s.csv.zip")
    result = import_files(project, [Path(out["path"])])
    assert (result.new, result.quarantined) == (200, 0)
    q = project.questionnaire
    cq = compiled(q)
    with Store.open(project) as store:
        root = store.responses(q.id)
    kinds = missing_kinds(q, root)
    assert (kinds == "skipped").any().any() and (kinds == "unanswered").any().any()
    for question in q.questions():
        if question.name not in root.columns or not question.holds_data:
            continue
        asked = relevance(q, root, question.name).to_numpy()
        assert root.loc[~asked, question.name].isna().all(), question.name
        expr = cq.get(question.name, "constraint")
        if expr is not None:
            ok = evaluate(expr, root, current=question.name, today=TODAY)
            assert ok[root[question.name].notna()].all(), question.name
