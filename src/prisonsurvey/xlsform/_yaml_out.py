"""Write plain data as readable questionnaire YAML (block style, ambiguous scalars quoted)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

_AMBIGUOUS = re.compile(
    r"^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?\d[\d_.:eE+-]*|\.inf|\.nan|)$", re.IGNORECASE
)


def _represent_str(representer: RoundTripRepresenter, data: str) -> Any:
    if "\n" in data:
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    style = "'" if _AMBIGUOUS.match(data) or data != data.strip() else None
    return representer.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _yaml() -> YAML:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    yaml.representer.add_representer(str, _represent_str)
    return yaml


def dump_yaml(data: Any, header: str = "") -> str:
    """Return ``data`` as YAML text, with ``header`` as leading comment lines."""
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + buffer.getvalue()


def write_yaml(path: Path, data: Any, header: str = "") -> Path:
    """Write ``data`` to ``path`` as YAML and return the path."""
    path.write_text(dump_yaml(data, header), encoding="utf-8")
    return path
