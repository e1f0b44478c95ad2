"""Version pairs, one per kind of change: the classification and the bump each needs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from prisonsurvey.versions import Bump, ChangeKind, Impact, diff_questionnaires
from prisonsurvey.versions.semver import bump_between, next_version

from .conftest import base_dict, build, question, text

Mutation = Callable[[dict[str, Any]], None]


def _set(name: str, key: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        question(d, name)[key] = value

    return mutate


def _add_question(d: dict[str, Any]) -> None:
    d["modules"][1]["items"].append(
        {"name": "water_ok", "type": "select_one", "choices": "yn", "label": text("Water?")}
    )


def _remove_question(d: dict[str, Any]) -> None:
    d["modules"][1]["items"] = []


def _rename(d: dict[str, Any]) -> None:
    q = question(d, "food_ok")
    q["name"] = "food_enough"
    q["renamed_from"] = "food_ok"


def _rename_undeclared(d: dict[str, Any]) -> None:
    question(d, "food_ok")["name"] = "food_enough"


def _replace(d: dict[str, Any]) -> None:
    q = question(d, "food_ok")
    q["name"] = "food_quality"
    q["replaces"] = ["food_ok"]


def _choice_added(d: dict[str, Any]) -> None:
    d["choice_lists"]["care"]["choices"].append(
        {"code": 4, "name": "friends", "label": text("Friends", "Amistades")}
    )


def _choice_removed(d: dict[str, Any]) -> None:
    d["choice_lists"]["care"]["choices"].pop()


def _choice_remeant(d: dict[str, Any]) -> None:
    d["choice_lists"]["care"]["choices"][2]["name"] = "institution"


def _choice_recoded(d: dict[str, Any]) -> None:
    choices = d["choice_lists"]["care"]["choices"]
    choices[2] = {"code": 5, "name": "state", "label": text("State", "Estado")}
    question(d, "kids_care")["recode_from"] = {3: 5}


def _choice_relabelled_trivial(d: dict[str, Any]) -> None:
    d["choice_lists"]["care"]["choices"][1]["label"] = text("relatives.", "Familiares")


def _choice_relabelled(d: dict[str, Any]) -> None:
    d["choice_lists"]["care"]["choices"][1]["label"] = text("Other relatives", "Familiares")


def _missing_codes(d: dict[str, Any]) -> None:
    d["choice_lists"]["yn"]["dont_know"] = None


def _language_added(d: dict[str, Any]) -> None:
    d["languages"] = ("en", "es", "fr")


def _moved(d: dict[str, Any]) -> None:
    item = d["modules"][1]["items"].pop()
    d["modules"][0]["items"].append(item)


def _into_repeat(d: dict[str, Any]) -> None:
    item = d["modules"][1]["items"].pop()
    d["modules"][1]["items"].append({"name": "meals", "type": "repeat", "items": [item]})


def _group_universe(d: dict[str, Any]) -> None:
    d["modules"][1]["relevant"] = "${age} >= 21"


CASES: list[tuple[str, Mutation, ChangeKind, Impact]] = [
    ("question added", _add_question, ChangeKind.QUESTION_ADDED, Impact.COMPATIBLE),
    ("question removed", _remove_question, ChangeKind.QUESTION_REMOVED, Impact.BREAKING),
    ("declared rename", _rename, ChangeKind.QUESTION_RENAMED, Impact.COMPATIBLE),
    ("undeclared rename", _rename_undeclared, ChangeKind.QUESTION_REMOVED, Impact.BREAKING),
    ("replacement", _replace, ChangeKind.QUESTION_REPLACED, Impact.BREAKING),
    ("type", _set("age", "type", "decimal"), ChangeKind.TYPE_CHANGED, Impact.BREAKING),
    ("choice added", _choice_added, ChangeKind.CHOICE_ADDED, Impact.COMPATIBLE),
    ("choice removed", _choice_removed, ChangeKind.CHOICE_REMOVED, Impact.BREAKING),
    ("choice re-meant", _choice_remeant, ChangeKind.CHOICE_REMEANT, Impact.BREAKING),
    ("choice recoded", _choice_recoded, ChangeKind.CHOICE_RECODED, Impact.COMPATIBLE),
    (
        "choice label typo",
        _choice_relabelled_trivial,
        ChangeKind.CHOICE_RELABELLED,
        Impact.COSMETIC,
    ),
    ("choice label", _choice_relabelled, ChangeKind.CHOICE_RELABELLED, Impact.COMPATIBLE),
    ("missing codes", _missing_codes, ChangeKind.MISSING_CODES_CHANGED, Impact.COMPATIBLE),
    (
        "wording",
        _set("age", "label", text("How old are you?", "¿Edad?")),
        ChangeKind.WORDING_CHANGED,
        Impact.COMPATIBLE,
    ),
    (
        "wording punctuation",
        _set("age", "label", text("age", "¿Edad?")),
        ChangeKind.WORDING_CHANGED,
        Impact.COSMETIC,
    ),
    (
        "hint",
        _set("age", "hint", text("In completed years", "En años cumplidos")),
        ChangeKind.HELP_TEXT_CHANGED,
        Impact.COSMETIC,
    ),
    (
        "universe",
        _set("has_kids", "relevant", "${age} >= 16"),
        ChangeKind.UNIVERSE_CHANGED,
        Impact.BREAKING,
    ),
    (
        "constraint",
        _set("age", "constraint", ". >= 18"),
        ChangeKind.CONSTRAINT_CHANGED,
        Impact.COMPATIBLE,
    ),
    ("required", _set("age", "required", True), ChangeKind.REQUIRED_CHANGED, Impact.COMPATIBLE),
    (
        "calculation",
        _set("adult", "calculation", "if(${age} >= 21, 1, 0)"),
        ChangeKind.CALCULATION_CHANGED,
        Impact.BREAKING,
    ),
    ("flag", _set("age", "identifying", True), ChangeKind.FLAG_CHANGED, Impact.COMPATIBLE),
    ("language added", _language_added, ChangeKind.LANGUAGE_ADDED, Impact.COMPATIBLE),
    ("moved", _moved, ChangeKind.QUESTION_MOVED, Impact.COSMETIC),
    ("into a repeat", _into_repeat, ChangeKind.REPEAT_CHANGED, Impact.BREAKING),
    ("group universe", _group_universe, ChangeKind.GROUP_UNIVERSE_CHANGED, Impact.BREAKING),
]


@pytest.mark.parametrize(
    ("mutate", "kind", "impact"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_kind_of_change_is_classified(
    mutate: Mutation, kind: ChangeKind, impact: Impact
) -> None:
    old = base_dict()
    new = copy.deepcopy(old)
    if kind is ChangeKind.LANGUAGE_ADDED:
        for lst in new["choice_lists"].values():
            for c in lst["choices"]:
                c["label"]["fr"] = c["label"]["en"]
    mutate(new)
    diff = diff_questionnaires(build(old), build(new))
    found = [(c.kind, c.impact) for c in diff.changes]
    assert (kind, impact) in found
    assert diff.required_bump is max(c.impact.bump for c in diff.changes)
    assert diff.required_bump >= impact.bump


def test_no_change_needs_no_bump() -> None:
    diff = diff_questionnaires(build(base_dict()), build(base_dict()))
    assert diff.changes == ()
    assert diff.required_bump is Bump.NONE


def test_expression_spacing_is_not_a_change() -> None:
    new = base_dict()
    question(new, "has_kids")["relevant"] = "${age}>=18"
    assert diff_questionnaires(build(base_dict()), build(new)).changes == ()


def test_declared_rename_is_not_also_a_removal() -> None:
    new = base_dict()
    _rename(new)
    kinds = [c.kind for c in diff_questionnaires(build(base_dict()), build(new)).changes]
    assert kinds == [ChangeKind.QUESTION_RENAMED]


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("1.0.0", "1.0.1", Bump.PATCH),
        ("1.0.0", "1.1.0", Bump.MINOR),
        ("1.4.2", "2.0.0", Bump.MAJOR),
        ("1.0.0", "1.0.0", Bump.NONE),
        ("1.1.0", "1.0.9", Bump.NONE),
    ],
)
def test_bump_between(old: str, new: str, bump: Bump) -> None:
    assert bump_between(old, new) is bump


def test_bump_too_small_suggests_the_next_version() -> None:
    old = base_dict()
    new = copy.deepcopy(old)
    new["version"] = "1.0.1"
    _remove_question(new)
    diff = diff_questionnaires(build(old), build(new))
    assert diff.required_bump is Bump.MAJOR
    assert not diff.bump_ok
    assert diff.suggested_version == "2.0.0" == next_version("1.0.0", Bump.MAJOR)
