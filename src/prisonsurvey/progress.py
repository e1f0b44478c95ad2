"""How long library functions report their progress, for the command line to show.

A function that may run for long takes an optional ``progress`` callback and calls it as
``progress(what, done, total)``: ``what`` names the step under way, ``done`` of ``total`` steps
are finished. The library never prints; the command line decides whether to show a bar.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""``progress(what, done, total)``."""


def report(progress: Progress | None, what: str, done: int, total: int) -> None:
    """Call ``progress`` when there is one.

    Args:
        progress: The callback, or ``None``.
        what: The step under way.
        done: Steps finished.
        total: Steps in all.
    """
    if progress is not None:
        progress(what, done, total)
