import subprocess
import sys

from typer.testing import CliRunner

from prisonsurvey import __version__
from prisonsurvey.cli import app


def test_version_flag() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"prisonsurvey {__version__}"


def test_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "prisonsurvey", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert __version__ in proc.stdout
