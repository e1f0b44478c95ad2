"""The whole pipeline on the bundled example survey of the fictional Republic of Arcadia.

:func:`run_demo` plays every role in turn and writes what each produces under one folder:

1. the survey designer: the country adaptation of the regional standard is validated (with its
   comparability summary), exported as XLSForms for ODK/KoBo and as the paper questionnaire;
2. the sampler: facilities are drawn by stratified PPS from the frame and a selection sheet is
   printed for the first facility;
3. the field team: synthetic interviews in the sampled facilities, answered as Arcadia's
   scenario (``examples/country/scenario.yaml``) says and with known fieldwork problems planted
   (listed in ``fieldwork/planted.csv``), come back as an ODK Central export and are imported
   into a survey project's store;
4. the analyst: quality checks, weights with JKn replicates calibrated to census totals,
   indicator tables with standard errors, a codebook with weighted frequencies, and labelled
   Stata and SPSS files; and the facility census tabulated;
5. the regional programme: Arcadia's round compared with two more fictional countries
   (``examples/region``) in the regional report (:mod:`prisonsurvey.demo_region`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.adaptation import load_adapted
from prisonsurvey.codebook.build import build_codebook
from prisonsurvey.codebook.writers import render_html
from prisonsurvey.errors import InputError, Issue, Location
from prisonsurvey.estimation.census_file import tabulate_census_file
from prisonsurvey.estimation.project_tables import tabulate_project
from prisonsurvey.preview.render import render_preview
from prisonsurvey.project import Project
from prisonsurvey.quality import run_checks, write_findings_csv, write_report_html
from prisonsurvey.questionnaire.find import find_instrument
from prisonsurvey.responses import Store, import_files, missing_kinds
from prisonsurvey.responses.plant import CHECKS as PLANTED_CHECKS
from prisonsurvey.responses.plant import DEFAULT_PLANT, plant
from prisonsurvey.responses.scenario import load_scenario
from prisonsurvey.responses.simulate import simulate
from prisonsurvey.responses.writers import write_export
from prisonsurvey.statfiles import export_data
from prisonsurvey.statfiles.export import Format
from prisonsurvey.statfiles.run import repeats_of
from prisonsurvey.weighting.jobs import sample_facilities_file, sample_persons_file
from prisonsurvey.weighting.project import weight_project
from prisonsurvey.xlsform.export import export_xlsform
from prisonsurvey.xlsform.version import xlsform_version

ARCADIA_POPULATION = 4_850_000
"""National population of the example country, the denominator of rates per 100,000."""

EXAMPLE_MISSING = "DEMO001"
"""The bundled example folder is not where the demo expects it."""


def example_folder() -> Path:
    """The bundled example country folder (``examples/country`` of the repository)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples" / "country"
        if (candidate / "adaptation.yaml").is_file():
            return candidate
    raise InputError(
        Issue(
            EXAMPLE_MISSING,
            "the example survey (examples/country) was not found; run the demo from a checkout "
            "of the repository",
            Location("examples/country"),
        )
    )


@dataclass
class DemoResult:
    """What the demo wrote, step by step (``{step: {label: path or figure}}``)."""

    out: Path
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {"out": str(self.out), "steps": self.steps}


Report = Callable[[str], None]


def _survey_yaml(version: str) -> str:
    return f"""\
# Arcadia national survey of persons deprived of liberty, 2026 (example round).
survey:
  id: arc-2026
  title: Encuesta Nacional de Población Privada de la Libertad de Arcadia 2026
  country: ARC
instrument:
  id: arcadia-inmate
  version: 1.0.0
  # 'pilot': the form before range constraints were added, kept on a few tablets
  form_versions: ['{version}', '{DEFAULT_PLANT.old_form_version}']
adaptation: adaptation.yaml
frame: sample.csv
weighting: weighting.yaml
indicators: []
tabulate:
  weights: ../analysis/weighted.csv
  design:
    weight: final_weight
    strata: region
    psu: facility
    repweights: repw_*
    reptype: jkn
  catalogue: regional-inmate@1.0.0
quality:
  targets: targets.csv           # completed interviews wanted per facility
"""


def _design(project_dir: Path) -> tuple[Path, Project]:
    example = example_folder()
    project_dir.mkdir(parents=True, exist_ok=True)
    for name in (
        "adaptation.yaml",
        "national_module.yaml",
        "facilities.csv",
        "offences.csv",
        "weighting.yaml",
    ):
        shutil.copy2(example / name, project_dir / name)
    shutil.copy2(example / "controls.json", project_dir / "controls.json")
    (project_dir / "survey.yaml").write_text(_survey_yaml(xlsform_version("1.0.0")), "utf-8")
    return example, Project.open(project_dir)


