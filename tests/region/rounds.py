"""Small purpose-built rounds for the regional tests: release packages of simulated data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import Questionnaire
from prisonsurvey.responses.scenario import default_scenario_path, load_scenario
from prisonsurvey.responses.simulate import simulate


def core() -> Questionnaire:
    """The regional core questionnaire."""
    return load_questionnaire_or_raise(find_instrument("regional-inmate@1.0.0"))


def write_package(
    folder: Path,
    q: Questionnaire,
    n: int,
    seed: int,
    strata: int = 2,
    psus: int = 3,
    scenario: bool = True,
) -> pd.DataFrame:
    """Write a release package of ``n`` simulated respondents of ``q`` in ``folder``.

    The design: ``strata`` strata of ``psus`` facilities each, unequal weights.
    """
    sc = load_scenario(default_scenario_path(q) or Path(), q) if scenario else None
    data = simulate(q, n, seed, sc).tables[None].copy()
    rng = np.random.default_rng(seed)
    facility = np.arange(n) % (strata * psus)
    data["stratum"] = facility // psus + 1
    data["facility_id"] = facility + 1
    data["final_weight"] = rng.uniform(5.0, 40.0, n).round(3)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    data.to_csv(folder / "data" / f"{q.id}.csv", index=False)
    (folder / "questionnaire.json").write_text(q.model_dump_json(), "utf-8")
    body = {
        "instrument": {"id": q.id, "version": q.version},
        "design": {"weight": "final_weight", "strata": "stratum", "psu": "facility_id"},
    }
    (folder / "release.json").write_text(json.dumps(body), "utf-8")
    return data


def region_yaml(folder: Path, rounds: list[dict[str, object]], extra: str = "") -> Path:
    """Write a region.yaml naming ``rounds`` (dicts of the round keys, YAML flow style)."""
    lines = [
        "programme: {id: test-region, title: {en: Test region, es: Región de prueba}}",
        "core: {instrument: regional-inmate, version: 1.0.0}",
        "languages: [es, en, pt, fr]",
        extra,
        "rounds:",
    ]
    for r in rounds:
        lines.append("  - " + json.dumps(r, ensure_ascii=False))
    path = folder / "region.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
