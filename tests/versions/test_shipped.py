"""The shipped regional instrument against a 1.1.0 made from it: changelog, bump check, CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from prisonsurvey.cli import app
from prisonsurvey.questionnaire.load import load_questionnaire_or_raise
from prisonsurvey.versions import Bump, ChangeKind, Impact, diff_questionnaires
from prisonsurvey.versions.bump import VERSION_BUMP_TOO_SMALL, validate_with_history

from .conftest import SHIPPED, Edit

# A realistic minor revision: a declared rename, a recode of 'other' from 5 to 96 (the code
# convention), a reworded Spanish question and a new question.
NEW_QUESTION = """\
  - name: days_without_meal
    type: integer
    label:
      es: En los últimos 7 días, ¿cuántos días se quedó sin comer?
      en: In the last 7 days, on how many days did you go without food?
      pt: Nos últimos 7 dias, em quantos dias ficou sem comer?
      fr: Au cours des 7 derniers jours, combien de jours êtes-vous resté sans manger ?
    constraint: . >= 0 and . <= 7
    constraint_message:
      es: Entre 0 y 7.
      en: Between 0 and 7.
      pt: Entre 0 e 7.
      fr: Entre 0 et 7.
"""
M5 = "m5_conditions.yaml"
MINOR_EDITS: list[Edit] = [
    (M5, r"^  - name: food_enough$", "  - name: food_sufficient\n    renamed_from: food_enough"),
    (
        "choices.yaml",
        r"^    - code: 5\n      name: other\n      label:\n        es: En otro lugar",
        "    - code: 96\n      name: other\n      label:\n        es: En otro lugar",
    ),
    (M5, r"^  - name: sleep_place$", "  - name: sleep_place\n    recode_from: {5: 96}"),
    (M5, r"es: Normalmente, ¿dónde duerme usted\?", "es: Por lo general, ¿dónde duerme usted?"),
    (M5, r"^  - name: food_sufficient$", NEW_QUESTION + "  - name: food_sufficient"),
]


def test_minor_revision_changelog(shipped_copy: Callable[[str, list[Edit]], Path]) -> None:
    new_folder = shipped_copy("1.1.0", MINOR_EDITS)
    old = load_questionnaire_or_raise(SHIPPED)
    new = load_questionnaire_or_raise(new_folder)
    diff = diff_questionnaires(old, new)
    got = {(c.kind, c.item, c.impact) for c in diff.changes}
    assert (ChangeKind.QUESTION_RENAMED, "food_sufficient", Impact.COMPATIBLE) in got
    assert (ChangeKind.CHOICE_RECODED, "sleep_place", Impact.COMPATIBLE) in got
    assert (ChangeKind.WORDING_CHANGED, "sleep_place", Impact.COMPATIBLE) in got
    assert (ChangeKind.QUESTION_ADDED, "days_without_meal", Impact.COMPATIBLE) in got
    assert diff.by_impact(Impact.BREAKING) == []
    assert diff.required_bump is Bump.MINOR and diff.bump_ok
    assert validate_with_history(new_folder).ok


def test_validate_refuses_a_too_small_bump(
    shipped_copy: Callable[[str, list[Edit]], Path],
) -> None:
    folder = shipped_copy("1.0.1", MINOR_EDITS)
    result = validate_with_history(folder)
    assert not result.ok
    assert [i.code for i in result.issues.errors] == [VERSION_BUMP_TOO_SMALL]
    issue = result.issues.errors[0]
    assert issue.location.file.endswith("1.0.1/questionnaire.yaml")
    assert "1.1.0" in issue.message
    cli = CliRunner().invoke(app, ["validate", str(folder), "--json"])
    assert cli.exit_code == 1
    assert json.loads(cli.stdout) == result.to_dict()


def test_diff_cli_prints_a_readable_changelog(
    shipped_copy: Callable[[str, list[Edit]], Path],
) -> None:
    folder = shipped_copy("1.1.0", MINOR_EDITS)
    runner = CliRunner()
    text = runner.invoke(app, ["diff", str(SHIPPED), str(folder)])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0] == "regional-inmate 1.0.0 -> 1.1.0"
    assert "needs a minor bump" in text.stdout
    assert "food_sufficient: renamed from 'food_enough'" in text.stdout
    md = runner.invoke(app, ["diff", str(SHIPPED), str(folder), "--format", "md"])
    assert md.stdout.startswith("## regional-inmate 1.1.0\n")
    assert "### Compatible" in md.stdout
    js = runner.invoke(app, ["diff", str(SHIPPED), str(folder), "--format", "json"])
    data = json.loads(js.stdout)
    assert data["required_bump"] == "minor" and data["bump_ok"] is True
    too_small = shipped_copy("1.0.1", MINOR_EDITS)
    checked = runner.invoke(app, ["diff", str(SHIPPED), str(too_small), "--check-bump"])
    assert checked.exit_code == 1
    assert "use 1.1.0 or later" in checked.stdout


def test_diff_cli_unknown_instrument_is_bad_input() -> None:
    result = CliRunner().invoke(app, ["diff", "no-such-thing@9.9.9", str(SHIPPED)])
    assert result.exit_code == 2
    assert "QNR012" in result.stderr


def test_validate_takes_name_at_version() -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "regional-inmate@1.0.0"])
    assert ok.exit_code == 0 and "regional-inmate 1.0.0: valid" in ok.stdout
    missing = runner.invoke(app, ["validate", "no-such@1.0.0"])
    assert missing.exit_code == 2 and "QNR012" in missing.stderr