def _fieldwork(
    project: Project, sample: pd.DataFrame, n: int, seed: int, out: Path
) -> tuple[Path, pd.DataFrame]:
    """Simulate interviews in the sampled facilities and write them as a Central export."""
    q = project.questionnaire
    chosen = sample.loc[sample["selected"].astype(bool)].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    facility = np.sort(chosen["code"].to_numpy()[np.arange(n) % len(chosen)])
    scenario = load_scenario(example_folder() / "scenario.yaml", q)
    sim = simulate(q, n, seed, scenario, facilities=facility)
    root = sim.tables[None]
    populations = chosen.set_index("code")["population"]
    # as in the field: one roster line per sampled person (the scenario gives interviewers
    # and interview times)
    lines = np.zeros(len(root), dtype=int)
    for code in chosen["code"]:
        rows = np.flatnonzero(facility == code)
        pool = int(populations[code])
        lines[rows] = rng.choice(np.arange(1, pool + 1), size=rows.size, replace=rows.size > pool)
    root["roster_line"] = lines
    planted = plant(sim, DEFAULT_PLANT, seed)
    _, targets = planted.write(out.parent)
    shutil.copy2(targets, project.root / "targets.csv")
    root = sim.tables[None]
    path = write_export(sim, "central", out, form_id=q.id, version=xlsform_version(q.version))
    return path, root


def _planted_count(path: Path) -> int:
    """Problems planted (a duplicate is listed once per check that must find it)."""
    listed = pd.read_csv(path)
    return int((listed["check"] == listed["problem"].map(PLANTED_CHECKS)).sum())


