"""Plant known problems in the clean simulated data; say which findings they must raise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import clean, consented

Expected = set[tuple[str, str, str]]
"""``(check, key or interviewer or facility, question)`` of each finding."""

DK_QUESTIONS = (
    "child_left_home",
    "child_worked",
    "child_violence_home",
    "child_physical_abuse",
    "child_sexual_abuse",
    "child_parent_prison",
    "child_household_substance",
    "ventilation_enough",
)
EFFECT_INTERVIEWER = "INT04"
DK_INTERVIEWER = "INT06"


def ident(findings: pd.DataFrame) -> Expected:
    """The identity of each finding, as :data:`Expected` holds it."""
    who = findings["key"].where(
        findings["key"] != "", findings["interviewer"].where(findings["interviewer"] != "", "")
    )
    who = who.where(who != "", findings["facility"])
    return set(zip(findings["check"], who, findings["question"], strict=True))


def planted() -> tuple[dict[str | None, pd.DataFrame], dict[str, int], Expected]:
    """Clean tables with problems planted, extra targets, and the findings they must raise."""
    tables = clean()
    root = tables[None]
    keys = root["_key"].to_numpy()
    ok = consented(root)
    male = (root["sex"] == 1).fillna(False).to_numpy()
    young = (root["age"] < 70).fillna(False).to_numpy()
    who = root["interviewer_id"].to_numpy()
    plain = ok & male & young & np.isin(who, ["INT01", "INT03", "INT05"])
    rows = iter(np.flatnonzero(plain))
    expected: Expected = set()

    a = next(rows)  # constraint: nobody in the cell
    root.loc[a, "cell_people"] = 0
    expected.add(("constraint", keys[a], "cell_people"))

    b = next(rows)  # required: a required answer erased
    root.loc[b, "water_enough"] = pd.NA
    expected.add(("required", keys[b], "water_enough"))

    c = next(x for x in rows if pd.isna(root.loc[x, "pregnant_now"]))  # skip logic
    root.loc[c, "pregnancy_months"] = 3
    expected.add(("answered_not_relevant", keys[c], "pregnancy_months"))

    d = next(rows)  # impossible: arrested long before birth
    root.loc[d, "arrest_date"] = pd.Timestamp("1950-01-01")
    expected.add(("consistency", keys[d], "arrest_date"))

    e = next(rows)  # date in the future (also breaks the constraint . <= today())
    root.loc[e, "admission_date"] = pd.Timestamp("2027-02-01")
    expected |= {
        ("future_date", keys[e], "admission_date"),
        ("constraint", keys[e], "admission_date"),
    }

    g, h = next(rows), next(rows)  # same person twice: same facility and roster line
    root.loc[h, "facility"] = root.loc[g, "facility"]
    root.loc[h, "roster_line"] = root.loc[g, "roster_line"]
    expected |= {
        ("duplicate_person", keys[g], "roster_line"),
        ("duplicate_person", keys[h], "roster_line"),
    }

    k = next(rows)  # too short
    root.loc[k, "end"] = root.loc[k, "start"] + pd.Timedelta(minutes=5)
    expected.add(("duration_short", keys[k], ""))

    m = next(rows)  # outside working hours
    day = root.loc[m, "start"].normalize()
    root.loc[m, "start"] = day + pd.Timedelta(hours=5)
    root.loc[m, "end"] = day + pd.Timedelta(hours=5, minutes=50)
    expected.add(("outside_hours", keys[m], ""))

    s = next(rows)  # straight-lining the K6 battery
    for col in (
        "k6_nervous",
        "k6_hopeless",
        "k6_restless",
        "k6_depressed",
        "k6_effort",
        "k6_worthless",
    ):
        root.loc[s, col] = 3
    expected.add(("straightlining", keys[s], "k6_nervous"))

    # one device, two interviews at once (INT07 is not used above)
    int07 = np.flatnonzero(who == "INT07")
    i, j = int07[0], int07[1]
    root.loc[i, "start"] = root.loc[j, "start"] + pd.Timedelta(minutes=10)
    root.loc[i, "end"] = root.loc[i, "start"] + pd.Timedelta(minutes=30)
    expected |= {("device_overlap", keys[i], "deviceid"), ("device_overlap", keys[j], "deviceid")}

    # interviewer effect: every one of this interviewer's respondents "not enough food"
    effect = ok & (who == EFFECT_INTERVIEWER)
    root.loc[effect, "food_enough"] = 2
    expected.add(("interviewer_effect", EFFECT_INTERVIEWER, "food_enough"))

    # one interviewer records "don't know" for a set of questions
    dk = ok & (who == DK_INTERVIEWER)
    for col in DK_QUESTIONS:
        root.loc[dk & root[col].notna().to_numpy(), col] = 98
    expected.add(("nonresponse_interviewer", DK_INTERVIEWER, ""))

    # a question left empty by many
    blank = np.flatnonzero(ok)[: int(ok.sum() * 0.4)]
    root.loc[blank, "light_enough"] = pd.NA
    expected.add(("nonresponse_question", "", "light_enough"))

    # the same submission sent twice under a new key
    f = next(rows)
    copy = root.iloc[[f]].copy()
    copy["_key"] = "uuid:00000000-0000-4000-a000-000000000001"
    tables[None] = pd.concat([root, copy], ignore_index=True)
    new = copy["_key"].iloc[0]
    for name in ("children", "offences"):  # with its rosters
        rows_ = tables[name][tables[name]["_parent_key"] == keys[f]].copy()
        rows_["_key"] = rows_["_key"].str.replace(keys[f], new, regex=False)
        rows_["_parent_key"] = new
        tables[name] = pd.concat([tables[name], rows_], ignore_index=True)
    expected |= {
        ("duplicate_submission", new, ""),
        ("duplicate_person", keys[f], "roster_line"),
        ("duplicate_person", new, "roster_line"),
        ("device_overlap", keys[f], "deviceid"),
        ("device_overlap", new, "deviceid"),
    }

    # a roster entry lost
    kids = tables["children"]
    lost = kids.index[kids["_parent_key"] != new][0]
    expected.add(("repeat_count", kids.loc[lost, "_parent_key"], "children"))
    tables["children"] = kids.drop(index=lost).reset_index(drop=True)

    # a facility of the sample with no interview yet
    expected.add(("progress_behind", "104", ""))
    return tables, {"104": 20}, expected
