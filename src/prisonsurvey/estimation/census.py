"""Census tabulation: exact domain totals and ratios, no sampling variance.

A facility census counts every unit, so an indicator is a plain sum (or a ratio of sums) over the
units of a domain. Units with a missing numerator or denominator are left out of that indicator
and counted; data-quality flag columns (booleans such as ``imputed`` or ``inconsistent``) are
carried through as the number of contributing units flagged, and named in a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prisonsurvey.estimation.domains import make_domains


@dataclass(frozen=True)
class CensusIndicator:
    """A census indicator: ``sum(numerator)`` or ``sum(numerator) / sum(denominator) * scale``.

    Attributes:
        id: Indicator identifier.
        numerator: Numerator column.
        denominator: Denominator column, or ``None`` for a count or total.
        scale: Multiplier of the ratio (100 for percentages, 100000 for rates).
    """

    id: str
    numerator: str
    denominator: str | None = None
    scale: float = 1.0


def census_tabulate(
    data: pd.DataFrame,
    indicators: Sequence[CensusIndicator] | Mapping[str, tuple[str, str | None]],
    by: Sequence[str] = (),
    flags: Sequence[str] = (),
) -> pd.DataFrame:
    """Tabulate census indicators by domain.

    Args:
        data: One row per census unit (facility).
        indicators: Indicators, or a mapping ``id -> (numerator, denominator or None)``.
        by: Domain columns to cross.
        flags: Boolean data-quality columns to carry through.

    Returns:
        One row per indicator and domain: the ``by`` columns, ``indicator``, ``value``,
        ``numerator``, ``denominator``, ``n_units`` (contributing units), ``n_missing`` (units
        left out for missing values), ``flag_<name>`` counts and a ``note``.

    Raises:
        KeyError: A column is not in ``data``.
    """
    items = (
        [CensusIndicator(k, v[0], v[1]) for k, v in indicators.items()]
        if isinstance(indicators, Mapping)
        else list(indicators)
    )
    domains = make_domains(data, by)
    c = domains.n_cells
    cells = np.where(domains.codes < 0, c, domains.codes)
    flag_values = {f: data[f].fillna(False).astype(bool).to_numpy() for f in flags}
    frames: list[pd.DataFrame] = []
    for ind in items:
        num = pd.to_numeric(data[ind.numerator], errors="coerce").to_numpy(dtype=np.float64)
        ok = ~np.isnan(num)
        den = np.ones_like(num)
        if ind.denominator is not None:
            den = pd.to_numeric(data[ind.denominator], errors="coerce").to_numpy(np.float64)
            ok &= ~np.isnan(den)
        in_domain = cells < c
        num_sum = np.bincount(cells, weights=np.where(ok, num, 0.0), minlength=c + 1)[:c]
        den_sum = np.bincount(cells, weights=np.where(ok, den, 0.0), minlength=c + 1)[:c]
        n_units = np.bincount(cells, weights=ok, minlength=c + 1)[:c].astype(np.int64)
        n_missing = np.bincount(cells, weights=~ok & in_domain, minlength=c + 1)[:c]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num_sum if ind.denominator is None else num_sum / den_sum * ind.scale
        frame = domains.table.copy()
        frame["indicator"] = ind.id
        frame["value"] = value
        frame["numerator"] = num_sum
        frame["denominator"] = den_sum if ind.denominator is not None else np.nan
        frame["n_units"] = n_units
        frame["n_missing"] = n_missing.astype(np.int64)
        notes: list[list[str]] = [[] for _ in range(c)]
        for i in np.flatnonzero(n_missing > 0):
            notes[i].append(f"{int(n_missing[i])} units missing")
        for name, flagged in flag_values.items():
            counts = np.bincount(cells, weights=flagged & ok, minlength=c + 1)[:c]
            frame[f"flag_{name}"] = counts.astype(np.int64)
            for i in np.flatnonzero(counts > 0):
                notes[i].append(f"{int(counts[i])} units flagged {name}")
        frame["note"] = ["; ".join(n) for n in notes]
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
