"""Modules that typer's help imports but this CLI never uses, loaded only if something uses them.

Rendering any help screen imports ``typer.rich_utils``, which imports ``rich.markdown`` (and
through it ``markdown_it`` and ``rich.syntax``) and ``rich.traceback`` at the top: a third of
the start-up of ``prisonsurvey --help``. This CLI renders help as rich markup, never as
Markdown, and shows no pretty tracebacks, so neither module runs. :func:`defer` puts a
stand-in in ``sys.modules`` instead: importing names from it costs nothing, and the first use
of a name (calling it, reading an attribute) imports the real module and hands over to it, so
behaviour is unchanged for any code that does use them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

HELP_ONLY: dict[str, tuple[str, ...]] = {
    "rich.markdown": ("Markdown",),
    "rich.traceback": ("Traceback",),
}
"""Modules typer's help imports, with the names it takes from them."""


class _Stand(types.ModuleType):
    """A module whose every name is fetched from the real module on first use."""

    def __init__(self, name: str, names: tuple[str, ...]) -> None:
        super().__init__(name)
        self.__dict__["_names"] = names

    def __getattr__(self, attr: str) -> Any:
        if attr in self.__dict__["_names"]:
            return _proxy(self.__name__, attr)
        if attr.startswith("__"):
            # the import system asks for __path__ and the like: a stand-in has none
            raise AttributeError(attr)
        return getattr(load(self.__name__), attr)


class _Deferred(type):
    """Metaclass of a stand-in class: using the class uses the real one."""

    _module: str
    _attr: str

    def _real(cls) -> Any:
        return getattr(load(cls._module), cls._attr)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)  # asked by ``X | Y`` annotations, not by users
        return getattr(cls._real(), attr)

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._real())


def _proxy(module: str, attr: str) -> type:
    return _Deferred(attr, (), {"_module": module, "_attr": attr})


def load(name: str) -> types.ModuleType:
    """The real module ``name``, imported now if only its stand-in was there."""
    current = sys.modules.get(name)
    if isinstance(current, _Stand):
        del sys.modules[name]
    return importlib.import_module(name)


def defer(modules: dict[str, tuple[str, ...]] = HELP_ONLY) -> None:
    """Put stand-ins for ``modules`` (not yet imported) in ``sys.modules``.

    Args:
        modules: Module names, each with the names importers take from it as classes.
    """
    for name, names in modules.items():
        if name not in sys.modules:
            sys.modules[name] = _Stand(name, names)
