"""The questionnaire model equivalent of tests/fixtures/odk-harness/harness_form.xlsx."""

from __future__ import annotations

from pathlib import Path

from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "odk-harness"
FORM_VERSION = "2024061501"


def _t(en: str, es: str) -> dict[str, str]:
    return {"en": en, "es": es}


def _list(name: str, *choices: tuple[str, str, str] | tuple[str, str, str, str]) -> ChoiceList:
    out = []
    for code, c in enumerate(choices, start=1):
        filters = {"region": c[3]} if len(c) == 4 else {}
        out.append(Choice(code=code, name=c[0], label=_t(c[1], c[2]), filters=filters))
    return ChoiceList(name=name, choices=tuple(out))


def harness_questionnaire() -> Questionnaire:
    T = QuestionType  # noqa: N806
    lists = [
        _list("yes_no", ("yes", "Yes", "Sí"), ("no", "No", "No")),
        _list(
            "sex",
            ("female", "Female", "Mujer"),
            ("male", "Male", "Hombre"),
            ("other", "Other", "Otro"),
        ),
        _list("region", ("north", "North", "Norte"), ("south", "South", "Sur")),
        _list(
            "facility",
            ("n_central", "North Central Prison", "Prisión Central Norte", "north"),
            ("n_women", "North Women's Facility", "Centro Femenino Norte", "north"),
            ("s_central", "South Central Prison", "Prisión Central Sur", "south"),
            ("s_remand", "South Remand Centre", "Centro de Detención Sur", "south"),
        ),
        _list(
            "services",
            ("education", "Education", "Educación"),
            ("work", "Work", "Trabajo"),
            ("health", "Health care", "Atención médica"),
            ("visits", "Family visits", "Visitas familiares"),
            ("other", "Other", "Otro"),
        ),
        _list(
            "contact",
            ("phone", "Phone", "Teléfono"),
            ("letters", "Letters", "Cartas"),
            ("visits", "Visits", "Visitas"),
        ),
    ]
    respondent = Group(
        name="respondent",
        label=_t("Respondent", "Encuestado"),
        relevant="${consent} = 'yes'",
        items=(
            Question(
                name="age",
                type=T.INTEGER,
                label=_t("Age in years", "Edad en años"),
                required=True,
                constraint=". >= 18 and . <= 99",
            ),
            Question(
                name="sex", type=T.SELECT_ONE, label=_t("Sex", "Sexo"), choices="sex", required=True
            ),
            Question(
                name="admission_date",
                type=T.DATE,
                label=_t("Date of admission", "Fecha de ingreso"),
                constraint=". >= date('1990-01-01') and . <= date('2030-12-31')",
            ),
            Question(
                name="region",
                type=T.SELECT_ONE,
                label=_t("Region", "Región"),
                choices="region",
                required=True,
            ),
            Question(
                name="facility",
                type=T.SELECT_ONE,
                label=_t("Facility", "Centro"),
                choices="facility",
                required=True,
                choice_filter="region=${region}",
            ),
        ),
    )
    cell = Group(
        name="cell",
        label=_t("Cell", "Celda"),
        items=(
            Question(
                name="cell_occupants",
                type=T.INTEGER,
                label=_t("People in your cell", "Personas en su celda"),
                constraint=". >= 1",
            ),
            Question(
                name="cell_window",
                type=T.SELECT_ONE,
                choices="yes_no",
                label=_t("Does the cell have a window?", "¿La celda tiene ventana?"),
            ),
        ),
    )
    conditions = Group(
        name="conditions",
        label=_t("Conditions", "Condiciones"),
        relevant="${consent} = 'yes'",
        items=(
            Question(
                name="services",
                type=T.SELECT_MULTIPLE,
                choices="services",
                label=_t("Which services do you use?", "¿Qué servicios utiliza?"),
            ),
            Question(
                name="services_other",
                type=T.TEXT,
                required=True,
                label=_t("Other service", "Otro servicio"),
                relevant="selected(${services}, 'other')",
            ),
            Question(
                name="visits_per_month",
                type=T.INTEGER,
                label=_t("Family visits per month", "Visitas familiares al mes"),
                relevant="selected(${services}, 'visits')",
                constraint=". >= 0 and . <= 31",
            ),
            cell,
        ),
    )
    children = Group(
        name="children",
        type="repeat",
        label=_t("Child", "Hijo/a"),
        relevant="${has_children} = 'yes'",
        items=(
            Question(
                name="child_name",
                type=T.TEXT,
                required=True,
                identifying=True,
                label=_t("Child's first name", "Nombre del hijo/a"),
            ),
            Question(
                name="child_age",
                type=T.INTEGER,
                label=_t("Child's age", "Edad del hijo/a"),
                constraint=". >= 0 and . < 18",
            ),
            Question(
                name="child_contact",
                type=T.SELECT_MULTIPLE,
                choices="contact",
                label=_t("How do you keep in contact?", "¿Cómo mantiene el contacto?"),
            ),
            Question(
                name="child_summary",
                type=T.CALCULATE,
                calculation="concat(${child_name}, ' (', ${child_age}, ')')",
            ),
        ),
    )
    main = Group(
        name="main",
        items=(
            Question(
                name="consent",
                type=T.SELECT_ONE,
                choices="yes_no",
                required=True,
                label=_t("Do you agree to take part?", "¿Acepta participar?"),
            ),
            respondent,
            conditions,
            Question(
                name="age_group",
                type=T.CALCULATE,
                calculation="if(${age} < 25, 'young', if(${age} < 60, 'adult', 'older'))",
            ),
            Question(
                name="has_children",
                type=T.SELECT_ONE,
                choices="yes_no",
                label=_t("Do you have children?", "¿Tiene hijos?"),
                relevant="${consent} = 'yes'",
            ),
            children,
            Question(name="n_children", type=T.CALCULATE, calculation="count(${children})"),
            Question(
                name="summary_note",
                type=T.NOTE,
                label=_t(
                    "Age group: ${age_group}; children: ${n_children}",
                    "Grupo de edad: ${age_group}; hijos: ${n_children}",
                ),
            ),
            Question(
                name="comments",
                type=T.TEXT,
                label=_t("Any other comments?", "¿Algún otro comentario?"),
            ),
        ),
    )
    return Questionnaire(
        id="prison_harness",
        version="1.0.0",
        title=_t("Prison conditions survey (harness)", "Encuesta (harness)"),
        languages=("en", "es"),
        default_language="en",
        modules=(main,),
        choice_lists={cl.name: cl for cl in lists},
    )
