"""What checks about several rows need from every row, computed a part at a time.

A :class:`Gather` computes something from one table of a context (``part``) and adds the
parts up (``add``, then ``finish``). With whole tables in memory there is one part per table;
when a store is checked a chunk at a time (:mod:`prisonsurvey.quality.scan`) there is one part
per chunk, added in row order, so both give the same result and the checks reading it with
:func:`gathered` do not know which way it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prisonsurvey.quality.context import CheckContext

GATHERS: dict[str, Gather] = {}
"""Every gather by name, in registration order."""


@dataclass(frozen=True)
class Gather:
    """A quantity gathered from every row.

    Attributes:
        name: Its name (the key of :attr:`CheckContext.totals`).
        root_only: Only the root table contributes (else every table does).
        part: The contribution of one table (or chunk) of a context; ``None`` for none.
        add: Adds a part to the running total (``None`` before the first part).
        finish: Turns the running total into what checks read.
    """

    name: str
    root_only: bool
    part: Callable[[CheckContext, str | None], Any]
    add: Callable[[Any, Any], Any]
    finish: Callable[[Any], Any]


def gather(
    name: str,
    *,
    root_only: bool,
    add: Callable[[Any, Any], Any],
    finish: Callable[[Any], Any] = lambda total: total,
) -> Callable[[Callable[[CheckContext, str | None], Any]], Gather]:
    """Register the decorated function as the ``part`` of a gather."""

    def wrap(fn: Callable[[CheckContext, str | None], Any]) -> Gather:
        entry = Gather(name, root_only, fn, add, finish)
        GATHERS[name] = entry
        return entry

    return wrap


def tables_of(entry: Gather, tables: list[str | None]) -> list[str | None]:
    """The tables among ``tables`` that contribute to ``entry``."""
    return [t for t in tables if t is None] if entry.root_only else tables


def add_part(entry: Gather, totals: dict[str, Any], ctx: CheckContext, table: str | None) -> None:
    """Add the part of ``table`` of ``ctx`` to the running total in ``totals``."""
    part = entry.part(ctx, table)
    if part is not None:
        totals[entry.name] = entry.add(totals.get(entry.name), part)


def gathered(ctx: CheckContext, entry: Gather) -> Any:
    """The finished total of ``entry`` over every row of ``ctx`` (computed once)."""
    if entry.name not in ctx.totals:
        running: dict[str, Any] = {}
        for table in tables_of(entry, list(ctx.tables)):
            add_part(entry, running, ctx, table)
        ctx.totals[entry.name] = entry.finish(running.get(entry.name))
    return ctx.totals[entry.name]


def append(total: list[Any] | None, part: Any) -> list[Any]:
    """``add`` for gathers whose parts are kept in order."""
    out = total if total is not None else []
    out.append(part)
    return out
