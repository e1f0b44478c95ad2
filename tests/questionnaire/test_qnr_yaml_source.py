"""Reading YAML: the libyaml path gives exactly what the pure-Python parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonsurvey.questionnaire.yaml_source import YamlDocument, parse_yaml_text

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(REPO / "tests" / "questionnaire").rglob("*.yaml"),
        *(REPO / "questionnaires").rglob("*.yaml"),
    ]
)


def _both(text: str) -> tuple[YamlDocument, YamlDocument]:
    return parse_yaml_text(text, "f.yaml", fast=True), parse_yaml_text(text, "f.yaml", fast=False)


def _same(a: YamlDocument, b: YamlDocument) -> None:
    assert a.data == b.data
    assert a.values == b.values
    assert a.keys == b.keys
    assert a.shifts == b.shifts
    assert a.issues == b.issues


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_and_pure_parsers_agree_on_every_file(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8 (the Latin-1 corpus case)")
    _same(*_both(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: {es: ¿Sí?, en: 'Yes'}\n",  # YAML 1.2 plain text libyaml refuses
        "a: 'line\u2028still one line'\nb: 2\n",  # a break only for YAML 1.1
        "%YAML 1.2\n---\na: yes\n",
        "a: [1, 2\nb: 3\n",  # syntax errors are always reported by the pure parser
        "a: 1\na: 2\n",
        "a:\n  - {x: 1.5, y: true, z: ~, w: 2021-01-01, v: '07'}\n  - >-\n    folded\n    text\n",
    ],
)
def test_fast_and_pure_parsers_agree_on_edge_cases(text: str) -> None:
    _same(*_both(text))


def test_positions_count_characters_not_bytes() -> None:
    doc = parse_yaml_text("a: {es: ¿Cuántos años?, en: x}\n", "f.yaml")
    assert doc.values[("a", "en")] == (1, 29)
    assert doc.keys[("a", "en")] == (1, 25)


def test_scalars_are_typed_by_yaml_1_2_rules() -> None:
    doc = parse_yaml_text("a: yes\nb: 'no'\nc: 1\nd: 1.5\ne: true\nf: ~\ng: 2021-01-01\n", "f")
    assert doc.data == {"a": "yes", "b": "no", "c": 1, "d": 1.5, "e": True, "f": None,
                        "g": "2021-01-01"}  # fmt: skip


def test_alias_loop_is_reported_not_a_crash() -> None:
    doc = parse_yaml_text("a: &x [*x]\n", "f.yaml")
    assert [(i.code, i.location.line, i.location.column) for i in doc.issues] == [("QNR010", 1, 4)]


def test_alias_bomb_is_stopped() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    doc = parse_yaml_text("\n".join(lines) + "\n", "f.yaml")
    assert [i.code for i in doc.issues] == ["QNR010"]
    assert doc.data is None


def test_control_character_position() -> None:
    doc = parse_yaml_text('a: 1\nb: "x\x07"\n', "f.yaml")
    assert [(i.code, i.location.line, i.location.column) for i in doc.issues] == [("QNR001", 2, 6)]


def test_second_document_is_a_syntax_error() -> None:
    doc = parse_yaml_text("a: 1\n---\nb: 2\n", "f.yaml")
    assert [(i.code, i.location.line, i.location.column) for i in doc.issues] == [("QNR001", 2, 1)]


def test_utf16_file_is_named(tmp_path: Path) -> None:
    from prisonsurvey.questionnaire.yaml_source import read_yaml

    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    doc = read_yaml(path)
    assert [i.code for i in doc.issues] == ["QNR004"]
    assert "utf-16" in doc.issues[0].message
