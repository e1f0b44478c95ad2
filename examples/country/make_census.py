"""Generate the example facility census of Arcadia (census/census_2025.csv) from facilities.csv.

One row per facility, one column per question of questionnaires/facility-census/1.0.0 (codes for
choices, as a plain export has them), plus ``region`` from the frame. Deterministic (seeded):
running it again writes the same file. Everything adds up: capacity by sex to the frame's
official capacity, stock by legal status and by age band to the stock by sex, the stock to the
frame's population, deaths by cause to the total. A few facilities report estimated figures and
a few have no programme or staff records, as in real censuses.

Usage: python examples/country/make_census.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 2025
FUNCTION = {"pretrial": 1, "sentenced": 2, "mixed": 3}
SEXES = {"men": 1, "women": 2, "both": 3}
LEGAL = {  # untried, appeal pending, final sentence, security measure
    1: [0.70, 0.10, 0.18, 0.02],
    2: [0.08, 0.10, 0.80, 0.02],
    3: [0.40, 0.10, 0.48, 0.02],
}
AGES = ["u18", "18_24", "25_34", "35_44", "45_59", "60p"]
AGE_SHARES = [0.22, 0.34, 0.24, 0.14, 0.06]
CAUSES = ["natural", "suicide", "homicide", "accident", "overdose", "unknown"]
CAUSE_SHARES = [0.58, 0.13, 0.11, 0.05, 0.05, 0.08]
RECORDS, ESTIMATE, NOT_AVAILABLE = 1, 2, 98
# Facilities whose figures are estimated or missing, by section (codes from facilities.csv).
ESTIMATED_STOCK = {1008, 1017, 1025, 1033}
ESTIMATED_CAPACITY = {1017}
ESTIMATED_INCIDENTS = {1011, 1027, 1033}
NO_PROGRAMME_RECORDS = {1016, 1029}
NO_STAFF_RECORDS = {1034}
PRIVATE = {1014, 1027}
PPP = {1005}
JUVENILES = {1003, 1021, 1026}


def split(rng: np.random.Generator, total: int, shares: list[float]) -> list[int]:
    """Split ``total`` into parts drawn with ``shares`` (the parts add up to ``total``)."""
    p = np.asarray(shares, dtype=float)
    return [int(v) for v in rng.multinomial(total, p / p.sum())]


def facility_row(rng: np.random.Generator, f: dict[str, str]) -> dict[str, object]:
    """All answers of one facility."""
    code = int(f["code"])
    function, sexes = FUNCTION[f["facility_type"]], SEXES[f["sex_held"]]
    capacity, population = int(f["official_capacity"]), int(f["population"])
    juveniles = code in JUVENILES
    row: dict[str, object] = {
        "reference_date": "2025-12-31",
        "reference_year": 2025,
        "facility": code,
        "admin_level": 2 if f["region"] in ("north", "south") else 1,
        "operator": 2 if code in PRIVATE else 3 if code in PPP else 1,
        "facility_function": function,
        "sexes_held": sexes,
        "holds_juveniles": 1 if juveniles else 2,
        "security_level": int(rng.choice([1, 2, 3, 4], p=[0.15, 0.45, 0.2, 0.2])),
        "year_opened": int(rng.integers(1890, 2020)),
    }
    female_share = {1: 0.0, 2: 1.0, 3: 0.14}[sexes]
    cap_f = round(capacity * female_share)
    row |= {
        "capacity_official_male": capacity - cap_f if sexes != 2 else None,
        "capacity_official_female": cap_f if sexes != 1 else None,
        "capacity_official": capacity,
        "capacity_operational": capacity - int(rng.integers(0, capacity // 10 + 1)),
        "places_closed_unfit": int(rng.integers(0, capacity // 20 + 1)),
        "cells_individual": capacity // 10,
        "cells_shared": capacity // 6,
        "sleeping_area_m2": round(capacity * float(rng.uniform(2.5, 5.5)), 1),
        "beds": min(capacity, population) - int(rng.integers(0, 10)),
        "toilets_working": max(1, capacity // 12),
        "showers_working": max(1, capacity // 15),
        "water_hours": int(rng.choice([6, 12, 18, 24])),
        "capacity_source": ESTIMATE if code in ESTIMATED_CAPACITY else RECORDS,
    }
    stock_f = round(population * {1: 0.0, 2: 1.0, 3: 0.11}[sexes])
    stock = {"male": population - stock_f, "female": stock_f}
    for sex in ("male", "female"):
        asked = (sex == "male" and sexes != 2) or (sex == "female" and sexes != 1)
        n = stock[sex]
        legal = split(rng, n, LEGAL[function])
        u18 = int(rng.integers(1, 6)) if juveniles and n > 10 else 0
        ages = [u18, *split(rng, n - u18, AGE_SHARES)]
        for name, value in zip(("untried", "appeal", "final", "measure"), legal, strict=True):
            row[f"stock_{sex}_{name}"] = value if asked else None
        row[f"stock_{sex}"] = n
        for band, value in zip(AGES, ages, strict=True):
            row[f"stock_{sex}_age_{band}"] = (
                None if not asked or (band == "u18" and not juveniles) else value
            )
    women = stock["female"]

    def count(status: str) -> int:
        return sum(int(str(row[f"stock_{s}_{status}"] or 0)) for s in ("male", "female"))

    mothers = round(women * 0.04)
    row |= {
        "stock_total": population,
        "stock_untried": count("untried"),
        "stock_unsentenced_national": count("untried") + count("appeal"),
        "stock_foreign": int(rng.binomial(population, 0.03)),
        "stock_indigenous": int(rng.binomial(population, 0.08)),
        "stock_afro": int(rng.binomial(population, 0.10)),
        "stock_disability": int(rng.binomial(population, 0.05)),
        "stock_pregnant": int(rng.binomial(women, 0.02)) if women else None,
        "stock_mothers_with_children": mothers if women else None,
        "children_living": round(mothers * 1.2) if women else None,
        "stock_life": int(rng.binomial(population, 0.01)) if function != 1 else 0,
        "stock_source": ESTIMATE if code in ESTIMATED_STOCK else RECORDS,
    }
    start = round(population * float(rng.uniform(0.9, 1.1)))
    admissions = round(population * float(rng.uniform(0.8, 2.0)))
    deaths = int(rng.poisson(population * 25 / 10_000))
    causes = split(rng, deaths, CAUSE_SHARES)
    escapes = int(rng.poisson(population * 6 / 10_000))
    releases = split(rng, max(admissions - (population - start), 0), [0.45, 0.2, 0.2, 0.14, 0.01])
    row |= {
        "admissions_total": admissions,
        "admissions_pretrial": round(admissions * LEGAL[function][0]),
        "admissions_female": round(admissions * female_share),
        "releases_end_sentence": releases[0],
        "releases_conditional": releases[1],
        "releases_acquittal_bail": releases[2],
        "releases_transfer": releases[3],
        "releases_death": deaths,
        "releases_escape": escapes,
        "releases_other": releases[4],
        "releases_total": sum(releases) + deaths + escapes,
        "population_start_year": start,
        "flows_source": RECORDS,
        "offence_counting_rule": 1,
    }
    offences = split(rng, population, [2, 4, 3, 1, 18, 22, 16, 9, 4, 3, 8, 10])
    for i, value in enumerate(offences[:11], start=1):
        row[f"offence_iccs{i:02d}"] = value
    row |= {
        "offence_classified": sum(offences[:11]),
        "offence_unknown": offences[11],
        "offence_source": RECORDS,
        "deaths_total": deaths,
    }
    for cause, value in zip(CAUSES, causes, strict=True):
        row[f"deaths_{cause}"] = value
    row |= {
        "deaths_female": int(rng.binomial(deaths, female_share)),
        "deaths_untried": int(rng.binomial(deaths, LEGAL[function][0])),
        "self_harm": int(rng.poisson(population * 0.01)),
        "assaults_inmates": int(rng.poisson(population * 0.03)),
        "assaults_on_staff": int(rng.poisson(population * 0.005)),
        "sexual_violence_allegations": int(rng.poisson(population * 0.002)),
        "disturbances": int(rng.poisson(1)),
        "escapes": escapes,
        "absconding": int(rng.poisson(1)) if function != 1 else 0,
        "contraband_phones": int(rng.poisson(population * 0.05)),
        "contraband_weapons": int(rng.poisson(population * 0.02)),
        "incidents_source": ESTIMATE if code in ESTIMATED_INCIDENTS else RECORDS,
    }
    staff = {
        "custodial": max(5, round(population / float(rng.uniform(3, 8)))),
        "treatment": max(1, round(population / 60)),
        "health": max(1, round(population / 120)),
        "admin": max(2, round(population / 80)),
    }
    no_staff = code in NO_STAFF_RECORDS
    for job, n in staff.items():
        women_share = 0.8 if sexes == 2 else 0.25
        w = round(n * women_share)
        row[f"staff_{job}_male"] = None if no_staff else n - w
        row[f"staff_{job}_female"] = None if no_staff else w
    row |= {
        "staff_custodial": 0 if no_staff else staff["custodial"],
        "staff_total": 0 if no_staff else sum(staff.values()),
        "staff_vacancies": None if no_staff else int(rng.integers(0, 20)),
        "staff_training_hours": None if no_staff else round(float(rng.uniform(10, 60)), 1),
        "staff_sanctioned_corruption": None if no_staff else int(rng.poisson(0.5)),
        "staff_injured": None if no_staff else int(rng.poisson(2)),
        "staff_source": NOT_AVAILABLE if no_staff else RECORDS,
    }
    no_programmes = code in NO_PROGRAMME_RECORDS
    shares = {"education": 0.25, "vocational": 0.10, "work": 0.30, "drug_treatment": 0.05}
    for name, share in shares.items():
        row[f"enrolled_{name}"] = None if no_programmes else int(rng.binomial(population, share))
    services = [1, 3, 4, 7] + ([6] if women else [])
    complaints = int(rng.poisson(population * 0.05))
    row |= {
        "services": " ".join(str(s) for s in services),
        "complaints_received": complaints,
        "complaints_resolved": int(rng.binomial(complaints, 0.6)),
        "oversight_visits": int(rng.integers(0, 6)),
        "programmes_source": NOT_AVAILABLE if no_programmes else RECORDS,
        "records_exist": 2 if code in ESTIMATED_STOCK else 1,
        "records_electronic": 1 if f["region"] == "capital" else 2,
        "respondent_name": None,
        "respondent_position": None,
        "census_comments": None,
        "region": f["region"],
    }
    return row


def main() -> Path:
    """Write census/census_2025.csv and return its path."""
    rng = np.random.default_rng(SEED)
    with (HERE / "facilities.csv").open(encoding="utf-8") as fh:
        frame = list(csv.DictReader(fh))
    rows = [facility_row(rng, f) for f in frame]
    out = HERE / "census" / "census_2025.csv"
    out.parent.mkdir(exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return out


if __name__ == "__main__":
    main()
