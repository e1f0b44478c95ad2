"""Checks on small hand-built data: each one triggered, and not triggered by near misses."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prisonsurvey.errors import InputError
from prisonsurvey.quality import (
    QualityConfig,
    QualityReport,
    Rule,
    Thresholds,
    audit_minutes,
    read_audit,
    run_checks,
)
from prisonsurvey.quality.stats import benjamini_hochberg
from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)

TODAY = dt.date(2026, 3, 31)
L = {"es": "x"}


def _q() -> Questionnaire:
    scale = ChoiceList(
        name="scale",
        choices=tuple(Choice(code=i, name=f"s{i}", label=L) for i in range(1, 6)),
        dont_know=98,
        refused=99,
    )
    scale = scale.model_copy(
        update={
            "choices": (
                *scale.choices,
                Choice(code=98, name="dk", label=L),
                Choice(code=99, name="rf", label=L),
            )
        }
    )
    yes_no = ChoiceList(
        name="yes_no",
        choices=(Choice(code=1, name="yes", label=L), Choice(code=2, name="no", label=L)),
    )
    fac = ChoiceList(
        name="facility",
        choices=tuple(Choice(code=c, name=f"f{c}", label=L) for c in (101, 102, 103)),
    )
    items = (
        Question(name="facility", type=QuestionType.SELECT_ONE, choices="facility", label=L),
        Question(name="interviewer_id", type=QuestionType.TEXT, label=L),
        Question(name="consent", type=QuestionType.SELECT_ONE, choices="yes_no", label=L),
        Question(name="note_text", type=QuestionType.TEXT, label=L),
        Question(name="age", type=QuestionType.INTEGER, label=L, relevant="${consent} = 'yes'"),
        *(
            Question(
                name=f"k{i}",
                type=QuestionType.SELECT_ONE,
                choices="scale",
                label=L,
                relevant="${consent} = 'yes'",
            )
            for i in range(1, 5)
        ),
        Group(
            name="kids",
            type="repeat",
            label=L,
            items=(Question(name="kid_age", type=QuestionType.INTEGER, label=L),),
        ),
    )
    return Questionnaire(
        id="mini",
        version="1.0.0",
        title=L,
        languages=("es",),
        default_language="es",
        modules=(Group(name="m0", label=L, items=items),),
        choice_lists={"scale": scale, "yes_no": yes_no, "facility": fac},
    )


def _root(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fac = np.repeat([101, 102], n // 2)
    who = np.where(fac == 101, np.where(np.arange(n) % 2 == 0, "A1", "A2"), "B1")
    start = pd.Timestamp("2026-03-02 09:00") + pd.to_timedelta(np.arange(n), unit="D")
    return pd.DataFrame(
        {
            "_key": [f"uuid:{i:04d}" for i in range(n)],
            "start": start,
            "end": start + pd.Timedelta(minutes=45),
            "facility": pd.array(fac, dtype="Int64"),
            "interviewer_id": pd.Series(who, dtype="str"),
            "consent": pd.array(np.ones(n, dtype=int), dtype="Int64"),
            "note_text": pd.Series(["ok"] * n, dtype="str"),
            "age": pd.array(rng.integers(30, 60, n), dtype="Int64"),
            **{f"k{i}": pd.array(rng.integers(1, 6, n), dtype="Int64") for i in range(1, 5)},
        }
    )


def _run(root: pd.DataFrame, *checks: str, **config: object) -> QualityReport:
    cfg = QualityConfig.model_validate({"checks": checks, "rules": [], **config})
    kids = pd.DataFrame(
        {"_key": ["uuid:0000/kids[1]"], "_parent_key": ["uuid:0000"], "kid_age": [5]}
    )
    return run_checks(_q(), {None: root, "kids": kids}, cfg, today=TODAY)


def _hits(report: QualityReport) -> list[tuple[str, str]]:
    f = report.findings
    who = f["key"].where(
        f["key"] != "", f["interviewer"].where(f["interviewer"] != "", f["facility"])
    )
    return sorted(zip(f["check"], who, strict=True))


def test_same_key_twice() -> None:
    root = _root(40)
    assert _hits(_run(root, "duplicate_submission")) == []
    root.loc[5, "_key"] = root.loc[4, "_key"]
    hits = _hits(_run(root, "duplicate_submission"))
    assert hits == [("duplicate_submission", "uuid:0004")] * 2


def test_duration_long_and_ending_before_start() -> None:
    root = _root(40)
    assert _hits(_run(root, "duration_long", "duration_short")) == []
    root.loc[3, "end"] = root.loc[3, "start"] + pd.Timedelta(hours=6)
    root.loc[4, "end"] = root.loc[4, "start"] - pd.Timedelta(minutes=1)
    hits = _hits(_run(root, "duration_long", "duration_short"))
    assert hits == [("duration_long", "uuid:0003"), ("duration_short", "uuid:0004")]


def test_refusals_are_not_too_short() -> None:
    root = _root(40)
    root.loc[3, "end"] = root.loc[3, "start"] + pd.Timedelta(minutes=2)
    root.loc[3, "consent"] = 2
    root.loc[3, ["age", "k1", "k2", "k3", "k4"]] = pd.NA
    assert _hits(_run(root, "duration_short")) == []


def test_response_rate() -> None:
    root = _root(40)
    assert _hits(_run(root, "response_rate")) == []
    refused = np.arange(20, 34)  # facility 102: 14 of 20 refuse
    root.loc[refused, "consent"] = 2
    root.loc[refused, ["age", "k1", "k2", "k3", "k4"]] = pd.NA
    report = _run(root, "response_rate")
    assert _hits(report) == [("response_rate", "102")]
    progress = report.tables["progress"].set_index("facility")
    assert progress.loc["102", "refused"] == 14
    assert progress.loc["102", "response_rate"] == pytest.approx(0.3)


def test_progress_against_fieldwork_period() -> None:
    root = _root(40)  # 20 completed in each facility
    fw = {"start": "2026-03-01", "end": "2026-04-29"}  # by 31 March half of it has passed
    on_track = _run(root, "progress_behind", targets={"101": 40, "102": 40}, fieldwork=fw)
    assert _hits(on_track) == []
    behind = _run(root, "progress_behind", targets={"101": 40, "102": 60}, fieldwork=fw)
    assert _hits(behind) == [("progress_behind", "102")]


def test_nonresponse_by_facility_and_interviewer() -> None:
    root = _root(200)
    assert _hits(_run(root, "nonresponse_facility", "nonresponse_interviewer")) == []
    b1 = np.flatnonzero(root["interviewer_id"] == "B1")[:60]
    root.loc[b1, ["k1", "k2"]] = 98
    hits = _hits(_run(root, "nonresponse_facility", "nonresponse_interviewer"))
    assert hits == [("nonresponse_facility", "102"), ("nonresponse_interviewer", "B1")]


def test_straightlining_by_interviewer() -> None:
    root = _root(200)
    assert _hits(_run(root, "straightlining_interviewer")) == []
    b1 = np.flatnonzero(root["interviewer_id"] == "B1")[:40]
    root.loc[b1, ["k1", "k2", "k3", "k4"]] = 2
    assert _hits(_run(root, "straightlining_interviewer")) == [("straightlining_interviewer", "B1")]


def test_straightlining_ignores_dont_know_and_short_answers() -> None:
    root = _root(40)
    root.loc[0, ["k1", "k2", "k3", "k4"]] = [98, 98, 98, 98]
    root.loc[1, ["k1", "k2", "k3", "k4"]] = [2, 2, 2, pd.NA]
    root.loc[2, ["k1", "k2", "k3", "k4"]] = [4, 4, 4, 4]
    assert _hits(_run(root, "straightlining")) == [("straightlining", "uuid:0002")]


def test_rules_on_a_repeat_see_the_submission() -> None:
    root = _root(40)
    rule = Rule(id="old_kid", when="${kid_age} > ${age} - 12", message="m", table="kids")
    assert _hits(_run(root, "consistency", rules=[rule])) == []
    root.loc[0, "age"] = 16
    report = _run(root, "consistency", rules=[rule])
    assert _hits(report) == [("consistency", "uuid:0000/kids[1]")]
    assert report.findings["table"].tolist() == ["kids"]


def test_rule_with_unknown_question_or_table_is_bad_input() -> None:
    rules = [
        Rule(id="bad", when="${nope} > 1", message="m"),
        Rule(id="where", when="${age} > 1", message="m", table="nowhere"),
    ]
    with pytest.raises(InputError) as err:
        _run(_root(10), "consistency", rules=rules)
    assert err.value.issues.codes() == ["QC003", "QC004"]
    assert [i.location.column for i in err.value.issues] == ["quality.rules[0]", "quality.rules[1]"]


def test_completed_condition_from_config() -> None:
    root = _root(40)
    root.loc[3, "end"] = root.loc[3, "start"] + pd.Timedelta(minutes=2)
    assert _hits(_run(root, "duration_short")) == [("duration_short", "uuid:0003")]
    assert _hits(_run(root, "duration_short", completed="${age} > 200")) == []
    with pytest.raises(InputError) as err:
        _run(root, "duration_short", completed="${age} >")
    assert err.value.issues.codes() == ["QC005"]


def test_interviewer_effect_needs_more_than_chance() -> None:
    root = _root(300, seed=5)
    report = _run(root, "interviewer_effect", thresholds=Thresholds(min_n=20))
    assert _hits(report) == []
    a2 = np.flatnonzero(root["interviewer_id"] == "A2")
    root.loc[a2, "k3"] = 5
    report = _run(root, "interviewer_effect", thresholds=Thresholds(min_n=20))
    assert _hits(report) == [("interviewer_effect", "A2")]
    assert report.findings["question"].tolist() == ["k3"]


def test_interviewer_effect_by_permutation() -> None:
    root = _root(300, seed=5)
    thresholds = Thresholds(min_n=20, permutations=199, alpha=0.05)
    assert _hits(_run(root, "interviewer_effect", thresholds=thresholds)) == []
    a2 = np.flatnonzero(root["interviewer_id"] == "A2")
    root.loc[a2, "k3"] = 5
    report = _run(root, "interviewer_effect", thresholds=thresholds)
    assert _hits(report) == [("interviewer_effect", "A2")]
    effects = report.tables["interviewer_effects"].set_index("question")
    assert effects.loc["k3", "p"] == pytest.approx(1 / 200)
    again = _run(root, "interviewer_effect", thresholds=thresholds)
    assert again.tables["interviewer_effects"].equals(report.tables["interviewer_effects"])


def test_differences_between_facilities_are_not_interviewer_effects() -> None:
    root = _root(300, seed=5)
    b = np.flatnonzero(root["facility"] == 102)  # B1 is alone in 102: nothing to compare
    root.loc[b, "k3"] = 5
    assert _hits(_run(root, "interviewer_effect", thresholds=Thresholds(min_n=20))) == []


def test_benjamini_hochberg_matches_known_values() -> None:
    # p.adjust(c(0.01, 0.04, 0.03, 0.2, NA), "BH") in R: 0.04 0.0533 0.0533 0.2 NA
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2, np.nan]))
    assert q[:4] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    assert np.isnan(q[4])


def test_empty_data() -> None:
    report = run_checks(_q(), pd.DataFrame(), QualityConfig(), today=TODAY)
    assert report.findings.empty
    assert report.summary["submissions"] == 0


def test_audit_log_time_replaces_clock_time(tmp_path: Path) -> None:
    root = _root(10)
    root.loc[2, "end"] = root.loc[2, "start"] + pd.Timedelta(hours=9)  # form left open
    t0 = 1_772_442_000_000  # milliseconds
    lines = ["instance ID,event,node,start,end"]
    lines += [
        f"uuid:0001,question,/data/k{i},{t0 + i * 60_000},{t0 + (i + 1) * 60_000}" for i in range(4)
    ]
    lines += ["uuid:0001,form exit,,1,", "uuid:0002,question,/data/k1,0,2400000"]
    with zipfile.ZipFile(tmp_path / "export.csv.zip", "w") as zf:
        zf.writestr("mini.csv", "KEY\n")
        zf.writestr("mini - audit.csv", "\n".join(lines) + "\n")
    events = read_audit([tmp_path / "export.csv.zip"])
    assert audit_minutes(events).to_dict() == {"uuid:0001": 4.0, "uuid:0002": 40.0}
    cfg = QualityConfig(checks=("duration_short", "duration_long"))
    assert _hits(run_checks(_q(), root, cfg, today=TODAY)) == [("duration_long", "uuid:0002")]
    report = run_checks(_q(), root, cfg, today=TODAY, audit=events)
    assert _hits(report) == [("duration_short", "uuid:0001")]
    assert report.findings["value"].tolist() == ["4"]


def test_audit_log_without_submission_id(tmp_path: Path) -> None:
    (tmp_path / "audit.csv").write_text("event,node,start,end\nquestion,/a,1,2\n")
    with pytest.raises(InputError) as err:
        read_audit([tmp_path / "audit.csv"])
    assert err.value.issues.codes() == ["QC021"]
