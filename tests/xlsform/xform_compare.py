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

from prisonsurvey.questionnaire.expressions import VarInfo, parse, resolve, to_xpath

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "x": "http://www.w3.org/2002/xforms",
    "jr": "http://openrosa.org/javarosa",
}
JR = "{http://openrosa.org/javarosa}"
_PATH = re.compile(r"\s*(?:/[A-Za-z_][\w.-]*)+\s*|\s*\.\./([A-Za-z_][\w.-]*)\s*")
_SKIP = {"deviceid", "audit", "instanceID"}


def _refs(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        name = (m.group(1) or m.group(0).strip().rsplit("/", 1)[-1]).strip()
        return "${" + name + "}"

    return _PATH.sub(repl, text)


def _expr(text: str | None, variables: Mapping[str, VarInfo], current: str | None) -> str | None:
    if text is None:
        return None
    source = _refs(text).replace("true()", "true()")
    info = variables.get(current) if current else None
    return to_xpath(resolve(parse(source), variables, info, attributes={"region", "name"}))


def _last(nodeset: str) -> str:
    return nodeset.rstrip("/").rsplit("/", 1)[-1]


def signature(xml_text: str, variables: Mapping[str, VarInfo]) -> dict[str, Any]:
    """Questions (by name) with type, logic, texts per language and choice labels."""
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
            "required": _expr(bind.get("required"), variables, name),
            "relevant": _expr(bind.get("relevant"), variables, None),
            "constraint": _expr(bind.get("constraint"), variables, name),
            "calculate": _expr(bind.get("calculate"), variables, name),
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
        filters[name] = _expr(predicate.group(1), variables, name) if predicate else None
        items = instances[list_id.group(1)].findall("root/item", {})
        choices[name] = [
            {lang: by_id.get(item.findtext("itextId") or "", "") for lang, by_id in texts.items()}
            for item in items
        ]
    return {"binds": binds, "labels": labels, "choices": choices, "filters": filters}
