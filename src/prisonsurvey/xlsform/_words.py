"""Fixed interviewer texts the XLSForm and the paper form add, per language.

Languages without their own wording fall back to English so every promised language gets a text.
"""

from __future__ import annotations

from prisonsurvey.questionnaire.model import Text

_WORDS: dict[str, dict[str, str]] = {
    "handover": {
        "es": "ENTREVISTADOR: entregue el dispositivo a la persona entrevistada para que responda "
        "sola las preguntas siguientes. Explíquele que nadie verá sus respuestas.",
        "en": "INTERVIEWER: hand the device to the respondent to answer the next questions alone. "
        "Explain that nobody will see the answers.",
        "pt": "ENTREVISTADOR: entregue o dispositivo à pessoa entrevistada para que responda "
        "sozinha às perguntas seguintes. Explique que ninguém verá as respostas.",
        "fr": "ENQUÊTEUR : remettez l'appareil à la personne interrogée pour qu'elle réponde seule "
        "aux questions suivantes. Expliquez que personne ne verra ses réponses.",
        "nl": "ENQUÊTEUR: geef het apparaat aan de respondent om de volgende vragen alleen te "
        "beantwoorden. Leg uit dat niemand de antwoorden zal zien.",
    },
    "takeback": {
        "es": "Gracias. Por favor, devuelva el dispositivo al entrevistador.",
        "en": "Thank you. Please hand the device back to the interviewer.",
        "pt": "Obrigado. Por favor, devolva o dispositivo ao entrevistador.",
        "fr": "Merci. Veuillez rendre l'appareil à l'enquêteur.",
        "nl": "Dank u. Geef het apparaat terug aan de enquêteur.",
    },
    "show_card": {
        "es": "Tarjeta",
        "en": "Show card",
        "pt": "Cartão",
        "fr": "Carte",
        "nl": "Kaart",
    },
}


def word(key: str, lang: str) -> str:
    """Return the fixed text ``key`` in ``lang`` (English when the language has none)."""
    texts = _WORDS[key]
    return texts.get(lang, texts["en"])


def words(key: str, languages: tuple[str, ...]) -> Text:
    """Return the fixed text ``key`` for every language in ``languages``."""
    return {lang: word(key, lang) for lang in languages}
