"""What a questionnaire change is, said in each language the regional report speaks.

A :class:`~prisonsurvey.versions.changes.Change` keeps its English ``detail`` for the diff, the
changelog and every machine-readable output; its :class:`Phrase` says the same in Spanish,
Portuguese or French where a page in that language quotes it. The English template of each key
is the ``detail`` the diff has always written. Names of questionnaire keys (``recode_from``,
``renamed_from``, ``choice_filter``), question types and codes are quoted as written.

Fields: ``{lang}`` a language code, ``{code}`` a choice code and ``{choice}`` its name, ``{to}``
the code it is recoded to, ``{old}``/``{new}`` the values before and after, ``{flag}`` a
question flag, ``{type}`` a question type and ``{name}`` a question name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "text_label": "label changed in '{lang}'",
        "text_hint": "hint changed in '{lang}'",
        "text_guidance_hint": "guidance_hint changed in '{lang}'",
        "text_show_card": "show_card changed in '{lang}'",
        "text_constraint_message": "constraint_message changed in '{lang}'",
        "text_required_message": "required_message changed in '{lang}'",
        "text_title": "title changed in '{lang}'",
        "text_intro": "intro changed in '{lang}'",
        "choice_recoded": "code {code} ('{choice}') is recoded to {to} by recode_from",
        "choice_removed": "code {code} ('{choice}') was removed; declare recode_from to map it",
        "choice_remeant": "code {code} now means '{new}' instead of '{old}'",
        "choice_relabelled": "label of code {code} changed in '{lang}'",
        "choice_added": "code {code} ('{choice}') was added",
        "missing_codes_changed": (
            "the codes meaning don't know / refused / not applicable changed"
        ),
        "type_changed": "type changed from {old} to {new}",
        "repeat_moved": (
            "moved into or out of a repeat: one answer per person became one per entry, or back"
        ),
        "question_moved": "moved from module {old} to {new}",
        "relevant_changed": "universe (relevance) changed",
        "constraint_changed": "constraint changed",
        "calculation_changed": "calculation changed",
        "choice_filter_changed": "choice_filter changed",
        "required_changed": "required changed",
        "flag_changed": "'{flag}' changed",
        "group_repeat_changed": "repeat structure changed (group/repeat or repeat count)",
        "group_universe_changed": "universe (relevance) of the whole group changed",
        "language_added": "language '{lang}' added",
        "language_removed": "language '{lang}' removed",
        "group_added": "group added",
        "group_renamed": "renamed from '{old}'",
        "group_removed": "group removed",
        "question_added": "{type} question added",
        "question_renamed": "renamed from '{old}' (declared with renamed_from)",
        "question_replaced": "replaces '{old}', which is not comparable and is not carried over",
        "question_removed": (
            "{type} question removed; if it was renamed, declare renamed_from: {name} on the "
            "new question"
        ),
    },
    "es": {
        "text_label": "etiqueta modificada en '{lang}'",
        "text_hint": "indicación (hint) modificada en '{lang}'",
        "text_guidance_hint": "instrucción al encuestador (guidance_hint) modificada en '{lang}'",
        "text_show_card": "tarjeta de respuestas (show_card) modificada en '{lang}'",
        "text_constraint_message": (
            "mensaje de la restricción (constraint_message) modificado en '{lang}'"
        ),
        "text_required_message": (
            "mensaje de respuesta obligatoria (required_message) modificado en '{lang}'"
        ),
        "text_title": "título modificado en '{lang}'",
        "text_intro": "introducción modificada en '{lang}'",
        "choice_recoded": "el código {code} ('{choice}') se recodifica a {to} con recode_from",
        "choice_removed": (
            "se eliminó el código {code} ('{choice}'); declare recode_from para asignarlo"
        ),
        "choice_remeant": "el código {code} significa ahora '{new}' en lugar de '{old}'",
        "choice_relabelled": "etiqueta del código {code} modificada en '{lang}'",
        "choice_added": "se agregó el código {code} ('{choice}')",
        "missing_codes_changed": (
            "cambiaron los códigos de no sabe / no responde / no corresponde"
        ),
        "type_changed": "el tipo cambió de {old} a {new}",
        "repeat_moved": (
            "pasó a una repetición o salió de ella: una respuesta por persona pasó a ser una "
            "por entrada, o al revés"
        ),
        "question_moved": "se trasladó del módulo {old} al {new}",
        "relevant_changed": "cambió el universo (condición de aplicación)",
        "constraint_changed": "cambió la restricción",
        "calculation_changed": "cambió el cálculo",
        "choice_filter_changed": "cambió el filtro de opciones (choice_filter)",
        "required_changed": "cambió el carácter obligatorio",
        "flag_changed": "cambió la marca '{flag}'",
        "group_repeat_changed": (
            "cambió la estructura de repetición (grupo/repetición o número de repeticiones)"
        ),
        "group_universe_changed": ("cambió el universo (condición de aplicación) de todo el grupo"),
        "language_added": "se agregó el idioma '{lang}'",
        "language_removed": "se eliminó el idioma '{lang}'",
        "group_added": "grupo agregado",
        "group_renamed": "antes llamado '{old}'",
        "group_removed": "grupo eliminado",
        "question_added": "pregunta {type} agregada",
        "question_renamed": "antes llamada '{old}' (declarado con renamed_from)",
        "question_replaced": "reemplaza a '{old}', que no es comparable y no se traslada",
        "question_removed": (
            "pregunta {type} eliminada; si se le cambió el nombre, declare renamed_from: "
            "{name} en la pregunta nueva"
        ),
    },
    "pt": {
        "text_label": "rótulo alterado em '{lang}'",
        "text_hint": "dica (hint) alterada em '{lang}'",
        "text_guidance_hint": "instrução ao entrevistador (guidance_hint) alterada em '{lang}'",
        "text_show_card": "cartão de respostas (show_card) alterado em '{lang}'",
        "text_constraint_message": (
            "mensagem da restrição (constraint_message) alterada em '{lang}'"
        ),
        "text_required_message": (
            "mensagem de resposta obrigatória (required_message) alterada em '{lang}'"
        ),
        "text_title": "título alterado em '{lang}'",
        "text_intro": "introdução alterada em '{lang}'",
        "choice_recoded": "o código {code} ('{choice}') é recodificado para {to} por recode_from",
        "choice_removed": (
            "o código {code} ('{choice}') foi removido; declare recode_from para mapeá-lo"
        ),
        "choice_remeant": "o código {code} agora significa '{new}' em vez de '{old}'",
        "choice_relabelled": "rótulo do código {code} alterado em '{lang}'",
        "choice_added": "o código {code} ('{choice}') foi acrescentado",
        "missing_codes_changed": ("os códigos de não sabe / recusou / não se aplica mudaram"),
        "type_changed": "o tipo mudou de {old} para {new}",
        "repeat_moved": (
            "entrou numa repetição ou saiu dela: uma resposta por pessoa passou a ser uma por "
            "entrada, ou o contrário"
        ),
        "question_moved": "transferida do módulo {old} para o {new}",
        "relevant_changed": "o universo (condição de aplicação) mudou",
        "constraint_changed": "a restrição mudou",
        "calculation_changed": "o cálculo mudou",
        "choice_filter_changed": "o filtro de opções (choice_filter) mudou",
        "required_changed": "a obrigatoriedade mudou",
        "flag_changed": "a marca '{flag}' mudou",
        "group_repeat_changed": (
            "a estrutura de repetição mudou (grupo/repetição ou número de repetições)"
        ),
        "group_universe_changed": "o universo (condição de aplicação) de todo o grupo mudou",
        "language_added": "idioma '{lang}' acrescentado",
        "language_removed": "idioma '{lang}' removido",
        "group_added": "grupo acrescentado",
        "group_renamed": "antes chamado '{old}'",
        "group_removed": "grupo removido",
        "question_added": "pergunta {type} acrescentada",
        "question_renamed": "antes chamada '{old}' (declarado com renamed_from)",
        "question_replaced": "substitui '{old}', que não é comparável e não é transportada",
        "question_removed": (
            "pergunta {type} removida; se foi renomeada, declare renamed_from: {name} na "
            "pergunta nova"
        ),
    },
    "fr": {
        "text_label": "libellé modifié en '{lang}'",
        "text_hint": "indication (hint) modifiée en '{lang}'",
        "text_guidance_hint": "consigne à l'enquêteur (guidance_hint) modifiée en '{lang}'",
        "text_show_card": "carte de réponses (show_card) modifiée en '{lang}'",
        "text_constraint_message": (
            "message de la contrainte (constraint_message) modifié en '{lang}'"
        ),
        "text_required_message": (
            "message de réponse obligatoire (required_message) modifié en '{lang}'"
        ),
        "text_title": "titre modifié en '{lang}'",
        "text_intro": "introduction modifiée en '{lang}'",
        "choice_recoded": "le code {code} ('{choice}') est recodé en {to} par recode_from",
        "choice_removed": (
            "le code {code} ('{choice}') a été supprimé ; déclarez recode_from pour le reporter"
        ),
        "choice_remeant": "le code {code} signifie désormais '{new}' au lieu de '{old}'",
        "choice_relabelled": "libellé du code {code} modifié en '{lang}'",
        "choice_added": "le code {code} ('{choice}') a été ajouté",
        "missing_codes_changed": ("les codes ne sait pas / refus / sans objet ont changé"),
        "type_changed": "le type est passé de {old} à {new}",
        "repeat_moved": (
            "entrée dans une répétition ou sortie de celle-ci : une réponse par personne est "
            "devenue une par entrée, ou l'inverse"
        ),
        "question_moved": "déplacée du module {old} au module {new}",
        "relevant_changed": "l'univers (condition de pertinence) a changé",
        "constraint_changed": "la contrainte a changé",
        "calculation_changed": "le calcul a changé",
        "choice_filter_changed": "le filtre des choix (choice_filter) a changé",
        "required_changed": "le caractère obligatoire a changé",
        "flag_changed": "l'indicateur '{flag}' a changé",
        "group_repeat_changed": (
            "la structure de répétition a changé (groupe/répétition ou nombre de répétitions)"
        ),
        "group_universe_changed": (
            "l'univers (condition de pertinence) de tout le groupe a changé"
        ),
        "language_added": "langue '{lang}' ajoutée",
        "language_removed": "langue '{lang}' supprimée",
        "group_added": "groupe ajouté",
        "group_renamed": "anciennement '{old}'",
        "group_removed": "groupe supprimé",
        "question_added": "question {type} ajoutée",
        "question_renamed": "anciennement '{old}' (déclaré avec renamed_from)",
        "question_replaced": "remplace '{old}', qui n'est pas comparable et n'est pas reportée",
        "question_removed": (
            "question {type} supprimée ; si elle a été renommée, déclarez renamed_from : "
            "{name} sur la nouvelle question"
        ),
    },
}


@dataclass(frozen=True)
class Phrase:
    """A change said from its template, in any language of :data:`PHRASES`.

    Attributes:
        key: Template key.
        fields: The template's fields, sorted by name.
    """

    key: str
    fields: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, key: str, **fields: object) -> Phrase:
        """The phrase ``key`` with its fields (each written with ``str``)."""
        return cls(key, tuple(sorted((k, str(v)) for k, v in fields.items())))

    def text(self, lang: str = "en") -> str:
        """The phrase in ``lang``; English when the language has no templates."""
        values: Mapping[str, str] = dict(self.fields)
        return PHRASES.get(lang, PHRASES["en"])[self.key].format(**values)
