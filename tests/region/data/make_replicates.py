"""Write the stacked file with combined replicate weights for tests/region/data/r_replicates.R.

From stacked_small.csv: each country gets its own replicate set made from its own design (AAA
JKn, LUS Rao-Wu bootstrap of 20 replicates, BOR JK1, CIS JKn), and the sets are combined block
by block (:func:`prisonsurvey.region.replicates.combine_replicates`). Every multiplier is
constant within a PSU, so the file is small: ``replicate_factors.csv`` has one row per PSU of
the stacked file (``psu``) and one column per replicate (``f_1`` ... ``f_R``), a row's replicate
weight being ``w`` times its PSU's factor; ``rscales.csv`` has one multiplier per replicate.

Usage, from the repository root: .venv/bin/python tests/region/data/make_replicates.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from prisonsurvey.design.replicates import ReplicateWeights
from prisonsurvey.region.replicates import combine_replicates
from prisonsurvey.weighting.replication import replicate_weights

HERE = Path(__file__).resolve().parent
METHODS = {"AAA": "jkn", "LUS": "boot", "BOR": "jk1", "CIS": "jkn"}
SEED = 18


def combined(stacked: pd.DataFrame) -> ReplicateWeights:
    """The combined replicate set of the stacked file (countries in order of appearance)."""
    sets = []
    for code in dict.fromkeys(stacked["country"]):
        rows = stacked.loc[stacked["country"] == code]
        sets.append(
            replicate_weights(
                rows, "country_stratum", "psu", METHODS[code], replicates=20, seed=SEED
            )
        )
    return combine_replicates(sets)


def main() -> None:
    stacked = pd.read_csv(HERE / "stacked_small.csv")
    rep = combined(stacked)
    psu = np.empty(rep.psu_factors.shape[0], dtype=object)
    psu[rep.psu_codes] = stacked["psu"].to_numpy()
    out = pd.DataFrame(rep.psu_factors, columns=[f"f_{k + 1}" for k in range(rep.n_replicates)])
    out.insert(0, "psu", psu)
    out.to_csv(HERE / "replicate_factors.csv", index=False, float_format="%.17g")
    pd.DataFrame({"rscales": rep.scale * rep.rscales}).to_csv(
        HERE / "rscales.csv", index=False, float_format="%.17g"
    )


if __name__ == "__main__":
    main()
