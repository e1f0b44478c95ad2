"""Shared printing helpers for CLI commands (issues, JSON, exit codes)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from prisonsurvey.errors import InputError, Issue

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def print_json(data: Any) -> None:
    """Print ``data`` as indented, key-sorted JSON on standard output."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str))


def print_issues(issues: Iterable[Issue]) -> None:
    """Print issues one per line on standard error, as ``file:line:col: CODE message``."""
    for issue in issues:
        typer.echo(f"{issue} [{issue.severity.value}]", err=True)


def fail_on_input_error(err: InputError, as_json: bool = False) -> typer.Exit:
    """Print the issues carried by ``err`` and return the exit for bad input (code 2)."""
    if as_json:
        print_json({"ok": False, "issues": err.issues.to_list()})
    else:
        print_issues(err.issues)
    sys.stderr.flush()
    return typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def exit_on_bad_input(as_json: bool = False) -> Iterator[None]:
    """Run a command's library call; bad input prints its issues and exits with code 2.

    Args:
        as_json: Print the issues as JSON on standard output instead of lines on standard error.

    Raises:
        typer.Exit: The call raised :class:`InputError` (exit code 2).
    """
    try:
        yield
    except InputError as err:
        raise fail_on_input_error(err, as_json) from None
