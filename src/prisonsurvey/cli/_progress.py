"""A progress bar on a terminal, and nothing when the output is piped or is ``--json``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from prisonsurvey.progress import Progress


def on_terminal() -> bool:
    """Both the output and the error stream are a terminal."""
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def progress_bar(label: str, as_json: bool) -> Iterator[Progress | None]:
    """Show a transient bar on the error stream while the block runs, on a terminal only.

    Args:
        label: What the command does (shown until the first step is reported).
        as_json: The command prints JSON: no bar.

    Yields:
        The callback to pass to the library function, or ``None`` when nothing is shown.
    """
    if as_json or not on_terminal():
        yield None
        return
    from rich.console import Console  # rich only when a bar is shown
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(what: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {what}", completed=done, total=total)

        yield update
