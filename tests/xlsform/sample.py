"""A small questionnaire built in Python that uses every feature the XLSForm export writes."""

from __future__ import annotations

from prisonsurvey.questionnaire.model import (
    Choice,
    ChoiceList,
    Group,
    Question,
    Questionnaire,
    QuestionType,
)


def t(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


def choices(name: str, *items: tuple[int, str, str, str], **kw: int) -> ChoiceList:
    return ChoiceList(
        name=name,
        choices=tuple(Choice(code=c, name=n, label=t(es, en)) for c, n, es, en in items),
        **kw,
    )


def sample_questionnaire() -> Questionnaire:
    yes_no = choices("yes_no", (1, "yes", "Sí", "Yes"), (2, "no", "No", "No"))
    sex = choices("sex", (1, "male", "Hombre", "Male"), (2, "female", "Mujer", "Female"))
    region = choices("region", (1, "north", "Norte", "North"), (2, "south", "Sur", "South"))
    facility = ChoiceList(
        name="facility",
        choices=(
            Choice(
                code=101, name="f101", label=t("Penal Norte", "North Prison"), filters={"region": 1}
            ),
            Choice(
                code=102, name="f102", label=t("Cárcel Norte", "North Jail"), filters={"region": 1}
            ),
            Choice(
                code=201, name="f201", label=t("Penal Sur", "South Prison"), filters={"region": 2}
            ),
        ),
    )
    harm = choices(
        "harm",
        (1, "theft", "Robo", "Theft"),
        (2, "threat", "Amenaza", "Threat"),
        (3, "injury", "Lesión", "Injury"),
        (99, "refused", "No responde", "Refused"),
        refused=99,
    )
    m1 = Group(
        name="m1_profile",
        label=t("Perfil", "Profile"),
        intro=t("Empezamos con algunos datos.", "We start with some facts."),
        items=(
            Question(
                name="region",
                type=QuestionType.SELECT_ONE,
                choices="region",
                label=t("Región", "Region"),
                required=True,
            ),
            Question(
                name="facility",
                type=QuestionType.SELECT_ONE,
                choices="facility",
                choice_filter="region = ${region}",
                label=t("Centro", "Facility"),
                required=True,
                required_message=t("Elija el centro", "Choose the facility"),
            ),
            Question(
                name="age",
                type=QuestionType.INTEGER,
                label=t("¿Cuántos años tiene?", "How old are you?"),
                hint=t("Años cumplidos", "Completed years"),
                required=True,
                constraint=". >= 18 and . <= 99",
                constraint_message=t("Entre 18 y 99", "Between 18 and 99"),
                unit="years",
            ),
            Question(
                name="sex",
                type=QuestionType.SELECT_ONE,
                choices="sex",
                label=t("Sexo", "Sex"),
                guidance_hint=t("Sexo al nacer", "Sex at birth"),
            ),
            Question(
                name="pregnant",
                type=QuestionType.SELECT_ONE,
                choices="yes_no",
                label=t("¿Está embarazada?", "Are you pregnant?"),
                relevant="${sex} = 'female' and ${age} < 50",
                required="${age} < 45",
            ),
            Question(
                name="children",
                type=QuestionType.INTEGER,
                label=t("¿Cuántos hijos menores de 18 tiene?", "How many children under 18?"),
                default="0",
                constraint=". >= 0 and . <= 20",
            ),
            Group(
                name="kids",
                type="repeat",
                label=t("Hijo", "Child"),
                repeat_count="${children}",
                relevant="${children} > 0",
                items=(
                    Question(
                        name="child_age",
                        type=QuestionType.INTEGER,
                        label=t("Edad del hijo", "Child's age"),
                        constraint=". >= 0 and . < 18",
                    ),
                ),
            ),
            Question(
                name="age_group",
                type=QuestionType.CALCULATE,
                calculation="if(${age} < 30, 1, 2)",
            ),
            Question(
                name="comments",
                type=QuestionType.TEXT,
                label=t("Comentarios", "Comments"),
                appearance="multiline",
                identifying=True,
            ),
        ),
    )
    m2 = Group(
        name="m2_safety",
        label=t("Seguridad", "Safety"),
        sensitive=True,
        relevant="${age} >= 18",
        items=(
            Question(
                name="harm",
                type=QuestionType.SELECT_MULTIPLE,
                choices="harm",
                label=t("¿Qué le ocurrió?", "What happened to you?"),
                show_card=t("Tarjeta A: lista de hechos", "Card A: list of events"),
            ),
            Question(
                name="reported",
                type=QuestionType.SELECT_ONE,
                choices="yes_no",
                label=t("¿Lo denunció?", "Did you report it?"),
                relevant="selected(${harm}, 'injury')",
            ),
        ),
    )
    m3 = Group(
        name="m3_contact",
        label=t("Contacto", "Contact"),
        items=(
            Question(
                name="visits",
                type=QuestionType.SELECT_ONE,
                choices="yes_no",
                label=t("¿Recibe visitas?", "Do you get visits?"),
            ),
            Question(
                name="visit_days",
                type=QuestionType.INTEGER,
                label=t("¿Cuántos días al mes?", "How many days a month?"),
                relevant="${visits} = 'yes'",
            ),
            Question(
                name="abuse",
                type=QuestionType.SELECT_ONE,
                choices="yes_no",
                sensitive=True,
                label=t("¿Sufrió maltrato en la visita?", "Were you mistreated at visits?"),
                relevant="${visits} = 'yes'",
            ),
            Question(
                name="end_note",
                type=QuestionType.NOTE,
                label=t("Gracias.", "Thank you."),
            ),
        ),
    )
    return Questionnaire(
        id="sample-form",
        version="1.2.3",
        title=t("Encuesta de prueba", "Test survey"),
        languages=("es", "en"),
        default_language="es",
        instance_name="concat(${facility}, '-', ${age})",
        modules=(m1, m2, m3),
        choice_lists={c.name: c for c in (yes_no, sex, region, facility, harm)},
    )
