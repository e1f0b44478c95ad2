"""ODK form audit logs: the time each interview really spent on its questions.

Collect writes one ``audit.csv`` per submission (columns ``event``, ``node``, ``start``,
``end``; times in milliseconds since 1970). ODK Central puts them together in the export zip
as ``{form} - audit.csv`` with an ``instance ID`` column first; KoBo's audit download names the
submission ``_uuid`` or ``_id``. :func:`read_audit` reads any of them and
:func:`audit_minutes` sums, per submission, the time spent on question screens, which the
timing checks prefer to ``end - start`` (a form left open overnight is not a long interview).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from prisonsurvey.errors import InputError, Issue, Location

KEY_COLUMNS = ("instance ID", "instanceID", "_uuid", "KEY", "_key")
SCREEN_EVENTS = ("question", "group questions")


def _frames(path: Path) -> list[tuple[str, bytes]]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            return [(f"{path}!{n}", zf.read(n)) for n in zf.namelist() if n.endswith("audit.csv")]
    return [(str(path), path.read_bytes())]


def read_audit(paths: Iterable[Path]) -> pd.DataFrame:
    """Audit events of many submissions: ``_key``, ``event``, ``node``, ``start``, ``end``.

    Raises:
        InputError: A file cannot be read (QC020) or lacks the submission or time columns
            (QC021).
    """
    parts = []
    issues = []
    for path in paths:
        try:
            members = _frames(Path(path))
        except (OSError, zipfile.BadZipFile) as exc:
            issues.append(
                Issue(
                    "QC020",
                    f"cannot read the audit log ({exc.__class__.__name__}); check --audit",
                    Location(str(path)),
                )
            )
            continue
        for where, data in members:
            df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            key = next((c for c in KEY_COLUMNS if c in df.columns), None)
            missing = [c for c in ("event", "start", "end") if c not in df.columns]
            if key is None:
                missing.insert(0, "instance ID")
            if missing:
                issues.append(
                    Issue(
                        "QC021",
                        f"column(s) {', '.join(missing)} missing; export the audit log with "
                        "the submission id",
                        Location(where, row=1),
                    )
                )
                continue
            parts.append(
                pd.DataFrame(
                    {
                        "_key": df[key].str.strip(),
                        "event": df["event"].str.strip(),
                        "node": df["node"] if "node" in df.columns else "",
                        "start": pd.to_numeric(df["start"], errors="coerce"),
                        "end": pd.to_numeric(df["end"], errors="coerce"),
                    }
                )
            )
    if issues:
        raise InputError(issues)
    if not parts:
        return pd.DataFrame(columns=["_key", "event", "node", "start", "end"])
    return pd.concat(parts, ignore_index=True)


def audit_minutes(events: pd.DataFrame) -> pd.Series:
    """Minutes spent on question screens per submission key (events without an end skipped)."""
    screens = events[events["event"].isin(SCREEN_EVENTS)]
    spent = (screens["end"] - screens["start"]).where(lambda s: s >= 0)
    minutes = spent.groupby(screens["_key"].to_numpy()).sum(min_count=1) / 60_000.0
    return minutes.astype(float).rename("audit_minutes").rename_axis("_key")


def minutes_for(keys: np.ndarray, events: pd.DataFrame | None) -> np.ndarray:
    """Audit minutes for each key (NaN when the submission has no audit log)."""
    if events is None or events.empty:
        return np.full(len(keys), np.nan)
    per_key = audit_minutes(events)
    return per_key.reindex(pd.Index(keys)).to_numpy(dtype=float)
