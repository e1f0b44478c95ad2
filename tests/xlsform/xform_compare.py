"""Compare two XForms for equivalence: same questions, types, logic, texts and choices.

Paths are reduced to question names (the imported form may wrap loose questions in a module) and
expressions are parsed and resolved against one questionnaire, so ``${consent} = 'yes'`` and
``${consent} = 1`` compare equal when choice ``yes`` has code 1.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from prisonsurvey.questionnaire.expressions import (
    ExpressionError,
    VarInfo,
    parse,
    resolve,
    to_xpath,
)
from prisonsurvey.questionnaire.model import QuestionType

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "x": "http://www.w3.org/2002/xforms",
    "jr": "http://openrosa.org/javarosa",
}
JR = "{http://openrosa.org/javarosa}"
_PATH = re.compile(r"\s*(?:/[A-Za-z_][\w.-]*)+\s*|\s*\.\./([A-Za-z_][\w.-]*)\s*")
_SKIP = {"deviceid", "audit", "instanceID"}


_SELECTED = re.compile(r"selected\(\s*\$\{(\w+)\}\s*,\s*('[^']*')\s*\)")


class _Reader:
    def __init__(
        self,
        variables: Mapping[str, VarInfo],
        aliases: Mapping[str, str],
        attributes: set[str],
    ) -> None:
        self.variables = variables
        self.aliases = aliases
        self.attributes = attributes

    def refs(self, text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            name = (m.group(1) or m.group(0).strip().rsplit("/", 1)[-1]).strip()
            return "${" + self.aliases.get(name, name) + "}"

        def one(m: re.Match[str]) -> str:
            info = self.variables.get(m.group(1))
            if info is not None and info.type is QuestionType.SELECT_ONE:
                return f"${{{m.group(1)}}} = {m.group(2)}"  # pyxform's or_other on a select_one
            return m.group(0)

        return _SELECTED.sub(one, _PATH.sub(repl, text))

    def expr(self, text: str | None, current: str | None) -> str | None:
        if text is None:
            return None
        info = self.variables.get(current) if current else None
        try:
            parsed = parse(self.refs(text))
            return to_xpath(resolve(parsed, self.variables, info, attributes=self.attributes))
        except ExpressionError:  # outside the expression language: compared as written
            return f"unresolved: {text}"

    def last(self, nodeset: str) -> str:
        name = nodeset.rstrip("/").rsplit("/", 1)[-1]
        return self.aliases.get(name, name)


def signature(
    xml_text: str,
    variables: Mapping[str, VarInfo],
    aliases: Mapping[str, str] | None = None,
    attributes: set[str] | None = None,
) -> dict[str, Any]:
    """Questions (by name) with type, logic, texts per language and choice labels.

    ``aliases`` renames fields (an original form's names to the imported ones); ``attributes``
    are the choice attributes a ``choice_filter`` may name.
    """
    reader = _Reader(variables, aliases or {}, attributes or {"region", "name"})
    _expr, _last = reader.expr, reader.last
    root = ET.fromstring(xml_text)
    model = root.find("h:head/x:model", NS)
    assert model is not None
    texts: dict[str, dict[str, str]] = {}
    for translation in model.findall("x:itext/x:translation", NS):
        lang = translation.get("lang", "")
        for text in translation.findall("x:text", NS):
            value = text.find("x:value", NS)
            content = "".join(value.itertext()).strip() if value is not None else ""
            texts.setdefault(lang, {})[text.get("id", "")] = content
    binds: dict[str, dict[str, Any]] = {}
    for bind in model.findall("x:bind", NS):
        name = _last(bind.get("nodeset", ""))
        if name in _SKIP:
            continue
        binds[name] = {
            "type": bind.get("type"),
            "readonly": bind.get("readonly"),
            "required": _expr(bind.get("required"), name),
            "relevant": _expr(bind.get("relevant"), None),
            "constraint": _expr(bind.get("constraint"), name),
            "calculate": _expr(bind.get("calculate"), name),
        }
    labels: dict[str, dict[str, str]] = {}
    for lang, by_id in texts.items():
        for text_id, value in by_id.items():
            if ":" not in text_id:
                continue
            path, form = text_id.split(":", 1)
            labels.setdefault(f"{_last(path)}:{form}", {})[lang] = value
    instances = {i.get("id"): i for i in model.findall("x:instance", NS) if i.get("id")}
    choices: dict[str, list[dict[str, str]]] = {}
    filters: dict[str, str | None] = {}
    body = root.find("h:body", NS)
    assert body is not None
    for control in body.iter():
        itemset = control.find("x:itemset", NS)
        ref = control.get("ref")
        if itemset is None or ref is None:
            continue
        name = _last(ref)
        nodeset = itemset.get("nodeset", "")
        list_id = re.match(r"instance\('([^']+)'\)", nodeset)
        assert list_id is not None
        predicate = re.search(r"\[(.*)\]$", nodeset)
        filters[name] = _expr(predicate.group(1), name) if predicate else None
        items = instances[list_id.group(1)].findall("root/item", {})
        choices[name] = [
            {lang: by_id.get(item.findtext("itextId") or "", "") for lang, by_id in texts.items()}
            for item in items
        ]
    return {"binds": binds, "labels": labels, "choices": choices, "filters": filters}