def _design_data(
    root: pd.DataFrame, sample: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The facility sample with its stratum sizes, and each sampled person's design columns.

    The person columns are what the selection sheets and the roster record for everyone
    sampled, respondent or not: the probability of selection within the facility, whether the
    interview was done, and sex and legal status from the prison register.
    """
    facilities = sample.copy()
    facilities["n_fac_stratum"] = facilities.groupby("region")["code"].transform("size")
    population = facilities.set_index("code")["population"]
    facility = pd.to_numeric(root["facility"], errors="coerce")
    taken = facility.map(facility.value_counts())
    rng = np.random.default_rng(seed)
    sex = pd.to_numeric(root["sex"], errors="coerce")
    legal = pd.to_numeric(root["legal_status"], errors="coerce")
    persons = pd.DataFrame(
        {
            "_key": root["_key"],
            "pi_inmate": np.minimum(taken / facility.map(population), 1.0),
            "responded": (pd.to_numeric(root["consent"], errors="coerce") == 1).astype(int),
            "sex_admin": np.where(
                sex.isin([1, 2]), sex, rng.choice([1, 2], len(root), p=[0.93, 0.07])
            ),
            "legal_status_admin": np.where(
                legal.isin([1, 2, 3, 4]),
                legal,
                rng.choice([1, 2, 3, 4], len(root), p=[0.38, 0.12, 0.47, 0.03]),
            ),
        }
    )
    return facilities, persons


def run_demo(
    out: Path, respondents: int = 450, seed: int = 2026, report: Report | None = None
) -> DemoResult:
    """Run the whole pipeline on the example survey and write every output under ``out``.

    Args:
        out: Output folder (created; earlier demo outputs in it are replaced).
        respondents: Number of simulated interviews.
        seed: Seed of every random draw (the demo is reproducible).
        report: Called with a line of progress for each step.

    Returns:
        The files written and the main figures of each step.
    """
    say = report or (lambda _line: None)
    if out.exists():
        shutil.rmtree(out)
    result = DemoResult(out)
    project_dir = out / "project"
    example, project = _design(project_dir)

    adapted = load_adapted(project_dir / "adaptation.yaml")
    if adapted.questionnaire is None or adapted.comparability is None:
        raise InputError(adapted.issues.errors)
    q = adapted.questionnaire
    forms = out / "forms"
    forms.mkdir(parents=True)
    xlsx = export_xlsform(q, forms / f"{q.id}.xlsx")
    paper = forms / f"{q.id}.es.html"
    paper.write_text(render_preview(q, "es"), "utf-8")
    census_form = export_xlsform(find_instrument("facility-census"), forms / "facility-census.xlsx")
    result.steps["design"] = {
        "comparability": adapted.comparability.counts(),
        "xlsform": str(xlsx),
        "paper questionnaire": str(paper),
        "facility census xlsform": str(census_form),
    }
    say(f"design: {adapted.comparability.text().splitlines()[0]}")

    sampling = out / "sample"
    sampling.mkdir()
    drawn = sample_facilities_file(
        project_dir / "facilities.csv",
        project_dir / "weighting.yaml",
        sampling / "facilities.csv",
        seed,
    )
    sample = pd.read_csv(sampling / "facilities.csv")
    first = sample.loc[sample["selected"].astype(bool)].iloc[0]
    sheet = sample_persons_file(
        str(first["code"]),
        int(first["population"]),
        None,
        seed,
        sampling / f"persons_{first['code']}.csv",
        sampling / f"persons_{first['code']}.html",
        spec_path=project_dir / "weighting.yaml",
    )
    result.steps["sample"] = {
        "facilities selected": drawn["selected"],
        "sample": str(sampling / "facilities.csv"),
        "selection sheet": str(sampling / f"persons_{first['code']}.html"),
    }
    say(f"sample: {drawn['selected']} facilities drawn; selection sheet {sheet.get('output', '')}")

    fieldwork = out / "fieldwork"
    export, _ = _fieldwork(project, sample, respondents, seed, fieldwork / f"{q.id}.csv.zip")
    imported = import_files(project, [export])
    planted = fieldwork / "planted.csv"
    result.steps["fieldwork"] = {
        "export": str(export),
        "import": imported.to_dict(),
        "planted problems": str(planted),
    }
    say(
        f"fieldwork: {respondents} interviews simulated with Arcadia's scenario, "
        f"{_planted_count(planted)} planted problems listed in {planted}; "
        "exported by ODK Central and imported"
    )

    with Store.open(project, read_only=True) as store:
        root = store.responses(q.id)
        tables: dict[str | None, pd.DataFrame] = {None: root}
        for repeat in repeats_of(q):
            frame = store.responses(q.id, repeat)
            if not frame.empty:
                tables[repeat] = frame

    quality = out / "quality"
    quality.mkdir()
    checked = run_checks(project)
    write_report_html(checked, quality / "report.html")
    write_findings_csv(checked, quality / "findings.csv")
    result.steps["quality"] = {
        "report": str(quality / "report.html"),
        "findings": len(checked.findings),
    }
    say(f"quality: {len(checked.findings)} findings in {quality / 'report.html'}")

    analysis = out / "analysis"
    analysis.mkdir()
    facilities, persons = _design_data(root, sample, seed)
    facilities.to_csv(project_dir / "sample.csv", index=False, float_format="%.17g")
    persons.to_csv(fieldwork / "selection.csv", index=False, float_format="%.17g")
    weights = weight_project(
        project_dir, project_dir / "controls.json", fieldwork / "selection.csv"
    )
    weighted_path = Path(weights["output"])
    (analysis / "weights_diagnostics.json").write_text(
        json.dumps(weights["diagnostics"], indent=2, default=str), "utf-8"
    )
    say(f"weights: final weights and JKn replicates for {weights['rows']} rows")

    tables_out: dict[str, str] = {}
    for name, by in (("national", ()), ("by_sex", ("sex",))):
        for fmt in ("xlsx", "html"):
            target = analysis / f"indicators_{name}.{fmt}"
            tabulate_project(project_dir, by, (), target, fmt, "es")
            tables_out[f"{name} ({fmt})"] = str(target)
    result.steps["tables"] = tables_out
    say(f"tables: indicators with standard errors in {analysis / 'indicators_national.html'}")

    weighted = pd.read_csv(weighted_path, low_memory=False)
    book = build_codebook(q, "es", root, weighted["final_weight"], missing_kinds)
    codebook_path = analysis / f"codebook.{q.id}.es.html"
    codebook_path.write_text(render_html(book), "utf-8")
    extra = weighted[["final_weight", "region", "facility"]].rename(
        columns={"region": "stratum", "facility": "psu"}
    )
    extra.index = root.index
    files: dict[str, list[str]] = {}
    formats: tuple[Format, ...] = ("dta", "sav")
    for fmt in formats:
        written = export_data(
            q, tables, analysis / f"{q.id}.{fmt}", fmt, "es", False, extra, missing_kinds
        )
        files[fmt] = [str(p) for p in written.files]
    result.steps["codebook and files"] = {"codebook": str(codebook_path), **files}
    say(f"codebook and statistical files: {codebook_path}")

    census_path = analysis / "census_tables.xlsx"
    census = tabulate_census_file(
        example / "census" / "census_2025.csv",
        find_instrument("facility-census"),
        parameters={"national_population": ARCADIA_POPULATION},
        output=census_path,
        lang="es",
    )
    result.steps["census"] = {"tables": str(census_path), "warnings": len(census.issues)}
    say(f"census: {len(census.table)} figures in {census_path}")

    from prisonsurvey.demo_region import run_region

    regional = run_region(example.parent, out, seed)
    result.steps["regional report"] = regional
    say(
        f"regional report: {regional['countries']} compared, {regional['figures']} figures; "
        f"open {regional['report']}"
    )
    return result
