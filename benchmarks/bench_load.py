"""Load + lint time of a 1,000-question, 4-language questionnaire.

The folder is generated in a temporary directory: 10 modules of 100 questions (integers with
constraints, select_one / select_multiple with relevance on earlier answers, text,
calculations), every text in es/en/pt/fr, written like the shipped instruments (label,
interviewer instruction and required message, one line per language: about 1 KB a question).
The shipped regional inmate questionnaire, when present, is timed too.

The baseline, measured in the same run, is a plain parse of the same texts with ruamel.yaml's
safe loader (the ``yaml.safe_load`` equivalent, using libyaml when ruamel.yaml.clib is
installed), which gives neither positions nor checks; the pure-Python safe loader is reported
too. Figures are medians of several runs; the load memo and the expression parse cache are
cleared before each run, so every run is a first load. A repeated load of the unchanged folder
(which the memo serves) is reported separately. Ratios use CPU time (``time.process_time``),
which other work on the machine does not inflate; wall-clock seconds are reported too.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.parser import Parser as PureParser

from prisonsurvey.errors import InputError
from prisonsurvey.questionnaire.expressions import parse
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.questionnaire.load import clear_load_cache, load_questionnaire

LANGS = ("es", "en", "pt", "fr")
MODULES = 10
PER_MODULE = 100
RUNS = 7


def _text(words: str) -> str:
    return "{" + ", ".join(f"{lang}: '{words} ({lang})'" for lang in LANGS) + "}"


def _block(key: str, words: str) -> list[str]:
    """A text written like the shipped instruments: one line per language."""
    return [f"    {key}:", *(f"      {lang}: {words} ({lang})" for lang in LANGS)]


def _question(m: int, i: int) -> str:
    name = f"m{m}_q{i:03d}"
    kind = i % 5
    prev = f"m{m}_q{i - 1:03d}" if i > 0 else None
    lines = [f"  - name: {name}"]
    if kind == 0:
        lines += ["    type: integer", "    constraint: . >= 0 and . <= 120"]
        lines += _block("constraint_message", "The answer must be between 0 and 120.")
    elif kind == 1:
        lines += ["    type: select_one", "    choices: yes_no"]
        if prev:
            lines += [f"    relevant: ${{{prev}}} > 17"]
    elif kind == 2:
        lines += ["    type: select_multiple", "    choices: places"]
        if prev:
            lines += [f"    relevant: ${{{prev}}} = 'yes'"]
    elif kind == 3:
        lines += ["    type: text"]
        if prev:
            lines += [
                f"    relevant: selected(${{{prev}}}, 'cell') or count-selected(${{{prev}}}) > 2"
            ]
    else:
        lines += ["    type: calculate", f"    calculation: string-length(${{{prev}}}) + 1"]
        return "\n".join(lines) + "\n"
    lines += ["    required: true"]
    lines += _block(
        "label",
        f"Question {m}.{i}. In the last six months, how often did this happen to you while "
        "you were held in this facility",
    )
    lines += _block("guidance_hint", "Read every option aloud and record one answer only.")
    lines += _block("required_message", "Record the answer before going on.")
    return "\n".join(lines) + "\n"


def generate(folder: Path) -> list[Path]:
    """Write the questionnaire; return its files."""
    modules = [f"m{m}.yaml" for m in range(MODULES)]
    root = [
        "id: bench",
        "version: 1.0.0",
        f"title: {_text('Benchmark')}",
        f"languages: [{', '.join(LANGS)}]",
        "default_language: es",
        "modules:",
        *[f"  - {name}" for name in modules],
    ]
    (folder / "questionnaire.yaml").write_text("\n".join(root) + "\n", encoding="utf-8")
    places = "\n".join(
        f"    - {{code: {c}, name: {n}, label: {_text(n)}}}"
        for c, n in enumerate(["home", "street", "cell", "yard", "court", "bus"], start=1)
    )
    yes_no = "\n".join(
        f"    - {{code: {c}, name: '{n}', label: {_text(n)}}}"
        for c, n in ((1, "yes"), (2, "no"), (98, "dont_know"), (99, "refused"))
    )
    choices = f"yes_no:\n  dont_know: 98\n  refused: 99\n  choices:\n{yes_no}\n"
    choices += f"places:\n  choices:\n{places}\n"
    (folder / "choices.yaml").write_text(choices, encoding="utf-8")
    for m, name in enumerate(modules):
        body = [f"name: module_{m}", f"label: {_text(f'Module {m}')}", "items:"]
        text = "\n".join(body) + "\n" + "".join(_question(m, i) for i in range(PER_MODULE))
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder.glob("*.yaml"))


def _median(fn: Any) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn`` over :data:`RUNS` first loads."""
    wall, cpu = [], []
    for _ in range(RUNS):
        parse.cache_clear()
        clear_load_cache()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generate(folder)
        texts = [path.read_text(encoding="utf-8") for path in files]
        safe = YAML(typ="safe")
        pure = YAML(typ="safe", pure=True)

        def baseline() -> None:
            for text in texts:
                safe.load(text)

        def baseline_pure() -> None:
            for text in texts:
                pure.load(text)

        def load() -> None:
            result = load_questionnaire(folder)
            if not result.ok:
                raise RuntimeError(f"benchmark questionnaire invalid: {list(result.issues)[:3]}")

        load()
        result = load_questionnaire(folder)
        assert result.questionnaire is not None
        questions = len(result.questionnaire.questions())
        base, base_cpu = _median(baseline)
        _, base_pure_cpu = _median(baseline_pure)
        loaded, loaded_cpu = _median(load)
        load()
        start = time.perf_counter()
        load()
        repeated = time.perf_counter() - start
    shipped = _shipped()
    return {
        "questions": questions,
        "languages": len(LANGS),
        "yaml_bytes": sum(len(t.encode()) for t in texts),
        "libyaml_available": safe.Parser is not PureParser,
        "safe_load_seconds": round(base, 4),
        "safe_load_cpu_seconds": round(base_cpu, 4),
        "pure_python_safe_load_cpu_seconds": round(base_pure_cpu, 4),
        "load_and_lint_seconds": round(loaded, 4),
        "load_and_lint_cpu_seconds": round(loaded_cpu, 4),
        "load_and_lint_vs_safe_load": round(loaded_cpu / base_cpu, 2),
        "load_and_lint_vs_pure_python_safe_load": round(loaded_cpu / base_pure_cpu, 2),
        "under_one_second": loaded < 1.0,
        "under_one_cpu_second": loaded_cpu < 1.0,
        "repeated_load_seconds": round(repeated, 4),
        **shipped,
    }


def _shipped() -> dict[str, Any]:
    try:
        folder = find_instrument("regional-inmate")
    except InputError:
        return {}
    _, cpu = _median(lambda: load_questionnaire(folder))
    result = load_questionnaire(folder)
    questions = len(result.questionnaire.questions()) if result.questionnaire else None
    return {"regional_inmate_questions": questions, "regional_inmate_cpu_seconds": round(cpu, 4)}


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
