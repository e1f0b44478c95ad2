"""A corpus of small XLSForms covering the XLSForm spec, written as workbooks by the tests.

Each form is its sheets as rows (the first row is the header), spelled the many ways pyxform
accepts. ``lost`` names the import codes a form must report (what it cannot carry over);
``refused`` marks a form the import must refuse with located messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

Rows = list[list[object]]

YES_NO: Rows = [
    ["list_name", "name", "label"],
    ["yn", "yes", "Yes"],
    ["yn", "no", "No"],
]


@dataclass(frozen=True)
class CorpusForm:
    """One form of the corpus.

    Attributes:
        name: File stem (also the form id unless the settings say otherwise).
        survey: The survey sheet.
        choices: The choices sheet (empty: none).
        settings: The settings sheet (empty: none).
        lost: Import codes the form must report (columns, types or settings dropped).
        renamed: Original name -> name after the documented renames.
    """

    name: str
    survey: Rows
    choices: Rows = field(default_factory=list)
    settings: Rows = field(default_factory=list)
    lost: frozenset[str] = frozenset()
    renamed: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        """Write the form as ``{name}.xlsx`` in ``folder``."""
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in (
            ("survey", self.survey),
            ("choices", self.choices),
            ("settings", self.settings),
        ):
            if rows:
                ws = wb.create_sheet(title)
                for row in rows:
                    ws.append(row)
        path = folder / f"{self.name}.xlsx"
        wb.save(path)
        return path


S = ["type", "name", "label"]

CORPUS: tuple[CorpusForm, ...] = (
    CorpusForm(
        "groups",
        [
            [*S, "hint", "required", "relevant", "constraint", "constraint_message"],
            ["begin group", "person", "Person", "", "", "", "", ""],
            ["text", "full_name", "Name", "As written on the ID", "yes", "", "", ""],
            ["integer", "age", "Age", "", "yes", "", ". >= 18 and . < 120", "18 or more"],
            ["decimal", "height", "Height (m)", "", "", "${age} > 20", ". < 3", ""],
            ["date", "admitted", "Date of admission", "", "", "", ". <= today()", ""],
            ["end group", "", "", "", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "nested_repeats",
        [
            [*S, "repeat_count", "constraint"],
            ["begin_group", "household", "Household", "", ""],
            ["integer", "n_children", "Number of children", "", ". >= 0 and . < 10"],
            ["begin_repeat", "child", "Child", "${n_children}", ""],
            ["text", "child_name", "Child's name", "", ""],
            ["begin_repeat", "visit", "Visit", "", ""],
            ["date", "visit_date", "Date of the visit", "", ""],
            ["end_repeat", "", "", "", ""],
            ["end_repeat", "", "", "", ""],
            ["end_group", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "field_list",
        [
            [*S, "appearance", "hint"],
            ["begin group", "page", "One page", "field-list", ""],
            ["select_one yn", "consent", "Do you agree?", "minimal", "Read it aloud"],
            ["text", "comment", "Comment", "multiline", ""],
            ["end group", "", "", "", ""],
        ],
        YES_NO,
    ),
    CorpusForm(
        "selects",
        [
            [*S, "relevant"],
            ["begin group", "services", "Services", ""],
            ["select_one yn", "works", "Do you work?", ""],
            ["select_multiple services", "used", "Which services do you use?", "${works} = 'yes'"],
            ["text", "which_school", "Which school?", "selected(${used}, 'school')"],
            ["end group", "", "", ""],
        ],
        [
            *YES_NO,
            ["services", "school", "School"],
            ["services", "health", "Health care"],
            ["services", "work", "Work"],
        ],
    ),
    CorpusForm(
        "or_other",
        [
            S,
            ["begin group", "colour", "Colour"],
            ["select_one colours or_other", "favourite", "Favourite colour"],
            ["select_multiple colours or_other", "worn", "Colours worn"],
            ["end group", "", ""],
        ],
        [["list_name", "name", "label"], ["colours", "red", "Red"], ["colours", "blue", "Blue"]],
    ),
    CorpusForm(
        "choice_filter_repeated",
        [
            [*S, "choice_filter"],
            ["begin group", "place", "Place", ""],
            ["select_one county", "county", "County", ""],
            ["select_one city", "city", "City", "county=${county}"],
            ["end group", "", "", ""],
        ],
        [
            ["list_name", "name", "label", "county"],
            ["county", "north", "North", ""],
            ["county", "south", "South", ""],
            ["city", "king", "King City", "north"],
            ["city", "king", "King City", "south"],
            ["city", "port", "Port", "south"],
        ],
        [["allow_choice_duplicates"], ["yes"]],
    ),
    CorpusForm(
        "cascading",
        [
            [*S, "choice_filter"],
            ["begin group", "where", "Where", ""],
            ["select_one country", "country", "Country", ""],
            ["select_one region", "region", "Region", "country=${country}"],
            ["select_one town", "town", "Town", "region=${region} and country=${country}"],
            ["end group", "", "", ""],
        ],
        [
            ["list_name", "name", "label", "country", "region"],
            ["country", "1", "Arcadia", "", ""],
            ["country", "2", "Borduria", "", ""],
            ["region", "11", "Hills", "1", ""],
            ["region", "21", "Coast", "2", ""],
            ["town", "111", "Upton", "1", "11"],
            ["town", "211", "Seaton", "2", "21"],
        ],
    ),
    CorpusForm(
        "calculations",
        [
            [*S, "calculation", "required"],
            ["begin group", "sums", "Sums", "", ""],
            ["integer", "days", "Days in custody", "", "yes"],
            ["calculate", "weeks", "", "int(${days} div 7)", ""],
            ["note", "weeks_note", "That is ${weeks} weeks.", "", ""],
            ["end group", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "messages",
        [
            [
                "type",
                "name",
                "label::English (en)",
                "label::Español (es)",
                "constraint",
                "constraint_message::English (en)",
                "constraint_message::Español (es)",
                "required",
                "required_message::English (en)",
                "required_message::Español (es)",
            ],
            ["begin group", "cell", "Cell", "Celda", "", "", "", "", "", ""],
            [
                "integer",
                "cellmates",
                "Cellmates",
                "Compañeros de celda",
                ". < 50",
                "Fewer than 50",
                "Menos de 50",
                "yes",
                "Needed",
                "Obligatoria",
            ],
            ["end group", "", "", "", "", "", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "defaults",
        [
            [*S, "default", "read_only"],
            ["begin group", "visit", "Visit", "", ""],
            ["integer", "visitors", "Visitors", "1", ""],
            ["select_one yn", "allowed", "Allowed?", "yes", ""],
            ["text", "officer", "Officer", "unknown", "yes"],
            ["end group", "", "", "", ""],
        ],
        YES_NO,
    ),
    CorpusForm(
        "languages_double_colon",
        [
            [
                "type",
                "name",
                "label::English (en)",
                "label::Français (fr)",
                "hint::English (en)",
                "hint::Français (fr)",
            ],
            ["begin group", "intro", "Intro", "Introduction", "", ""],
            ["select_one yn", "ready", "Ready?", "Prêt ?", "Ask it", "Demandez-le"],
            ["end group", "", "", "", "", ""],
        ],
        [
            ["list_name", "name", "label::English (en)", "label::Français (fr)"],
            ["yn", "yes", "Yes", "Oui"],
            ["yn", "no", "No", "Non"],
        ],
        [["default_language"], ["English (en)"]],
    ),
    CorpusForm(
        "languages_single_colon",
        [
            ["type", "name", "label:English", "label:Spanish", "hint:English", "hint:Spanish"],
            ["begin group", "g", "Group", "Grupo", "", ""],
            ["text", "town", "Town", "Pueblo", "Where", "Dónde"],
            ["end group", "", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "label_in_one_language",
        [
            ["type", "name", "label", "label::Español (es)", "hint"],
            ["begin group", "g", "Group", "Grupo", ""],
            ["integer", "age", "", "Edad", ""],
            ["text", "town", "Town", "", ""],
            ["integer", "years", "", "", "Years in custody"],
            ["end group", "", "", "", ""],
        ],
        settings=[["default_language"], ["English (en)"]],
        lost=frozenset({"XLS116", "XLS125"}),
    ),
    CorpusForm(
        "languages_header_case",
        [
            ["Type", "Name", "Label::English (en)", "LABEL::Français (fr)", "Relevant", "Required"],
            ["begin group", "g", "Group", "Groupe", "", ""],
            ["integer", "rooms", "Rooms", "Pièces", "", "yes"],
            ["text", "notes", "Notes", "Remarques", "${rooms} > 1", ""],
            ["end group", "", "", "", "", ""],
        ],
    ),
    CorpusForm(
        "media",
        [
            [*S, "media::image", "audio"],
            ["begin group", "g", "Pictures", "", ""],
            ["select_one animals", "animal", "Which animal?", "animal.png", "animal.mp3"],
            ["end group", "", "", "", ""],
        ],
        [
            ["list_name", "name", "label", "image"],
            ["animals", "cat", "Cat", "cat.png"],
            ["animals", "dog", "Dog", "dog.png"],
        ],
        lost=frozenset({"XLS111"}),
    ),
    CorpusForm(
        "settings_variants",
        [S, ["begin group", "g", "Group"], ["text", "name_given", "Name"], ["end group", "", ""]],
        settings=[
            ["form_title", "id_string", "version", "instance_name", "style"],
            ["Settings", "settings_form", "2024010101", "concat('r-', ${name_given})", "pages"],
        ],
        lost=frozenset({"XLS111"}),
    ),
    CorpusForm(
        "old_style_headers",
        [
            ["type", "name", "label:english"],
            ["begin group", "g", "Group"],
            ["select one from yes_or_no", "q1", "Question one"],
            ["select all that apply from colors", "q2", "Colours"],
            ["end group", "", ""],
        ],
        [
            ["list name", "name", "label:english"],
            ["yes_or_no", "yes", "Yes"],
            ["yes_or_no", "no", "No"],
            ["colors", "red", "Red"],
            ["colors", "green", "Green"],
        ],
    ),
    CorpusForm(
        "pulldata",
        [
            [*S, "calculation"],
            ["begin group", "g", "Fruit", ""],
            ["text", "fruit_id", "Fruit id", ""],
            ["calculate", "fruit", "", "pulldata('fruits', 'name', 'id', ${fruit_id})"],
            ["note", "note_fruit", "The fruit is ${fruit}", ""],
            ["end group", "", "", ""],
        ],
        lost=frozenset({"XLS117", "XLS127"}),
    ),
    CorpusForm(
        "trigger",
        [
            [*S, "calculation", "trigger"],
            ["begin group", "g", "Weight", "", ""],
            ["decimal", "weight", "Weight", "", ""],
            ["calculate", "weight_twice", "", "${weight} * 2", "${weight}"],
            ["end group", "", "", "", ""],
        ],
        lost=frozenset({"XLS111"}),
    ),
    CorpusForm(
        "meta",
        [
            S,
            ["start", "start", ""],
            ["end", "end", ""],
            ["today", "today", ""],
            ["deviceid", "deviceid", ""],
            ["username", "username", ""],
            ["begin group", "g", "Group"],
            ["text", "remark", "Remark"],
            ["end group", "", ""],
        ],
        lost=frozenset({"XLS113"}),
    ),
    CorpusForm(
        "notes_refs",
        [
            S,
            ["begin group", "g", "Group"],
            ["text", "first", "First name"],
            ["note", "hello", "Hello ${first}, thank you."],
            ["integer", "years", "How many years, ${first}?"],
            ["end group", "", ""],
        ],
    ),
    CorpusForm(
        "range_rank",
        [
            [*S, "parameters"],
            ["begin group", "g", "Scales", ""],
            ["range", "pain", "Pain", "start=0 end=10 step=1"],
            ["rank opts", "priorities", "Rank these", ""],
            ["integer", "score", "Score", ""],
            ["end group", "", "", ""],
        ],
        [["list_name", "name", "label"], ["opts", "a", "A"], ["opts", "b", "B"]],
        lost=frozenset({"XLS112"}),
    ),
    CorpusForm(
        "geo",
        [
            S,
            ["begin group", "g", "Location"],
            ["geopoint", "gps", "Where are you?"],
            ["geotrace", "path", "Path walked"],
            ["geoshape", "yard", "Yard"],
            ["text", "place_name", "Name of the place"],
            ["begin group", "points", "Points"],
            ["geopoint", "corner", "Corner"],
            ["end group", "", ""],
            ["end group", "", ""],
        ],
        lost=frozenset({"XLS112", "XLS129"}),
    ),
    CorpusForm(
        "bad_names",
        [
            [*S, "hint", "relevant"],
            ["begin group", "Sucker_Group", "Suckers", "", ""],
            ["select_one truth", "Sucker_2", "Is it?", "", ""],
            ["integer", "Age", "", "Age in years", "${Sucker_2} = 'FALSE'"],
            ["text", "año", "Year", "", ""],
            ["end group", "", "", "", ""],
            ["begin repeat", "Visits", "Visits", "", ""],
            ["text", "Visitor", "Visitor", "", ""],
            ["end repeat", "", "", "", ""],
        ],
        [
            ["list_name", "name", "label"],
            ["truth", "TRUE", "True"],
            ["truth", "FALSE", "False"],
            ["truth", "not sure", "Neither"],
        ],
        lost=frozenset({"XLS125"}),
        renamed={
            "Sucker_Group": "sucker_group",
            "Sucker_2": "sucker_2",
            "Age": "age",
            "año": "ano",
            "Visits": "visits",
            "Visitor": "visitor",
        },
    ),
    CorpusForm(
        "from_file",
        [
            S,
            ["begin group", "g", "Fruit"],
            ["select_one_from_file fruits.csv", "fruit", "Fruit"],
            ["text", "why", "Why?"],
            ["end group", "", ""],
        ],
        lost=frozenset({"XLS112"}),
    ),
    CorpusForm(
        "comments_and_blanks",
        [
            [*S, "relevant", "comment"],
            ["begin group", "g", "Group", "", ""],
            ["", "", "", "", "Section A starts here"],
            ["text", "a", "A", "", ""],
            [None, None, None, None, None],
            ["", "", "", "", ""],
            ["integer", "b", "B", "${a} != ''", ""],
            ["end group", "", "", "", ""],
        ],
    ),
)
