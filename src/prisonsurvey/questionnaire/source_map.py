"""Where each part of a loaded questionnaire was written: model paths to ``file:line:column``.

A *model path* walks the :class:`~prisonsurvey.questionnaire.model.Questionnaire` the way its
fields nest: ``("modules", 2, "items", 5, "label", "en")`` is the English label of the sixth item
of the third module; ``("choice_lists", "yes_no", "choices", 0, "code")`` is the code of the
first choice of list ``yes_no``; ``("version",)`` is the version. :class:`SourceMap` turns such
a path into the :class:`~prisonsurvey.errors.Location` of the YAML node it came from. A
questionnaire built in code has no source; :meth:`SourceMap.empty` then gives empty locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prisonsurvey.errors import Location
from prisonsurvey.questionnaire.yaml_source import YamlDocument, YamlPath

ModelPath = tuple[str | int, ...]
"""Field names and indexes from the questionnaire root to one value."""


@dataclass
class SourceMap:
    """The YAML documents a questionnaire was loaded from.

    Attributes:
        root: questionnaire.yaml.
        modules: The module files, by module index in the model.
        choice_lists: The choice file each list was defined in, by list name.
    """

    root: YamlDocument | None = None
    modules: list[YamlDocument] = field(default_factory=list)
    choice_lists: dict[str, YamlDocument] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> SourceMap:
        """A map for a questionnaire built in code: every location is empty."""
        return cls()

    def _resolve(self, path: ModelPath) -> tuple[YamlDocument | None, YamlPath]:
        if len(path) >= 2 and path[0] == "modules" and isinstance(path[1], int):
            index = path[1]
            doc = self.modules[index] if 0 <= index < len(self.modules) else None
            return doc, path[2:]
        if len(path) >= 2 and path[0] == "choice_lists" and isinstance(path[1], str):
            return self.choice_lists.get(path[1]), path[1:]
        return self.root, path

    def existing(self, path: ModelPath) -> ModelPath:
        """Return the longest prefix of ``path`` that was written in a file."""
        doc, inner = self._resolve(path)
        if doc is None:
            return path
        cut = len(path) - len(inner)
        probe = inner
        while probe and probe not in doc.values:
            probe = probe[:-1]
        return path[: cut + len(probe)]

    def last_line(self, path: ModelPath) -> int:
        """Return the last line holding part of the value at ``path`` (0 if unknown)."""
        doc, inner = self._resolve(path)
        if doc is None:
            return 0
        n = len(inner)
        return max((v[0] for k, v in doc.values.items() if k[:n] == inner), default=0)

    def locate(self, path: ModelPath, *, key: bool = False) -> Location:
        """Return where the value at ``path`` (or its key, with ``key=True``) was written."""
        doc, inner = self._resolve(path)
        if doc is None:
            return Location()
        return doc.locate(inner, key=key)

    def locate_offset(self, path: ModelPath, offset: int | None) -> Location:
        """Return where character ``offset`` of the text at ``path`` was written."""
        doc, inner = self._resolve(path)
        if doc is None:
            return Location()
        return doc.locate_offset(inner, offset)
