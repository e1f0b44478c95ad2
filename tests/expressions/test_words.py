import pytest

from prisonsurvey.questionnaire.expressions import VarInfo, parse, resolve, to_words, to_xpath
from prisonsurvey.questionnaire.model import Choice, ChoiceList, QuestionType

LABELS = {"age": "age", "status": "legal status", "care": "Who cares for your children"}
CHOICE_LABELS = {
    ("status", "1"): "Pretrial detention",
    ("status", "2"): "Sentenced",
    ("care", "3"): "Relatives",
    ("care", "1"): "Partner",
}

STATUS = ChoiceList(
    name="legal_status",
    choices=(
        Choice(code=1, name="pretrial", label={"en": "Pretrial detention"}),
        Choice(code=2, name="sentenced", label={"en": "Sentenced"}),
    ),
)
CARE = ChoiceList(
    name="caregivers",
    choices=(
        Choice(code=1, name="partner", label={"en": "Partner"}),
        Choice(code=3, name="relatives", label={"en": "Relatives"}),
    ),
)
VARS = {
    "age": VarInfo(QuestionType.INTEGER),
    "status": VarInfo(QuestionType.SELECT_ONE, STATUS),
    "care": VarInfo(QuestionType.SELECT_MULTIPLE, CARE),
}


def words(source, lang):
    expr = resolve(parse(source), VARS, current=VARS["age"])
    return to_words(
        expr,
        lang,
        label=LABELS.__getitem__,
        choice_label=lambda var, code: CHOICE_LABELS[(var, code)],
    )


CASES = {
    "${age} >= 18": {
        "en": "age is 18 or more",
        "es": "age es 18 o más",
        "pt": "age é 18 ou mais",
        "fr": "age est 18 ou plus",
    },
    "${age} < 18": {
        "en": "age is less than 18",
        "es": "age es menor que 18",
        "pt": "age é menor que 18",
        "fr": "age est inférieur à 18",
    },
    "18 < ${age}": {
        "en": "age is more than 18",
        "es": "age es mayor que 18",
        "pt": "age é maior que 18",
        "fr": "age est supérieur à 18",
    },
    "${age} <= 17.5": {
        "en": "age is 17.5 or less",
        "es": "age es 17,5 o menos",
        "pt": "age é 17,5 ou menos",
        "fr": "age est 17,5 ou moins",
    },
    "${status} = 'pretrial'": {
        "en": "legal status is Pretrial detention",
        "es": "legal status es Pretrial detention",
        "pt": "legal status é Pretrial detention",
        "fr": "legal status est Pretrial detention",
    },
    "${status} != 2": {
        "en": "legal status is not Sentenced",
        "es": "legal status no es Sentenced",
        "pt": "legal status não é Sentenced",
        "fr": "legal status n'est pas Sentenced",
    },
    "selected(${care}, 'relatives')": {
        "en": "'Relatives' is selected in Who cares for your children",
        "es": "se marcó 'Relatives' en Who cares for your children",
        "pt": "'Relatives' está marcado em Who cares for your children",
        "fr": "'Relatives' est coché dans Who cares for your children",
    },
    "not(selected(${care}, 'partner'))": {
        "en": "'Partner' is not selected in Who cares for your children",
        "es": "no se marcó 'Partner' en Who cares for your children",
        "pt": "'Partner' não está marcado em Who cares for your children",
        "fr": "'Partner' n'est pas coché dans Who cares for your children",
    },
    "${age} >= 18 and ${status} = 1": {
        "en": "age is 18 or more and legal status is Pretrial detention",
        "es": "age es 18 o más y legal status es Pretrial detention",
        "pt": "age é 18 ou mais e legal status é Pretrial detention",
        "fr": "age est 18 ou plus et legal status est Pretrial detention",
    },
    "(${age} < 18 or ${age} > 60) and ${status} = 2": {
        "en": "(age is less than 18 or age is more than 60) and legal status is Sentenced",
        "es": "(age es menor que 18 o age es mayor que 60) y legal status es Sentenced",
        "pt": "(age é menor que 18 ou age é maior que 60) e legal status é Sentenced",
        "fr": "(age est inférieur à 18 ou age est supérieur à 60) et legal status est Sentenced",
    },
    "${age} = ''": {
        "en": "age is not answered",
        "es": "age no tiene respuesta",
        "pt": "age não foi respondida",
        "fr": "age est sans réponse",
    },
    "${age} != ''": {
        "en": "age is answered",
        "es": "age tiene respuesta",
        "pt": "age foi respondida",
        "fr": "age a une réponse",
    },
    "count-selected(${care}) >= 2": {
        "en": "the number of options selected in Who cares for your children is 2 or more",
        "es": "el número de opciones marcadas en Who cares for your children es 2 o más",
        "pt": "o número de opções marcadas em Who cares for your children é 2 ou mais",
        "fr": "le nombre d'options cochées dans Who cares for your children est 2 ou plus",
    },
    ". >= 18 and . <= 99": {
        "en": "the answer is between 18 and 99",
        "es": "la respuesta está entre 18 y 99",
        "pt": "a resposta está entre 18 e 99",
        "fr": "la réponse est entre 18 et 99",
    },
    "${age} >= 18 and ${age} < 99": {
        "en": "age is 18 or more and age is less than 99",
        "es": "age es 18 o más y age es menor que 99",
        "pt": "age é 18 ou mais e age é menor que 99",
        "fr": "age est 18 ou plus et age est inférieur à 99",
    },
    "${status} = 1 or 2 = ${status}": {
        "en": "legal status is Pretrial detention or Sentenced",
        "es": "legal status es Pretrial detention o Sentenced",
        "pt": "legal status é Pretrial detention ou Sentenced",
        "fr": "legal status est Pretrial detention ou Sentenced",
    },
    "${status} = 1 or ${status} = 2 or ${age} > 60 or (${age} < 18 and ${status} = 1)": {
        "en": "legal status is Pretrial detention or Sentenced or age is more than 60 or "
        "(age is less than 18 and legal status is Pretrial detention)",
        "es": "legal status es Pretrial detention o Sentenced o age es mayor que 60 o "
        "(age es menor que 18 y legal status es Pretrial detention)",
        "pt": "legal status é Pretrial detention ou Sentenced ou age é maior que 60 ou "
        "(age é menor que 18 e legal status é Pretrial detention)",
        "fr": "legal status est Pretrial detention ou Sentenced ou age est supérieur à 60 ou "
        "(age est inférieur à 18 et legal status est Pretrial detention)",
    },
    "${status} = 1 or ${status} = 2 or ${status} = 1": {
        "en": "legal status is Pretrial detention, Sentenced or Pretrial detention",
        "es": "legal status es Pretrial detention, Sentenced o Pretrial detention",
        "pt": "legal status é Pretrial detention, Sentenced ou Pretrial detention",
        "fr": "legal status est Pretrial detention, Sentenced ou Pretrial detention",
    },
}


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
@pytest.mark.parametrize("source", list(CASES))
def test_common_shapes(source, lang):
    assert words(source, lang) == CASES[source][lang]


