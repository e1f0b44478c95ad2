"""Apply a release specification to the root table: the steps from the original to the public file.

The steps run in a fixed order, each recorded with what it changed: leaving out identifying,
free-text and dropped variables; global recoding; top and bottom coding; PRAM; noise; local
suppression to reach k-anonymity. The questionnaire is rewritten alongside (a banded age becomes
a select question with its bands as choices) so the codebook and labels describe the released
file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    KeyRole,
    Question,
    Questionnaire,
    QuestionType,
)
from prisonsurvey.release.methods import (
    POOLED_CODE,
    add_noise,
    band_codes,
    local_suppression,
    pool_rare,
    pram,
    top_bottom_code,
)
from prisonsurvey.release.spec import DEFAULT_AGE_BANDS, Recode, ReleaseSection

_FREE_TEXT = (QuestionType.TEXT,)


@dataclass
class Protected:
    """The released root table and how it was obtained.

    Attributes:
        data: The released root table (design columns kept).
        questionnaire: The questionnaire describing the released file.
        keys: Categorical keys measured and protected.
        continuous: Continuous keys.
        left_out: Variables not released, with the reason.
        included: Identifying or free-text variables released because the spec names them.
        steps: One record per step: method, variable, what changed.
        suppressed: Values suppressed per key by local suppression.
        sensitive: Released sensitive variables whose l-diversity is measured.
    """

    data: pd.DataFrame
    questionnaire: Questionnaire
    keys: list[str]
    continuous: list[str]
    left_out: dict[str, str] = field(default_factory=dict)
    included: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    suppressed: dict[str, int] = field(default_factory=dict)
    sensitive: list[str] = field(default_factory=list)

    def record(self, method: str, variable: str, changed: int, detail: str) -> None:
        """Add a step: the method, the variable, how many values changed and how."""
        self.steps.append(
            {"method": method, "variable": variable, "changed": changed, "detail": detail}
        )


def declared_keys(q: Questionnaire, spec: ReleaseSection) -> tuple[list[str], list[str]]:
    """Categorical and continuous keys: the questionnaire's, changed by ``spec.keys``."""
    removed = set(spec.keys.remove)
    categorical, continuous = [], []
    for question in q.questions():
        if question.name in removed or q.repeat_of(question.name) is not None:
            continue
        if question.key is KeyRole.CATEGORICAL or question.name in spec.keys.add:
            categorical.append(question.name)
        elif question.key is KeyRole.CONTINUOUS:
            continuous.append(question.name)
    return categorical, continuous


def declared_sensitive(q: Questionnaire, spec: ReleaseSection, result: Protected) -> list[str]:
    """Sensitive variables whose l-diversity within key patterns is measured.

    Those ``spec.sensitive`` names, else every question of the root table marked
    ``sensitive: true`` that is released and is not itself a key.
    """
    released = set(result.data.columns)
    if spec.sensitive:
        return [n for n in spec.sensitive if n in released]
    keys = set(result.keys) | set(result.continuous)
    return [
        x.name
        for x in q.questions()
        if x.sensitive and x.name in released and x.name not in keys and q.repeat_of(x.name) is None
    ]


def _left_out(q: Questionnaire, spec: ReleaseSection) -> dict[str, str]:
    out: dict[str, str] = {}
    named = set(spec.include)
    for question in q.questions():
        if question.name in spec.drop:
            out[question.name] = "dropped by the release specification"
        elif question.name in named:
            continue
        elif question.identifying:
            out[question.name] = "identifying"
        elif question.type in _FREE_TEXT:
            out[question.name] = "free text"
    return out


_EXPRESSIONS = (
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "repeat_count",
    "required",
)


def _unlinked(item: Question | Group, names: set[str]) -> Question | Group:
    """Drop the expressions of ``item`` that read a variable not released."""
    refs = {f"${{{n}}}" for n in names}
    update: dict[str, Any] = {}
    for attr in _EXPRESSIONS:
        value = getattr(item, attr, None)
        if isinstance(value, str) and any(r in value for r in refs):
            update[attr] = False if attr == "required" else None
    return item.model_copy(update=update) if update else item


def _without(q: Questionnaire, names: set[str]) -> Questionnaire:
    def prune(group: Group) -> Group:
        items = tuple(
            prune(i) if isinstance(i, Group) else _unlinked(i, names)
            for i in group.items
            if not (isinstance(i, Question) and i.name in names)
        )
        return _unlinked(group.model_copy(update={"items": items}), names)  # type: ignore[return-value]

    instance = q.instance_name
    if instance and any(f"${{{n}}}" in instance for n in names):
        instance = None
    return q.model_copy(
        update={"modules": tuple(prune(m) for m in q.modules), "instance_name": instance}
    )


def _replace(
    q: Questionnaire, name: str, new: Question, lists: dict[str, ChoiceList]
) -> Questionnaire:
    def swap(group: Group) -> Group:
        items = tuple(
            swap(i) if isinstance(i, Group) else (new if i.name == name else i) for i in group.items
        )
        return group.model_copy(update={"items": items})

    return q.model_copy(
        update={
            "modules": tuple(swap(m) for m in q.modules),
            "choice_lists": {**q.choice_lists, **lists},
        }
    )


