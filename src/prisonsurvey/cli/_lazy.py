"""Command groups that list their commands by name and summary and import them only when run.

Start-up cost is what every command pays, so the root of the application imports no command
module: ``prisonsurvey --help`` shows the summaries kept in :class:`LazyCommand` entries, and
running a command imports the one module that registers it (``register(app, export_app)``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

from prisonsurvey.cli._coerce import install_plain_coercion

_LOADED: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}


@dataclass(frozen=True)
class LazyCommand:
    """A command (or sub-group) of a group, known by the module that registers it.

    Attributes:
        name: The command name on the command line.
        module: Module of ``prisonsurvey.cli`` whose ``register`` adds the command.
        summary: First paragraph of the command's help, shown in the group's command list.
    """

    name: str
    module: str
    summary: str


class _Placeholder(TyperCommand):
    """Stands for a command in help listings until the command is run."""


def registered_commands(module: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Import ``prisonsurvey.cli.<module>`` and return the commands its ``register`` adds.

    Args:
        module: Module name inside ``prisonsurvey.cli``.

    Returns:
        The top-level commands and the ``export`` sub-commands, by name.
    """
    if module not in _LOADED:
        mod = importlib.import_module(f"prisonsurvey.cli.{module}")
        app, export_app = typer.Typer(), typer.Typer()
        mod.register(app, export_app)
        _LOADED[module] = (
            dict(typer.main.get_group(app).commands),
            dict(typer.main.get_group(export_app).commands),
        )
    return _LOADED[module]


class LazyGroup(TyperGroup):
    """A group whose :attr:`entries` are imported when invoked, and only listed otherwise.

    Subclasses set ``entries`` and, for the ``export`` group, ``export = True`` (its commands are
    the ones ``register`` adds to ``export_app``).
    """

    entries: ClassVar[tuple[LazyCommand, ...]] = ()
    export: ClassVar[bool] = False

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        built = dict(self.commands)
        self.commands.clear()
        for entry in self.entries:
            self.commands[entry.name] = _Placeholder(name=entry.name, help=entry.summary)
        self.commands.update(built)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse the group's own options (converted without pydantic, see :mod:`._coerce`)."""
        install_plain_coercion(self, ctx)
        return list(super().parse_args(ctx, args))

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        """Find the command ``args`` name, importing its module the first time."""
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Placeholder):
            entry = next(e for e in self.entries if e.name == name)
            command = registered_commands(entry.module)[1 if self.export else 0][name]
            self.commands[name] = command
        if command is not None:
            install_plain_coercion(command, ctx)
        return name, command, rest
