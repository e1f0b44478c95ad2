"""Help renders the same with typer's Markdown and traceback modules deferred, without them."""

from __future__ import annotations

import subprocess
import sys

import pytest

RUN = (
    "import sys\n"
    "{before}\n"
    "sys.argv[0] = 'prisonsurvey'\n"
    "from prisonsurvey.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    loaded = [m for m in ('rich.markdown', 'rich.traceback', 'markdown_it')\n"
    "              if type(sys.modules.get(m)).__name__ == 'module']\n"
    "    print('LOADED', loaded, file=sys.stderr)\n"
)


def _run(args: list[str], before: str) -> subprocess.CompletedProcess[str]:
    code = RUN.format(before=before)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "100", "PATH": "", "TERM": "dumb"},
    )


@pytest.mark.parametrize(
    "args", [["--help"], ["tabulate", "--help"], ["export", "--help"], ["tabulate", "--bogus"]]
)
def test_help_is_the_same_and_loads_neither(args: list[str]) -> None:
    deferred = _run(args, "")
    real = _run(args, "import rich.markdown, rich.traceback")
    assert deferred.returncode == real.returncode
    assert deferred.stdout == real.stdout
    out, _, loaded = deferred.stderr.rpartition("LOADED ")
    assert out == real.stderr.rpartition("LOADED ")[0]
    assert loaded.strip() == "[]"


def test_a_deferred_module_loads_when_used() -> None:
    code = (
        "import sys\n"
        "from prisonsurvey.cli._deferred import defer\n"
        "defer()\n"
        "from rich.markdown import Markdown\n"
        "from rich.traceback import Traceback\n"
        "assert type(sys.modules['rich.markdown']).__name__ == '_Stand'\n"
        "md = Markdown('# title')\n"
        "assert type(sys.modules['rich.markdown']).__name__ == 'module'\n"
        "assert isinstance(md, Markdown) and type(md).__name__ == 'Markdown'\n"
        "assert Markdown.elements and callable(Traceback.from_exception)\n"
        "import rich.markdown\n"
        "assert rich.markdown.Markdown is type(md)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
