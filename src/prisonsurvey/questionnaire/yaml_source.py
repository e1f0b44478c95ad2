"""Read one YAML file into plain Python data plus the position of every node.

The file is composed with ruamel.yaml's safe pipeline (scanner, parser, composer), which keeps
the start mark of every node, and converted here into dicts, lists and scalars. On the way the
conversion records, for every path such as ``("items", 3, "label", "en")``, the 1-based line
and column of the value and (for mapping entries) of the key, so that any later problem found
in the data can be reported as ``file:line:column``.

File-level problems are collected as issues rather than raised: bytes that are not UTF-8, tab
characters in indentation, YAML syntax errors, duplicate keys and empty files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser as PureParser
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from prisonsurvey.errors import Issue, Location
from prisonsurvey.questionnaire.codes import QnrCode

YamlPath = tuple[str | int, ...]
"""Keys and list indexes leading from a document's root to one node."""

_STR = "tag:yaml.org,2002:str"
_CONSTRUCTED = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}
)
_NULL = "tag:yaml.org,2002:null"
_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")
_INLINE_STYLES = (None, "", "'", '"')  # plain ('' from the C parser, None from Python), quoted


@dataclass
class YamlDocument:
    """A YAML file read into plain data, with the position of every node.

    Attributes:
        file: The file as it is named in issues.
        data: The content: dicts, lists, str, int, float, bool or None. ``None`` when the
            file could not be read.
        values: 1-based ``(line, column)`` of the value at each path.
        keys: 1-based ``(line, column)`` of the key of each mapping entry, by the entry's path.
        shifts: For single-line scalars, how many characters precede the text itself
            (1 for quoted scalars, 0 for plain ones): lets an offset inside an expression
            be turned into a column.
        issues: Problems found while reading.
    """

    file: str
    data: Any = None
    values: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    shifts: dict[YamlPath, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file was read (its data may still be wrong)."""
        return not self.issues and self.data is not None

    def locate(self, path: YamlPath, *, key: bool = False) -> Location:
        """Return where the node at ``path`` is, or its nearest existing ancestor.

        Args:
            path: Keys and indexes from the root.
            key: Point at the key of a mapping entry rather than at its value.
        """
        if key and path in self.keys:
            line, col = self.keys[path]
            return Location(self.file, line, col)
        probe = path
        while probe not in self.values and probe:
            probe = probe[:-1]
        if probe in self.values:
            line, col = self.values[probe]
            return Location(self.file, line, col)
        return Location(self.file, 1, 1)

    def locate_offset(self, path: YamlPath, offset: int | None) -> Location:
        """Return where character ``offset`` of the scalar at ``path`` is.

        Falls back to the start of the scalar when the scalar spans several lines (block or
        folded text) or the offset is unknown.
        """
        where = self.locate(path)
        shift = self.shifts.get(path)
        if offset is None or shift is None or where.line is None:
            return where
        assert isinstance(where.column, int)
        return Location(self.file, where.line, where.column + shift + offset)


def _issue(code: QnrCode, message: str, file: str, line: int, column: int) -> Issue:
    return Issue(code.value, message, Location(file, line, column))


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Issue]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as err:
        start = err.start
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        guess, source = "", "latin1"
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            guess, source = " It is UTF-16 (as some editors save 'Unicode' text).", "utf-16"
        else:
            try:
                raw.decode("cp1252")
                guess = " It looks like Latin-1 / Windows-1252."
            except UnicodeDecodeError:
                pass
        message = (
            f"file is not UTF-8: byte 0x{raw[start]:02X} at line {line}, byte {column} "
            f"(offset {start}) is not valid UTF-8.{guess} Re-save the file as UTF-8, e.g. "
            f"`iconv -f {source} -t utf-8 '{Path(file).name}' > fixed.yaml` and replace it"
        )
        return None, [_issue(QnrCode.NOT_UTF8, message, file, line, column)]


_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


def _tabs(text: str, file: str) -> list[Issue]:
    found = [m.end() - 1 for m in _TAB_INDENT.finditer(text)]
    if not found:
        return []
    count = len(found)
    first = (text.count("\n", 0, found[0]) + 1, found[0] - (text.rfind("\n", 0, found[0]) + 1) + 1)
    more = f" ({count} lines in this file)" if count > 1 else ""
    message = (
        f"tab character in indentation{more}; YAML indentation must use spaces. "
        "Replace each tab with spaces (e.g. 2 per level)"
    )
    return [_issue(QnrCode.TAB, message, file, first[0], first[1])]


_HINTS = (
    (
        "another document",
        "A file holds one YAML document: remove the second '---' and what follows, or move "
        "it to a file of its own",
    ),
    ("undefined alias", "Define the anchor (&name) before using it as *name, or write the value"),
)
_GENERIC_HINT = (
    "Check the indentation of this line and the one above, close every bracket or quote, and "
    "quote texts containing ': ' or starting with '*', '&', '!', '%', '@' or '`'"
)


def _syntax_issue(err: YAMLError, file: str, text: str) -> Issue:
    line, column = 1, 1
    problem = str(err)
    if isinstance(err, ReaderError):
        position = min(max(err.position, 0), len(text))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        code = err.character if isinstance(err.character, int) else 0
        message = (
            f"control character U+{code:04X} is not allowed in YAML; delete it (it is often "
            "pasted from a word processor or spreadsheet)"
        )
        return _issue(QnrCode.YAML_SYNTAX, message, file, line, column)
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        problem = err.problem or problem
        context = err.context_mark
        if err.context and context is not None and context is not mark:
            problem += (
                f" ({err.context} that starts at line {context.line + 1}, "
                f"column {context.column + 1})"
            )
    hint = next((h for key, h in _HINTS if key in problem), _GENERIC_HINT)
    return _issue(QnrCode.YAML_SYNTAX, f"YAML syntax error: {problem}. {hint}", file, line, column)


MAX_NODES = 1_000_000
"""Most nodes a file may expand to through aliases (guards against alias bombs)."""


class _AliasError(Exception):
    def __init__(self, line: int, column: int, too_many: bool) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column
        self.too_many = too_many


class _Builder:
    """Turn a composed node tree into plain data while recording positions."""

    def __init__(self, doc: YamlDocument, constructor: Any) -> None:
        self.doc = doc
        self.constructor = constructor
        self.open: set[int] = set()  # collections being built: an alias to one is a loop
        self.budget = MAX_NODES

    def build(self, node: Node, path: YamlPath) -> Any:
        mark = node.start_mark
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        self.budget -= 1
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.open or self.budget < 0:
            raise _AliasError(mark.line + 1, mark.column + 1, self.budget < 0)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            return None  # pragma: no cover - the composer yields only the three kinds above
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: ScalarNode, path: YamlPath) -> Any:
        if node.start_mark.line == node.end_mark.line and node.style in _INLINE_STYLES:
            self.doc.shifts[path] = 1 if node.style in ("'", '"') else 0
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag in _CONSTRUCTED:
            try:
                return self.constructor.construct_object(node, deep=True)
            except YAMLError:
                return node.value
        return node.value  # timestamps and other tags keep their source text

    def _mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                self.doc.issues.append(
                    _issue(
                        QnrCode.WRONG_TYPE,
                        "a key must be a plain name, not a list or mapping",
                        self.doc.file,
                        *where,
                    )
                )
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.doc.issues.append(
                    _issue(
                        QnrCode.DUPLICATE_KEY,
                        f"key '{key}' appears twice in this mapping (first at line "
                        f"{first_seen[key]}); remove one of them or rename it",
                        self.doc.file,
                        *where,
                    )
                )
                continue
            first_seen[key] = where[0]
            self.doc.keys[(*path, key)] = where
            out[key] = self.build(value_node, (*path, key))
        return out


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read one YAML file, collecting every file-level problem.

    Args:
        path: The file to read.
        display: How to name the file in issues (defaults to ``str(path)``).

    Returns:
        The document. ``data`` is ``None`` if the file could not be read; issues say why.
    """
    file = display if display is not None else str(path)
    doc = YamlDocument(file)
    try:
        raw = path.read_bytes()
    except OSError as err:
        doc.issues.append(
            _issue(
                QnrCode.MISSING_FILE,
                f"cannot read file: {err.strerror}; check that it exists and is readable",
                file,
                1,
                1,
            )
        )
        return doc
    text, issues = _decode(raw, file)
    if text is None:
        doc.issues.extend(issues)
        return doc
    return parse_yaml_text(text, file, doc)


class _Yaml12Resolver(VersionedResolver):
    """The YAML 1.2 resolver without a per-scalar version look-up.

    ruamel looks the version up on the pure parser's scanner, which the C parser lacks; the
    failed attribute look-up (an exception per scalar) costs more than libyaml's whole parse.
    The version is fixed here and the table of implicit tags looked up once. Texts with a
    ``%YAML`` directive never take this path.
    """

    @property
    def processing_version(self) -> tuple[int, int]:
        return (1, 2)

    @property
    def versioned_resolver(self) -> Any:
        table = self.__dict__.get("_table_1_2")
        if table is None:
            table = self.__dict__["_table_1_2"] = super().versioned_resolver
        return table


def _compose(text: str, *, fast: bool) -> tuple[Node | None, YAML]:
    """Compose ``text``, with libyaml when it is installed and accepts the text.

    libyaml (ruamel.yaml.clib) is about ten times faster than the pure-Python parser but reads
    YAML 1.1 syntax: it rejects a few texts YAML 1.2 allows (``{es: ¿Sí?, en: ...}``) and
    takes U+0085/U+2028/U+2029 as line breaks. Such texts, and every text with a syntax error,
    are composed by the pure parser, so results and error positions are always ruamel's.
    """
    if fast and not _OTHER_BREAKS.search(text) and "%YAML" not in text:
        yaml = YAML(typ="safe")
        yaml.Resolver = _Yaml12Resolver
        if yaml.Parser is not PureParser:
            try:
                return yaml.compose(text), yaml
            except YAMLError:
                pass
    yaml = YAML(typ="safe", pure=True)
    return yaml.compose(text), yaml


def parse_yaml_text(
    text: str, file: str, doc: YamlDocument | None = None, *, fast: bool = True
) -> YamlDocument:
    """Parse YAML ``text`` (already decoded) as the content of ``file``.

    Args:
        text: The content.
        file: How to name the file in issues.
        doc: The document to fill (a new one by default).
        fast: Use libyaml when installed (see :func:`_compose`); ``False`` forces the pure
            parser, which gives the same result.
    """
    doc = doc if doc is not None else YamlDocument(file)
    tab_issues = _tabs(text, file)
    if tab_issues:
        doc.issues.extend(tab_issues)
        return doc
    try:
        node, yaml = _compose(text, fast=fast)
    except YAMLError as err:
        doc.issues.append(_syntax_issue(err, file, text))
        return doc
    if node is None:
        doc.issues.append(
            _issue(
                QnrCode.EMPTY_FILE,
                "file is empty (or only comments); write its content or remove it from "
                "questionnaire.yaml",
                file,
                1,
                1,
            )
        )
        return doc
    try:
        doc.data = _Builder(doc, yaml.constructor).build(node, ())
    except _AliasError as err:
        why = (
            f"aliases expand to more than {MAX_NODES:,} values"
            if err.too_many
            else "an alias refers to a value that contains it (a loop)"
        )
        doc.data = None
        doc.issues.append(
            _issue(
                QnrCode.BAD_STRUCTURE,
                f"{why}; write the values out instead of using *aliases",
                file,
                err.line,
                err.column,
            )
        )
    return doc


def shape_message(error: ErrorDetails) -> str:
    """The message of a pydantic error on a YAML file: what is wrong and the fix.

    Args:
        error: One entry of ``ValidationError.errors()``.
    """
    dotted = ".".join(str(p) for p in error["loc"])
    if error["type"] == "missing":
        return f"'{dotted}' is required; add it"
    if error["type"] == "extra_forbidden":
        return f"'{dotted}' is not a known key here; remove it or check the spelling"
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"'{dotted}': {text}" if dotted else text
