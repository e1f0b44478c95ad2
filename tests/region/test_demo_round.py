"""The demo's simulated rounds are release packages written by the release package writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.region.rounds import core

from prisonsurvey.demo_region import STRATUM, WEIGHT, simulate_round
from prisonsurvey.region.model import RoundRef
from prisonsurvey.region.rounds import PSU, load_round

EXAMPLE = Path(__file__).parents[2] / "examples" / "region" / "lusitania"


def test_simulated_round_is_a_release_package(tmp_path: Path) -> None:
    spec = tmp_path / "lusitania"
    shutil.copytree(EXAMPLE, spec)
    out = simulate_round(spec, tmp_path / "package", 60, 7, "LUS")
    body = json.loads((out / "release.json").read_text("utf-8"))
    assert body["survey"]["country"] == "LUS"
    assert body["design"] == {
        "strata": STRATUM,
        "psu": "facility",
        "weight": WEIGHT,
        "fpc": None,
        "replicates": None,
    }
    assert "data/lusitania-inmate.parquet" in body["files"]
    for rel in [*body["files"], "questionnaire.json", "codebook.html", "ddi.xml"]:
        assert (out / rel).is_file(), rel
    ref = RoundRef.model_validate(
        {
            "country": "LUS",
            "name": {"pt": "Lusitânia"},
            "year": 2025,
            "source": str(out),
            "adaptation": str(spec / "adaptation.yaml"),
        }
    )
    rnd = load_round(ref, tmp_path, core())
    assert rnd.kind == "release" and rnd.replicates is None
    # the interview dates are not released; the package states the period
    assert rnd.fieldwork == (body["fieldwork"]["start"], body["fieldwork"]["end"])
    assert "start" not in rnd.data and rnd.fieldwork[0] <= rnd.fieldwork[1]
    # facility codes stored as floats in the package read as the codes they are
    assert rnd.data[PSU].str.fullmatch(r"\d+").all()
    assert rnd.design["psu_count"] == rnd.data["facility"].nunique()
