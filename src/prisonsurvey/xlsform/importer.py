"""Turn an existing XLSForm into a questionnaire folder, reporting what cannot be represented."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prisonsurvey.errors import InputError, Issue, Issues, Location, Severity
from prisonsurvey.questionnaire.lint import lint_questionnaire
from prisonsurvey.questionnaire.model import (
    Group,
    Question,
    Questionnaire,
)
from prisonsurvey.xlsform._yaml_out import write_yaml
from prisonsurvey.xlsform.import_checks import ExpressionCheck
from prisonsurvey.xlsform.import_choices import read_choice_lists
from prisonsurvey.xlsform.import_names import Renamer
from prisonsurvey.xlsform.import_settings import identity, read_settings
from prisonsurvey.xlsform.import_sheets import SheetImporter
from prisonsurvey.xlsform.read import (
    read_xlsform,
)


@dataclass(frozen=True)
class ImportXlsformResult:
    """What ``import-xlsform`` wrote and what it could not carry over.

    Attributes:
        out_dir: The questionnaire folder written.
        files: The files written, in order.
        questionnaire: The imported questionnaire.
        issues: What could not be represented, or was changed, each at its sheet/row/column.
    """

    out_dir: Path
    files: tuple[Path, ...]
    questionnaire: Questionnaire
    issues: Issues = field(default_factory=Issues)

    @property
    def lossless(self) -> bool:
        """Whether nothing was dropped or changed beyond information notes."""
        return all(i.severity is Severity.INFO for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary (what ``--json`` prints)."""
        return {
            "ok": self.lossless,
            "out_dir": str(self.out_dir),
            "files": [str(f) for f in self.files],
            "id": self.questionnaire.id,
            "version": self.questionnaire.version,
            "languages": list(self.questionnaire.languages),
            "questions": len(self.questionnaire.questions()),
            "issues": self.issues.to_list(),
        }


def _dump_item(item: Question | Group) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump(mode="json", exclude_defaults=True, exclude={"items"})
    data = {"name": data.pop("name"), **data}
    if isinstance(item, Group):
        data.pop("type", None)
        data = {"name": data.pop("name"), "type": item.type, **data}
        data["items"] = [_dump_item(i) for i in item.items]
    return data


def _write_folder(questionnaire: Questionnaire, out_dir: Path, source: Path) -> tuple[Path, ...]:
    out_dir.mkdir(parents=True, exist_ok=True)
    header = f"Imported from {source.name} by prisonsurvey import-xlsform."
    files: list[Path] = []
    module_files = [f"{m.name}.yaml" for m in questionnaire.modules]
    root: dict[str, Any] = {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "title": dict(questionnaire.title),
        "languages": list(questionnaire.languages),
        "default_language": questionnaire.default_language,
    }
    if questionnaire.instance_name:
        root["instance_name"] = questionnaire.instance_name
    root["modules"] = module_files
    root["choice_files"] = ["choices.yaml"]
    files.append(write_yaml(out_dir / "questionnaire.yaml", root, header))
    choices: dict[str, Any] = {}
    for name, choice_list in questionnaire.choice_lists.items():
        choices[name] = {
            "choices": [
                c.model_dump(mode="json", exclude_defaults=True) for c in choice_list.choices
            ]
        }
    files.append(write_yaml(out_dir / "choices.yaml", choices, header))
    for module, file in zip(questionnaire.modules, module_files, strict=True):
        data = _dump_item(module)
        data.pop("type", None)
        files.append(write_yaml(out_dir / file, data, header))
    return tuple(files)


