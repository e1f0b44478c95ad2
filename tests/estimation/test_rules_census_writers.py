"""Reliability and disclosure rules, census tabulation, and the table writers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from prisonsurvey.estimation.census import CensusIndicator, census_tabulate
from prisonsurvey.estimation.rules import Rules, apply_rules
from prisonsurvey.estimation.writers import TableMeta, render_html, render_markdown, write_tables


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sex": ["female", "male", "male", "female", "male"],
            "variable": ["v", "v", "v", "w", "w"],
            "level": [None, None, None, "<b>yes</b>", "no | maybe"],
            "estimate": [0.2, 0.3, 0.4, 0.5, 0.6],
            "se": [0.01, 0.2, 0.01, 0.1, 0.05],
            "ci_lower": [0.18, 0.0, 0.38, 0.3, 0.5],
            "ci_upper": [0.22, 0.7, 0.42, 0.7, 0.7],
            "cv": [0.05, 0.67, 0.025, 0.2, 0.083],
            "n": [500, 400, 2, 25, 300],
            "n_psu": [30, 20, 2, 1, 25],
        }
    )


def test_rules_flag_suppress_and_explain() -> None:
    out = apply_rules(_table(), Rules())
    assert out["status"].tolist() == ["ok", "suppressed", "suppressed", "suppressed", "ok"]
    assert "CV above 50%" in out["note"][1]
    assert "disclosure" in out["note"][2]
    assert "one facility" in out["note"][3]
    assert math.isnan(out["estimate"][1]) and out["n"][1] == 400
    relaxed = apply_rules(_table(), Rules(single_facility=False))
    assert relaxed["status"][3] == "flagged"
    assert "fewer than 30" in relaxed["note"][3]


def test_census_tabulate_sums_ratios_and_flags() -> None:
    df = pd.DataFrame(
        {
            "country": ["A", "A", "B", "B", "B"],
            "held": [100, 50, 30, np.nan, 20],
            "capacity": [80, 50, 40, 10, 10],
            "imputed": [False, True, False, True, None],
        }
    )
    out = census_tabulate(
        df,
        [
            CensusIndicator("occupancy", "held", "capacity", scale=100),
            CensusIndicator("held", "held"),
        ],
        by=["country"],
        flags=["imputed"],
    )
    occ = out[out["indicator"] == "occupancy"].set_index("country")
    assert occ.loc["A", "value"] == pytest.approx(150 / 130 * 100)
    assert occ.loc["B", "value"] == pytest.approx(50 / 50 * 100)
    assert occ.loc["B", "n_missing"] == 1
    assert occ.loc["A", "flag_imputed"] == 1
    assert occ.loc["B", "flag_imputed"] == 0  # the flagged unit is missing, not counted
    held = out[out["indicator"] == "held"].set_index("country")
    assert held.loc["A", "value"] == 150
    assert "1 units missing" in held.loc["B", "note"]


def test_html_escapes_text_and_draws_whiskers() -> None:
    table = apply_rules(_table(), Rules(single_facility=False, min_count=1, suppress_min_n=1))
    page = render_html(table, TableMeta(title="<script>x</script>", by=("sex",)))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;yes&lt;/b&gt;" in page and "<b>yes</b>" not in page
    assert page.count("<svg") == 2
    assert "<path d=" in page
    assert render_html(table, TableMeta(by=("sex",))) == render_html(table, TableMeta(by=("sex",)))


def test_markdown_escapes_pipes() -> None:
    md = render_markdown(apply_rules(_table()), TableMeta(by=("sex",)))
    assert "no \\| maybe" in md
    assert md.count("## ") == 2


def test_xlsx_has_a_sheet_per_indicator_and_a_tidy_sheet(tmp_path: Path) -> None:
    path = write_tables(
        apply_rules(_table()),
        tmp_path / "t.xlsx",
        "xlsx",
        TableMeta(title="Survey", by=("sex",), labels={"v": "Violence"}, lang="es"),
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["v", "w", "tidy"]
    ws = wb["v"]
    assert ws["A1"].value == "Violence"
    assert ws.freeze_panes == "A5"
    assert ws["B4"].value == "Estimación"
    assert wb["tidy"].max_row >= 6
    again = write_tables(
        apply_rules(_table()),
        tmp_path / "t2.xlsx",
        "xlsx",
        TableMeta(title="Survey", by=("sex",), labels={"v": "Violence"}, lang="es"),
    )
    assert again.read_bytes() == path.read_bytes()


def test_interval_methods_at_the_edges() -> None:
    from prisonsurvey.estimation.intervals import confidence_interval

    lo, up = confidence_interval(
        "beta", [0.0, 1.0, 0.3], [0.01, 0.01, 0.05], [50, 50, 50], n=[80] * 3
    )
    assert lo[0] == 0.0 and up[1] == 1.0
    assert 0 < lo[2] < 0.3 < up[2] < 1
    lo, up = confidence_interval("wilson", [0.3], [0.05], [np.inf])
    assert 0.2 < lo[0] < 0.3 < up[0] < 0.41
    lo, up = confidence_interval("wald", [0.3], [0.05], [np.inf])
    assert lo[0] == pytest.approx(0.3 - 1.959963984540054 * 0.05)


def test_category_with_few_holders_is_suppressed() -> None:
    table = _table().assign(n_category=[np.nan, np.nan, np.nan, 2, 0])
    out = apply_rules(table, Rules(single_facility=False, min_count=3, suppress_min_n=1))
    assert out["status"][3] == "suppressed"
    assert "in the category" in out["note"][3]
    assert out["status"][4] == "ok"  # nobody has it: not disclosive


def test_prop_counts_category_holders() -> None:
    from prisonsurvey.design import build_design
    from prisonsurvey.estimation import estimate

    df = pd.DataFrame(
        {"w": [1.0] * 6, "g": ["a", "a", "b", "b", "b", None], "s": [1, 1, 1, 2, 2, 2]}
    )
    out = estimate(build_design(df["w"]), df, ["g"], stat="prop", by=["s"]).to_frame()
    got = {(r.s, r.level): (r.n_category, r.n) for r in out.itertuples()}
    assert got[(1, "a")] == (2, 3)
    assert got[(1, "b")] == (1, 3)
    assert got[(2, "b")] == (2, 2)
