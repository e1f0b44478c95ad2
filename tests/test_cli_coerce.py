"""Options converted without pydantic give what typer's own converters give, errors included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from prisonsurvey.cli import COMMANDS, EXPORT_COMMANDS, app
from prisonsurvey.cli._coerce import _PlainParam, install_plain_coercion
from prisonsurvey.cli._lazy import registered_commands

SAMPLES: dict[Any, list[Any]] = {
    str: ["abc", "", "a,b", "0.5", "é"],
    Path: ["data.csv", ".", "a/b c.parquet", ""],
    float: ["0.95", "1e-3", "-2", ".5", "+7.", "1_0", "abc", "", "inf", "nan", 0.95, 3],
    int: ["3", "-4", "3.0", "x"],
    bool: [True, False],
    list[str]: [("a=1", "b=2"), ()],
}


def _convert(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        return "ok", runtime._coerce_value(value, param=param, ctx=ctx)
    except BadParameter as err:
        return "error", err.format_message()


def _commands() -> list[Any]:
    out = []
    for entries, index in ((COMMANDS, 0), (EXPORT_COMMANDS, 1)):
        for entry in entries:
            out.append(registered_commands(entry.module)[index][entry.name])
    return out


def test_plain_conversion_equals_typers_on_every_option() -> None:
    checked = 0
    for command in _commands():
        install_plain_coercion(command)
        ctx = Context(command)
        for param in command.params:
            runtime = getattr(param, "_runtime_param", None)
            if not isinstance(runtime, _PlainParam):
                continue
            theirs = build_runtime_param(param.type_descriptor)
            for value in SAMPLES.get(param.type_descriptor.annotation, []):
                ours = _convert(runtime, value, param, ctx)
                expected = _convert(theirs, value, param, ctx)
                # repr: NaN equals NaN, and 1 differs from 1.0
                assert repr(ours) == repr(expected), (param.name, value)
                assert type(ours[1]) is type(expected[1])
                checked += 1
    assert checked > 200


def test_bad_number_is_typers_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("w,y\n1,2\n1,3\n")
    result = CliRunner().invoke(
        app, ["tabulate", str(data), "--weight", "w", "--vars", "y", "--level", "abc"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--level'" in result.output
    assert "valid number" in result.output


@pytest.mark.parametrize("argv", [["--version"], ["tabulate", "--help"]])
def test_runs_without_pydantic(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['prisonsurvey', *{argv!r}]\n"
        "from prisonsurvey.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PYDANTIC', 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "PYDANTIC False"