def _as_select(q: Questionnaire, name: str, labels: dict[int, str]) -> Questionnaire:
    question = q.question(name)
    list_name = f"release_{name}"
    choices = tuple(
        Choice(code=c, name=f"c{c}", label={lang: text for lang in q.languages})
        for c, text in labels.items()
    )
    new = question.model_copy(
        update={
            "type": QuestionType.SELECT_ONE,
            "choices": list_name,
            "constraint": None,
            "calculation": None,
            "unit": None,
            "note": f"Recoded for release into {len(labels)} groups.",
        }
    )
    return _replace(q, name, new, {list_name: ChoiceList(name=list_name, choices=choices)})


def _default_recodes(
    q: Questionnaire, keys: list[str], spec: ReleaseSection, roles: dict[str, str]
) -> dict[str, Recode]:
    recodes = dict(spec.recode)
    for name in keys:
        if name in recodes:
            continue
        question = q.question(name)
        if name == roles.get("psu") and roles.get("strata"):
            recodes[name] = Recode(to="strata")
            continue
        if question.type is QuestionType.INTEGER and (question.unit or "") in ("years", "año", ""):
            recodes[name] = Recode(bands=tuple(float(b) for b in DEFAULT_AGE_BANDS))
    return recodes


def protect(
    q: Questionnaire,
    root: pd.DataFrame,
    spec: ReleaseSection,
    design_columns: dict[str, str],
) -> Protected:
    """Run every step of ``spec`` on the root table.

    Args:
        q: The project's questionnaire.
        root: The root table, with its design columns joined.
        spec: The release specification.
        design_columns: Design roles (``strata``, ``psu``...) to the columns holding them;
            a recode ``to: <role or column>`` reads the value from there.
    """
    rng = np.random.default_rng(spec.seed)
    keys, continuous = declared_keys(q, spec)
    left_out = _left_out(q, spec)
    keys = [k for k in keys if k not in left_out and k in root.columns]
    continuous = [k for k in continuous if k not in left_out and k in root.columns]
    data = root.drop(columns=[c for c in left_out if c in root.columns])
    released_q = _without(q, set(left_out))
    result = Protected(data, released_q, keys, continuous, left_out)
    result.included = [n for n in spec.include if n in root.columns]
    for name, reason in left_out.items():
        result.steps.append({"method": "leave out", "variable": name, "detail": reason})
    for name, recode in _default_recodes(q, keys, spec, design_columns).items():
        if name not in result.data.columns:
            continue
        _recode(result, name, recode, design_columns)
    for name, coding in spec.top_code.items():
        if name in result.data.columns:
            result.data[name], changed = top_bottom_code(
                result.data[name], coding.top, coding.bottom
            )
            result.record(
                "top/bottom coding", name, changed, f"top {coding.top}, bottom {coding.bottom}"
            )
    for name in spec.pram.variables:
        if name in result.data.columns:
            result.data[name], changed = pram(result.data[name], spec.pram.keep, rng)
            result.record("PRAM", name, changed, f"invariant matrix, keep {spec.pram.keep}")
    for name in spec.noise.variables:
        if name in result.data.columns:
            integer = q.question(name).type is QuestionType.INTEGER
            before = result.data[name]
            result.data[name] = add_noise(before, spec.noise.amount, rng, integer)
            changed = int((result.data[name] != pd.to_numeric(before, errors="coerce")).sum())
            result.record("noise", name, changed, f"{spec.noise.amount} x standard deviation")
    result.data, result.suppressed = local_suppression(result.data, keys, spec.k, spec.importance)
    for name, count in result.suppressed.items():
        if count:
            result.record("local suppression", name, count, f"k = {spec.k}")
    result.sensitive = declared_sensitive(q, spec, result)
    return result


def _recode(result: Protected, name: str, recode: Recode, design_columns: dict[str, str]) -> None:
    data = result.data
    if recode.bands:
        data[name], labels = band_codes(data[name], recode.bands)
        result.questionnaire = _as_select(result.questionnaire, name, labels)
        detail = "bands " + ", ".join(labels.values())
    elif recode.to is not None:
        source = design_columns.get(recode.to, recode.to)
        if source not in data.columns:
            return
        codes, names = pd.factorize(data[source], sort=True)
        data[name] = pd.Series(codes + 1, index=data.index).where(codes >= 0).astype("Float64")
        labels = {i + 1: str(v) for i, v in enumerate(names)}
        result.questionnaire = _as_select(result.questionnaire, name, labels)
        detail = f"replaced by {recode.to}"
    elif recode.pool_below is not None:
        data[name], rare = pool_rare(data[name], recode.pool_below)
        detail = f"{len(rare)} categories below {recode.pool_below} records pooled as {POOLED_CODE}"
    else:
        return
    result.steps.append({"method": "global recoding", "variable": name, "detail": detail})


__all__ = ["Protected", "declared_keys", "declared_sensitive", "protect"]
