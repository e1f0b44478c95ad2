"""Fixed words printed on the paper questionnaire, per language (English when missing)."""

from __future__ import annotations

_WORDS: dict[str, dict[str, str]] = {
    "module": {"es": "Módulo", "en": "Module", "pt": "Módulo", "fr": "Module"},
    "ask_if": {"es": "Preguntar si", "en": "Ask if", "pt": "Perguntar se", "fr": "Poser si"},
    "if_code": {"es": "Si", "en": "If", "pt": "Se", "fr": "Si"},
    "go_to": {"es": "pase a", "en": "go to", "pt": "passe para", "fr": "passez à"},
    "next_module": {
        "es": "el módulo siguiente",
        "en": "the next module",
        "pt": "o módulo seguinte",
        "fr": "le module suivant",
    },
    "end": {
        "es": "fin del cuestionario",
        "en": "end of questionnaire",
        "pt": "fim do questionário",
        "fr": "fin du questionnaire",
    },
    "interviewer": {
        "es": "ENTREVISTADOR",
        "en": "INTERVIEWER",
        "pt": "ENTREVISTADOR",
        "fr": "ENQUÊTEUR",
    },
    "card": {"es": "TARJETA", "en": "CARD", "pt": "CARTÃO", "fr": "CARTE"},
    "self_tag": {
        "es": "AUTOADMINISTRADO",
        "en": "SELF-ADMINISTERED",
        "pt": "AUTOAPLICADO",
        "fr": "AUTO-ADMINISTRÉ",
    },
    "show_card": {
        "es": "Muestre la tarjeta",
        "en": "Show card",
        "pt": "Mostre o cartão",
        "fr": "Montrez la carte",
    },
    "cards": {
        "es": "Tarjetas para la persona entrevistada",
        "en": "Show cards",
        "pt": "Cartões para a pessoa entrevistada",
        "fr": "Cartes-réponses",
    },
    "mark_one": {
        "es": "Marque un solo código",
        "en": "Circle one code",
        "pt": "Marque um só código",
        "fr": "Entourez un seul code",
    },
    "mark_all": {
        "es": "Marque todos los que correspondan",
        "en": "Mark all that apply",
        "pt": "Marque todos os que se aplicam",
        "fr": "Cochez toutes les réponses",
    },
    "required": {"es": "Obligatoria", "en": "Required", "pt": "Obrigatória", "fr": "Obligatoire"},
    "repeat": {
        "es": "Repita estas preguntas para cada",
        "en": "Repeat these questions for each",
        "pt": "Repita estas perguntas para cada",
        "fr": "Répétez ces questions pour chaque",
    },
    "times": {
        "es": "Número de veces",
        "en": "Number of times",
        "pt": "Número de vezes",
        "fr": "Nombre de fois",
    },
    "self_start": {
        "es": "AUTOADMINISTRADO: entregue este módulo y sus tarjetas a la persona entrevistada "
        "para que responda sola. Explique que nadie verá sus respuestas.",
        "en": "SELF-ADMINISTERED: hand this module and its cards to the respondent to answer "
        "alone. Explain that nobody will see the answers.",
        "pt": "AUTOAPLICADO: entregue este módulo e os seus cartões à pessoa entrevistada para "
        "que responda sozinha. Explique que ninguém verá as respostas.",
        "fr": "AUTO-ADMINISTRÉ : remettez ce module et ses cartes à la personne interrogée pour "
        "qu'elle réponde seule. Expliquez que personne ne verra ses réponses.",
    },
    "self_end": {
        "es": "Recoja el módulo y las tarjetas antes de continuar.",
        "en": "Take the module and the cards back before you continue.",
        "pt": "Recolha o módulo e os cartões antes de continuar.",
        "fr": "Reprenez le module et les cartes avant de continuer.",
    },
    "unit_date": {
        "es": "día / mes / año",
        "en": "day / month / year",
        "pt": "dia / mês / ano",
        "fr": "jour / mois / année",
    },
    "version": {"es": "Versión", "en": "Version", "pt": "Versão", "fr": "Version"},
}


def word(key: str, lang: str) -> str:
    """Return the fixed word ``key`` in ``lang`` (English when the language has none)."""
    texts = _WORDS[key]
    return texts.get(lang, texts["en"])


def vocabulary(lang: str) -> dict[str, str]:
    """Return every fixed word in ``lang``, for the template."""
    return {key: word(key, lang) for key in _WORDS}
