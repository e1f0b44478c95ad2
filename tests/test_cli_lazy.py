"""The CLI root imports no command module, and its help list matches every command's own help."""

from __future__ import annotations

import subprocess
import sys

from prisonsurvey.cli import COMMANDS, EXPORT_COMMANDS
from prisonsurvey.cli._lazy import registered_commands


def test_import_cli_loads_no_heavy_module() -> None:
    code = (
        "import sys, prisonsurvey.cli\n"
        "heavy = ('scipy', 'pandas', 'numpy', 'duckdb', 'pyarrow', 'pydantic', 'jinja2')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_summaries_match_command_help() -> None:
    for entries, index in ((COMMANDS, 0), (EXPORT_COMMANDS, 1)):
        for entry in entries:
            command = registered_commands(entry.module)[index][entry.name]
            first = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
            assert first == entry.summary, entry.name
