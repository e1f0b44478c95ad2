"""Responses: field exports in, typed tables out, nothing lost.

Library API (other parts build on it)::

    from prisonsurvey.project import Project, init_project
    from prisonsurvey.responses import Store, import_files, missing_kinds

    project = Project.open(Path("arc-2026"))          # or init_project(dir, instrument=...)
    result = import_files(project, [Path("submissions.csv.zip")])
    result.to_dict()     # read / new / updated / unchanged / quarantined

    with Store.open(project) as store:
        root = store.responses("regional-inmate")                # one row per submission
        kids = store.responses("regional-inmate", "children")    # a repeat, by _parent_key
        store.responses("regional-inmate", include_rejected=True)
        store.raw_rows(); store.quarantine(); store.import_log(); store.history(...)

    kinds = missing_kinds(project.questionnaire, root)    # skipped / unanswered / dont_know ...

Typed tables follow the data conventions of ``docs/questionnaire-format.md``: one column per
question; select_one as the numeric code; select_multiple as space-separated codes plus 0/1
indicator columns ``{name}_{code}`` for every choice of the list; numbers, pandas timestamps
(UTC, without time zone) and text; ``calculate`` results as text. System columns start with
``_``: ``_key`` (Central ``KEY``: ``uuid:...`` of the first version; repeat rows
``{parent}/{repeat}[n]``), ``_parent_key`` and ``_root_key`` (repeats), ``_version``,
``_submitted_at``, ``_review_state`` (received, hasIssues, edited, approved, rejected),
``_edits``, ``_instance_name``, ``_submitter``, ``_source_file``, ``_source_sheet``,
``_source_row``; ODK metadata ``start``, ``end``, ``today``, ``deviceid`` when present.

Modules: :mod:`~prisonsurvey.responses.sources` (read files as text),
:mod:`~prisonsurvey.responses.columns` (headers to questions),
:mod:`~prisonsurvey.responses.harmonise` (typing), :mod:`~prisonsurvey.responses.importer`
(the all-or-nothing import, in stages: :mod:`~prisonsurvey.responses.import_read`,
:mod:`~prisonsurvey.responses.import_type`, :mod:`~prisonsurvey.responses.import_batch`,
:mod:`~prisonsurvey.responses.import_store`), :mod:`~prisonsurvey.responses.store` and
:mod:`~prisonsurvey.responses.rawstore` (the DuckDB store), :mod:`~prisonsurvey.responses.missing`
(missing-value kinds), :mod:`~prisonsurvey.responses.simulate` and
:mod:`~prisonsurvey.responses.writers` (synthetic Central/KoBo/XML exports).
"""

from prisonsurvey.responses.importer import ImportResult, import_files
from prisonsurvey.responses.missing import missing_kinds, relevance
from prisonsurvey.responses.simulate import Simulated, simulate, simulate_export
from prisonsurvey.responses.store import Store, table_name

__all__ = [
    "ImportResult",
    "Simulated",
    "Store",
    "import_files",
    "missing_kinds",
    "relevance",
    "simulate",
    "simulate_export",
    "table_name",
]