def test_without_choice_labels_codes_are_shown():
    expr = resolve(parse("${status} = 'pretrial'"), VARS)
    assert to_words(expr, "en", label=LABELS.__getitem__) == "legal status is 1"


def test_arithmetic_operands():
    expr = parse("${age} + 1 > 2 * (${age} - 3)")
    assert to_words(expr, "en", label=LABELS.__getitem__) == "age + 1 is more than 2 × (age - 3)"


def test_dates_relative_to_today():
    label = {"d": "arrest"}.__getitem__
    assert to_words(parse("${d} <= today()"), "en", label=label) == "arrest is today or earlier"
    assert to_words(parse("${d} < today()"), "es", label=label) == "arrest es anterior a hoy"


def test_fallback_to_expression_text():
    expr = parse("if(${age} > 1, 2, 3) = 2")
    assert to_words(expr, "en", label=LABELS.__getitem__) == "if(${age} > 1, 2, 3) is 2"
    expr = parse("true()")
    assert to_words(expr, "en", label=LABELS.__getitem__) == to_xpath(expr)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "the number of children is more than 0 and the answer matches the pattern '^[0-9]+$'",
        ),
        ("es", "el número de children es mayor que 0 y la respuesta cumple el patrón '^[0-9]+$'"),
        ("pt", "o número de children é maior que 0 e a resposta segue o padrão '^[0-9]+$'"),
        (
            "fr",
            "le nombre de children est supérieur à 0 et la réponse respecte le modèle '^[0-9]+$'",
        ),
    ],
)
def test_count_and_regex(lang, expected):
    expr = parse("count(${children}) > 0 and regex(., '^[0-9]+$')")
    assert to_words(expr, lang, label=lambda n: n) == expected


def test_not_equal_is_said_directly():
    expr = resolve(parse("not(${status} = 'pretrial')"), VARS)
    said = to_words(
        expr, "es", label=LABELS.__getitem__, choice_label=lambda v, c: "Prisión preventiva"
    )
    assert said == "legal status no es Prisión preventiva"


def test_unknown_language_uses_english():
    assert words("${age} >= 18", "ht") == "age is 18 or more"
