"""Comparability classes on purpose-built adaptations: each class at least once, and a cell
that is not comparable or not collected never carries a number."""

from __future__ import annotations

import math

from prisonsurvey.adaptation import load_adapted
from prisonsurvey.region.model import Comparability
from prisonsurvey.region.run import Region

C = Comparability


def test_every_class_with_its_reason(region: Region) -> None:
    cells = region.cells
    assert cells[("AAA", "no_own_bed")].comparability is C.COMPARABLE
    assert cells[("AAA", "no_own_bed")].reasons == ()
    # Portuguese wording of sleep_place: comparable with a note
    lus = cells[("LUS", "no_own_bed")]
    assert lus.comparability is C.COMPARABLE_NOTE
    assert lus.reasons == ("'sleep_place' adapted: label changed in 'pt'",)
    # a declared change of who is asked: a different universe, with the declared reason
    care = cells[("LUS", "health_care_denied")]
    assert care.comparability is C.COMPARABLE_NOTE
    assert "different universe" in care.reasons[0]
    assert "only people aged 21 or more" in care.reasons[0]
    # a module not fielded: not collected, for the module's reason
    work = cells[("BOR", "in_paid_work")]
    assert work.comparability is C.NOT_COLLECTED
    assert work.reasons == (
        "'work_now' not fielded (module m10_programmes): the prison service runs its own "
        "register of education and work",
    )
    # an answer code removed without declaring it: not comparable
    cis = cells[("CIS", "no_own_bed")]
    assert cis.comparability is C.NOT_COMPARABLE
    assert "code 4 ('floor') was removed" in cis.reasons[0]
    assert "(not declared)" in cis.reasons[0]
    # the analyst's judgement in region.yaml wins over the derived class
    judged = cells[("BOR", "victim_any_violence")]
    assert judged.comparability is C.NOT_COMPARABLE
    assert judged.reasons == ("<script>alert(1)</script> asked of the last 12 months",)
    assert cells[("CIS", "food_insufficient")].comparability is C.COMPARABLE


def test_hidden_cells_never_show_a_number(region: Region) -> None:
    hidden = {k for k, c in region.cells.items() if not c.comparability.shown}
    assert len(hidden) == 5
    records = region.records()
    seen = 0
    for rec in records:
        if (rec["area"], rec["indicator"]) in hidden:
            seen += 1
            assert rec["comparability"] in ("not_comparable", "not_collected")
            assert rec["status"] == rec["comparability"]
            for name in ("estimate", "se", "ci_lower", "ci_upper"):
                assert rec[name] is None
    assert seen >= 5 * 3  # the total and every breakdown row of each hidden cell
    # ... and the stacked file holds nothing for them either
    stacked = region.stacked
    for country, ind in hidden:
        assert stacked.loc[stacked["country"] == country, ind].isna().all()


def test_regional_figure_says_who_is_left_out(region: Region) -> None:
    rows = [
        r
        for r in region.records()
        if r["area"] == "region" and r["sex"] is None and r["legal_status"] is None
    ]
    by_id = {r["indicator"]: r for r in rows}
    assert by_id["in_paid_work"]["comparability"] == "comparable_note"
    assert "not included: BOR" in by_id["in_paid_work"]["reasons"]
    assert by_id["no_own_bed"]["reasons"] == "not included: CIS; with a note: LUS"
    assert by_id["food_insufficient"]["comparability"] == "comparable"
    assert not math.isnan(by_id["in_paid_work"]["estimate"])


def test_a_module_not_fielded_is_a_valid_adaptation(region: Region) -> None:
    bor = next(r for r in region.rounds if r.ref.country == "BOR")
    assert bor.summary is not None
    assert bor.summary.comparable
    assert "work_now" not in bor.summary.kept
    assert "work_now" not in bor.summary.adapted_items
    assert not any("work_now" in c.item for c in bor.summary.undeclared_breaking)
    assert load_adapted(region.root / "bor-adapt").ok
