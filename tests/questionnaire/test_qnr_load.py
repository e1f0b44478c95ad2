"""Reading the folder: every file-level problem with its code and file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.errors import InputError, Issue
from prisonsurvey.questionnaire.load import load_questionnaire, load_questionnaire_or_raise
from prisonsurvey.questionnaire.model import QuestionType

from ._helpers import Folder, where


def test_valid_folder_loads(folder: Folder) -> None:
    result = load_questionnaire(folder())
    assert list(result.issues) == []
    assert result.ok
    q = result.questionnaire
    assert q is not None
    assert q.question("age").type is QuestionType.INTEGER
    assert q.choice_lists["yes_no"].refused == 99
    assert result.summary() == {
        "id": "demo",
        "version": "1.0.0",
        "modules": 1,
        "questions": 1,
        "languages": ["es", "en"],
    }


def test_or_raise_returns_the_questionnaire(folder: Folder) -> None:
    assert load_questionnaire_or_raise(folder()).id == "demo"


def test_or_raise_carries_every_error(folder: Folder) -> None:
    path = folder("name: m1\nitems:\n  - name: Age\n    type: integr\n    label: {es: a}\n")
    with pytest.raises(InputError) as err:
        load_questionnaire_or_raise(path)
    assert err.value.issues.codes() == ["QNR008"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda p: p / "missing", "QNR000"),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "QNR000"),
        (lambda p: p, "QNR000"),
    ],
)
def test_unreadable_folder_raises(tmp_path: Path, make: object, code: str) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(InputError) as err:
        load_questionnaire(target)
    assert err.value.issues.codes() == [code]


def test_yaml_syntax_error_has_parser_position(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: a, en: b\nitems: []\n"
    result = load_questionnaire(folder(m1))
    assert result.questionnaire is None
    assert where(result.issues) == [("QNR001", "m1.yaml", 3, 6)]


def test_tab_in_indentation(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: a, en: b}\nitems:\n  - name: age\n\ttype: integer\n"
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [("QNR002", "m1.yaml", 5, 1)]


def test_duplicate_key(folder: Folder) -> None:
    m1 = """\
    name: m1
    label: {es: a, en: b}
    items:
      - name: age
        type: integer
        label: {es: Edad, en: Age}
        type: text
    """
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [("QNR003", "m1.yaml", 7, 5)]


def test_latin1_file(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: Módulo, en: Module}\nitems: []\n".encode("latin-1")
    path = folder()
    (path / "m1.yaml").write_bytes(m1)
    result = load_questionnaire(path)
    assert where(result.issues) == [("QNR004", "m1.yaml", 2, 14)]
    assert "UTF-8" in result.issues.errors[0].message


def test_utf8_bom_is_accepted(folder: Folder) -> None:
    path = folder()
    (path / "m1.yaml").write_bytes(b"\xef\xbb\xbf" + (path / "m1.yaml").read_bytes())
    assert load_questionnaire(path).ok


def test_empty_file(folder: Folder) -> None:
    result = load_questionnaire(folder("# nothing yet\n"))
    assert where(result.issues) == [("QNR005", "m1.yaml", 1, 1)]


def test_missing_module_file_points_at_its_entry(folder: Folder) -> None:
    root = """\
    id: demo
    version: 1.0.0
    title: {es: Demo, en: Demo}
    languages: [es, en]
    default_language: es
    modules:
      - m1.yaml
      - m2.yaml
    """
    result = load_questionnaire(folder(root=root))
    assert where(result.issues) == [("QNR006", "questionnaire.yaml", 8, 5)]


def test_missing_listed_choice_file(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml]\nchoice_files: [choices.yaml, more.yaml]\n"
    result = load_questionnaire(folder(root=root))
    assert where(result.issues) == [("QNR006", "questionnaire.yaml", 7, 30)]


def test_misspelled_field_suggests_the_key(folder: Folder) -> None:
    m1 = """\
    name: m1
    label: {es: a, en: b}
    items:
      - name: age
        type: integer
        lable: {es: Edad, en: Age}
    """
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [("QNR007", "m1.yaml", 6, 5)]
    assert "'label'" in result.issues.errors[0].message


def test_misspelled_key_in_questionnaire_yaml(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_langauge: es\nmodules: [m1.yaml]\n"
    result = load_questionnaire(folder(root=root))
    codes = where(result.issues)
    assert ("QNR007", "questionnaire.yaml", 5, 1) in codes
    assert "default_language" in result.issues.errors[0].message


def test_unknown_field_in_choice(folder: Folder) -> None:
    choices = "yes_no:\n  choices:\n    - {code: 1, name: 'yes', labels: {es: Sí, en: 'Yes'}}\n"
    result = load_questionnaire(folder(choices=choices))
    assert ("QNR007", "choices.yaml", 3, 30) in where(result.issues)


def test_wrong_types_all_reported(folder: Folder) -> None:
    m1 = """\
    name: m1
    label: {es: a, en: b}
    items:
      - name: age
        type: integer
        label: Edad
      - name: q2
        type: intger
        label: {es: a, en: b}
        read_only: perhaps
    """
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [
        ("QNR008", "m1.yaml", 6, 12),
        ("QNR008", "m1.yaml", 8, 11),
        ("QNR008", "m1.yaml", 10, 16),
    ]
    assert "'integer'" in result.issues.errors[1].message


def test_missing_required_field_points_at_the_mapping(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: a, en: b}\nitems:\n  - type: integer\n    label: {es: a, en: b}\n"
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [("QNR009", "m1.yaml", 4, 5)]


def test_unquoted_comma_in_flow_text(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: a, en: b}\nitems:\n"
    m1 += "  - name: age\n    type: integer\n    label: {es: Sí, cuando, en: b}\n"
    result = load_questionnaire(folder(m1))
    assert where(result.issues) == [("QNR008", "m1.yaml", 6, 21)]


def test_module_file_must_be_a_mapping(folder: Folder) -> None:
    result = load_questionnaire(folder("- name: age\n  type: integer\n"))
    assert where(result.issues) == [("QNR010", "m1.yaml", 1, 1)]


def test_choice_list_defined_twice(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml]\nchoice_files: [choices.yaml, more.yaml]\n"
    more = "yes_no:\n  choices:\n    - {code: 1, name: 'y', label: {es: Sí, en: 'Yes'}}\n"
    result = load_questionnaire(folder(root=root, extra={"more.yaml": more}))
    assert where(result.issues) == [("QNR011", "more.yaml", 1, 1)]


def test_problems_in_several_files_reported_together(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml, m2.yaml, m3.yaml]\n"
    m2 = "name: m2\nlabel: {es: a, en: b}\nitems: [\n"
    m3 = "name: m3\nlabel: {es: a, en: b}\nitems:\n  - name: x\n    type: text\n    lavel: {}\n"
    result = load_questionnaire(folder(root=root, extra={"m2.yaml": m2, "m3.yaml": m3}))
    assert [(c, f) for c, f, _, _ in where(result.issues)] == [
        ("QNR001", "m2.yaml"),
        ("QNR007", "m3.yaml"),
    ]


def test_numbers_accepted_as_expressions(folder: Folder) -> None:
    m1 = """\
    name: m1
    label: {es: a, en: b}
    items:
      - name: kids
        type: integer
        label: {es: a, en: b}
        default: 0
    """
    result = load_questionnaire(folder(m1))
    assert result.ok
    assert result.questionnaire is not None
    assert result.questionnaire.question("kids").default == "0"


def test_unchanged_folder_is_loaded_once(folder: Folder) -> None:
    path = folder()
    first = load_questionnaire(path)
    second = load_questionnaire(path)
    assert second.questionnaire is first.questionnaire
    second.issues.add(first.issues.errors[0] if first.issues.errors else _dummy_issue())
    assert list(load_questionnaire(path).issues) == list(first.issues)


def _dummy_issue() -> Issue:
    return Issue("QNR999", "x")


def test_a_changed_file_of_the_same_size_is_read_again(folder: Folder) -> None:
    path = folder()
    assert load_questionnaire(path).ok
    text = (path / "m1.yaml").read_text(encoding="utf-8").replace("name: age", "name: Age")
    (path / "m1.yaml").write_text(text, encoding="utf-8")
    assert [c for c, *_ in where(load_questionnaire(path).issues)] == ["QNR102"]


def test_a_missing_file_created_later_is_read(folder: Folder) -> None:
    root = "id: demo\nversion: 1.0.0\ntitle: {es: D, en: D}\nlanguages: [es, en]\n"
    root += "default_language: es\nmodules: [m1.yaml, m2.yaml]\n"
    path = folder(root=root)
    assert [c for c, *_ in where(load_questionnaire(path).issues)] == ["QNR006"]
    m2 = "name: m2\nlabel: {es: a, en: b}\nitems:\n  - name: x\n    type: text\n"
    (path / "m2.yaml").write_text(m2 + "    label: {es: a, en: b}\n", encoding="utf-8")
    assert load_questionnaire(path).ok


def test_required_yes_is_true(folder: Folder) -> None:
    m1 = "name: m1\nlabel: {es: a, en: b}\nitems:\n  - name: a\n    type: integer\n"
    m1 += "    required: yes\n    label: {es: a, en: b}\n"
    result = load_questionnaire(folder(m1))
    assert result.questionnaire is not None
    assert result.questionnaire.question("a").required is True
