"""Plain conversion of option values, so a command does not import pydantic to read its flags.

Typer converts every option value through a pydantic ``TypeAdapter``: importing pydantic and
building one adapter per option costs a third of a second or more on each run. The options of
this CLI are strings, paths, numbers and flags; :func:`install_plain_coercion` gives each such
option a converter that handles the ordinary values itself (a string as given, a path, a plain
decimal number) and hands every other value to typer's own converter, so that what is accepted,
what it becomes and the error a bad value gets (exit code 2) stay exactly typer's. It hooks into
typer's parameter objects (``typer._coercion``, from typer 0.29, the lower bound the project
pins); ``tests/test_cli_coerce.py`` compares its results with typer's own on every option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer._click import Command, Context
from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
from typer.core import _TyperParameter

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class _PlainParam(RuntimeParam):
    """Converts ordinary values of one option; typer's converter does the rest."""

    typer_param: RuntimeParam | None = field(default=None, compare=False)

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        done, out = _plain(self.annotation, value)
        if done:
            return out
        return self._typer(param)._coerce_value(value, param=param, ctx=ctx)

    def _typer(self, param: _TyperParameter) -> RuntimeParam:
        if self.typer_param is None:
            desc = resolve_type_descriptor(self.annotation, self.parameter_info)
            built = build_runtime_param(desc)
            object.__setattr__(self, "typer_param", built)
            return built
        return self.typer_param


def _plain(annotation: Any, value: Any) -> tuple[bool, Any]:
    """``(True, converted)`` for a value converted here, ``(False, None)`` for typer's."""
    if annotation is bool and isinstance(value, bool):
        return True, value
    if annotation is str and isinstance(value, str):
        return True, value
    if annotation is Path and isinstance(value, str) and value:
        return True, Path(value)
    if annotation is float:
        if isinstance(value, float):
            return True, value
        if isinstance(value, str) and _NUMBER.fullmatch(value):
            return True, float(value)
    if annotation is int and isinstance(value, str) and _INTEGER.fullmatch(value):
        return True, int(value)
    plain_list = annotation == list[str] and isinstance(value, list | tuple)
    if plain_list and all(isinstance(v, str) for v in value):
        return True, list(value)
    return False, None


def _plain_enough(param: _TyperParameter) -> bool:
    """Whether the option carries no constraint that typer's converter must check."""
    info = param.type_descriptor.parameter_info
    if info.parser is not None or param.type_descriptor.file_annotation is not None:
        return False
    if info.min is not None or info.max is not None or info.clamp:
        return False
    path_checks = (info.exists, info.resolve_path, info.readable is False, info.writable)
    return not any(path_checks) and info.file_okay and info.dir_okay


def install_plain_coercion(command: Command, ctx: Context | None = None) -> None:
    """Give every plain option of ``command`` (and its sub-commands) the plain converter.

    Args:
        command: The command whose options to convert.
        ctx: The context the command runs in, to reach its ``--help`` option too (made per
            context by click).
    """
    for sub in getattr(command, "commands", {}).values():
        install_plain_coercion(sub)
    params: list[Any] = list(command.params)
    if ctx is not None:
        params.append(command.get_help_option(ctx))
    for param in params:
        install_plain_param(param)


def install_plain_param(param: Any) -> None:
    """Give one option the plain converter when it is plain (see :func:`_plain_enough`)."""
    unset = isinstance(param, _TyperParameter) and param._runtime_param is None
    if unset and _plain_enough(param):
        desc = param.type_descriptor
        param._runtime_param = _PlainParam(desc.parameter_info, desc.annotation)
