"""The demo's last step: the regional report of three fictional countries.

:func:`run_region` builds the programme of ``examples/region`` under the demo's output folder:
Arcadia is the survey project the demo has just run; Lusitania and Borealia are simulated from
the small specs committed for them (adaptation, scenario, facility frame) and written as release
packages by the release package writer
(:func:`~prisonsurvey.release.package.write_release`: data files, fielded questionnaire,
codebook, DDI, ``release.json`` with the design). Simulated people need no disclosure control,
so their packages carry no protection figures nor disclosure report. Every country's facility
census comes from the example folders. Then ``prisonsurvey region report`` runs on the
programme.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.adaptation import load_adapted
from prisonsurvey.errors import InputError
from prisonsurvey.region.run import region_report
from prisonsurvey.release.package import write_release
from prisonsurvey.responses.scenario import load_scenario
from prisonsurvey.responses.simulate import simulate

SIMULATED = {"lusitania": ("LUS", 240), "borealia": ("BOR", 180)}
"""The simulated rounds of the example: country code and interviews."""
STRATUM, WEIGHT = "design_stratum", "final_weight"


def simulate_round(
    spec: Path, out: Path, respondents: int, seed: int, country: str | None = None
) -> Path:
    """Simulate a country's round from its specs and write it as a release package.

    Interviews are spread evenly over every facility of the frame (``facilities.csv``), answered
    as the country's ``scenario.yaml`` says, in the questionnaire its ``adaptation.yaml``
    fields. Those who consent are the respondents; the design is stratified by the frame's
    region with facilities as PSUs, each respondent weighted by the facility's population over
    its respondents.

    Args:
        spec: The country's folder (adaptation, scenario, facility frame).
        out: The package folder to write.
        respondents: Interviews simulated.
        seed: Seed of the simulation.
        country: The country code the package's ``release.json`` names.

    Returns:
        The package folder.

    Raises:
        InputError: The adaptation or scenario is invalid.
    """
    adapted = load_adapted(spec / "adaptation.yaml")
    if adapted.questionnaire is None:
        raise InputError(adapted.issues.errors)
    q = adapted.questionnaire
    frame = pd.read_csv(spec / "facilities.csv")
    codes = frame["code"].to_numpy()
    facility = np.sort(codes[np.arange(respondents) % len(codes)])
    scenario = load_scenario(spec / "scenario.yaml", q)
    data = simulate(q, respondents, seed, scenario, facilities=facility).tables[None]
    data = data.loc[pd.to_numeric(data["consent"], errors="coerce") == 1].reset_index(drop=True)
    fac = pd.to_numeric(data["facility"], errors="coerce")
    info = frame.set_index("code")
    data[STRATUM] = fac.map(info["region"]).to_numpy()
    data[WEIGHT] = (fac.map(info["population"]) / fac.map(fac.value_counts())).to_numpy()
    design = {
        "strata": STRATUM,
        "psu": "facility",
        "weight": WEIGHT,
        "fpc": None,
        "replicates": None,
    }
    survey = {"id": q.id, "country": country, "title": q.title.get(q.default_language)}
    write_release(q, data, {}, design, survey, {"records": len(data)}, out)
    return out


def run_region(example: Path, out: Path, seed: int) -> dict[str, Any]:
    """Build the example programme in ``out / "region"`` and write its report.

    Args:
        example: The repository's ``examples`` folder.
        out: The demo's output folder (holding the Arcadia project in ``project/``).
        seed: Seed of the simulations.

    Returns:
        The demo step: where the report is, the countries and their comparability classes.

    Raises:
        InputError: A round or the programme is invalid.
    """
    specs = example / "region"
    root = out / "region"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(specs / "region.yaml", root / "region.yaml")
    (root / "arcadia").mkdir(exist_ok=True)
    shutil.copy2(example / "country" / "census" / "census_2025.csv", root / "arcadia")
    for k, (folder, (country, n)) in enumerate(SIMULATED.items(), start=1):
        shutil.copytree(specs / folder, root / folder, dirs_exist_ok=True)
        simulate_round(root / folder, root / "rounds" / folder, n, seed + k, country)
    report = root / "report"
    result = region_report(root, report)
    classes: dict[str, dict[str, int]] = {}
    for cell in result["comparability"]:
        counts = classes.setdefault(cell["area"], {})
        counts[cell["comparability"]] = counts.get(cell["comparability"], 0) + 1
    return {
        "report": str(report / "index.en.html"),
        "pages": str(report),
        "workbook": str(report / "regional_report.xlsx"),
        "countries": ", ".join(classes),
        "figures": len(result["estimates"]),
        "comparability": classes,
    }