def _checked(importer: SheetImporter, questionnaire: Questionnaire) -> Questionnaire:
    """Drop what the expression language cannot carry, until nothing else depends on it.

    Dropping a calculation that cannot be represented drops its question, which can make
    other expressions refer to a question that no longer exists: check again until stable.
    """
    while True:
        check = ExpressionCheck(importer, questionnaire)
        modules = tuple(check.group(m) for m in questionnaire.modules)
        instance_name = questionnaire.instance_name
        if not check.ok(instance_name, "instance_name", "instance_name"):
            instance_name = None
        update: dict[str, Any] = {"modules": modules, "instance_name": instance_name}
        checked = questionnaire.model_copy(update=update)
        if checked == questionnaire:
            break
        questionnaire = checked
    modules = tuple(g for m in questionnaire.modules if (g := _pruned(importer, m)) is not None)
    if not modules:
        raise InputError(
            Issue(
                "XLS129",
                "no question of the form can be represented; there is nothing to import",
                importer.book.location("survey"),
            )
        )
    questionnaire = questionnaire.model_copy(update={"modules": modules})
    names = {item.name for _, item in questionnaire.walk()}
    texts = tuple(check.texts(m, names) for m in questionnaire.modules)
    modules = tuple(m for m in texts if isinstance(m, Group))
    return questionnaire.model_copy(
        update={"modules": modules, "choice_lists": check.filter_codes()}
    )


def _pruned(importer: SheetImporter, group: Group) -> Group | None:
    """Return the group without groups left empty by dropped questions (``None``: empty)."""
    items = tuple(
        kept
        for item in group.items
        if (kept := _pruned(importer, item) if isinstance(item, Group) else item) is not None
    )
    if items:
        return group.model_copy(update={"items": items}) if items != group.items else group
    importer.issue(
        "XLS129",
        f"{group.type} '{group.name}' has no question left that can be represented; "
        "it is dropped (an empty group is not a valid XForm)",
        "survey",
        importer.row_of.get(group.xlsform_name or group.name),
        "type",
    )
    return None


def _refuse_invalid(questionnaire: Questionnaire, source: Path) -> None:
    """Refuse, rather than write, a folder that ``validate`` would not accept."""
    errors = [i for i in lint_questionnaire(questionnaire) if i.severity is Severity.ERROR]
    if errors:
        raise InputError(
            [
                Issue(
                    "XLS128",
                    f"the imported questionnaire would not validate ({e.code}: {e.message}); "
                    "fix the form and import it again",
                    Location(str(source)),
                )
                for e in errors
            ]
        )


def import_xlsform(path: Path, out_dir: Path) -> ImportXlsformResult:
    """Turn the XLSForm at ``path`` into a questionnaire folder at ``out_dir``.

    Every part of the form that the questionnaire format cannot carry (media, unsupported
    question types, expressions outside the expression language, texts missing in a language)
    is reported as an :class:`~prisonsurvey.errors.Issue` at its sheet, row and column; choice
    lists whose names are not numeric get codes 1, 2, ... in order. Exporting the folder again
    gives a form that pyxform turns into an equivalent XForm.

    Raises:
        InputError: The workbook cannot be read, has no survey sheet, or its groups do not nest.
    """
    book = read_xlsform(Path(path))
    importer = SheetImporter(book)
    settings = read_settings(importer)
    importer.find_languages(settings)
    lists = read_choice_lists(importer)
    items = importer.survey(lists)
    modules = importer.modules(items)
    form_id, semver = identity(importer, settings)
    title_text = settings.get("form_title") or form_id
    try:
        questionnaire = Questionnaire(
            id=form_id,
            version=semver,
            title=dict.fromkeys(importer.languages, title_text),
            languages=tuple(importer.languages),
            default_language=importer.default_language,
            instance_name=settings.get("instance_name") or None,
            modules=tuple(modules),
            choice_lists=lists,
        )
    except ValidationError as err:
        raise InputError(
            Issue("XLS123", f"the form cannot be represented: {err}", book.location("survey"))
        ) from err
    questionnaire = Renamer(importer, questionnaire).run()
    questionnaire = _checked(importer, questionnaire)
    _refuse_invalid(questionnaire, book.path)
    files = _write_folder(questionnaire, Path(out_dir), Path(path))
    return ImportXlsformResult(Path(out_dir), files, questionnaire, importer.issues)
