"""The report's own texts in each of its languages.

Every key is in every language. Texts with ``{...}`` fields are formatted by the page: ``{sets}``
the replicate sets combined (``ARC JKn 15, LUS JKn 8``), ``{n}`` and ``{areas}`` the number and
codes of the countries a census note names. ``project`` and ``release`` name a round's source.
``reason_*`` are the comparability reasons found from a round's adaptation: ``{name}`` the core
question, ``{detail}`` what changed (said in the page's language too), ``{declared}`` and
``{why}`` the country's own words, ``{module}`` a group not fielded, ``{national}`` the national
question of a crosswalk and ``{questionnaire}`` the instrument fielded.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "es": {
        "census": "Indicadores del censo de establecimientos",
        "census_text": (
            "Cifras exactas del censo de establecimientos de cada país (sin varianza de "
            "muestreo); la cifra regional suma numeradores y denominadores de los países con "
            "censo."
        ),
        "year": "Año",
        "places": "Plazas oficiales",
        "people_held": "Personas alojadas",
        "national_population": "Población nacional",
        "census_note": "Nota",
        "variance": "Varianza",
        "report": "Informe regional",
        "indicators": "Indicadores",
        "countries": "Países",
        "country": "País",
        "region": "Región (cifra agregada)",
        "average": "Promedio simple de países",
        "estimate": "Estimación",
        "ci": "IC 95 %",
        "se": "Error estándar",
        "n": "n",
        "status": "Estado",
        "comparability": "Comparabilidad",
        "notes": "Notas de comparabilidad",
        "sex": "Sexo",
        "legal_status": "Situación jurídica",
        "total": "Total",
        "profile": "Perfil de país",
        "methodology": "Anexo metodológico",
        "design": "Diseño",
        "strata": "estratos",
        "psus": "unidades primarias (centros)",
        "respondents": "Personas entrevistadas",
        "weighted": "Población representada",
        "response_rate": "Tasa de respuesta",
        "fieldwork": "Trabajo de campo",
        "instrument": "Instrumento",
        "core_version": "Versión del núcleo regional",
        "adaptation": "Adaptación",
        "kept": "preguntas del núcleo sin cambios",
        "adapted": "adaptadas",
        "not_fielded": "no aplicadas",
        "added": "nacionales añadidas",
        "weighting": "Ponderación",
        "weighting_text": (
            "pesos finales de la ronda ({weight}), escalados para sumar la población "
            "penitenciaria del país"
        ),
        "pooled_text": (
            "La cifra regional estima sobre un solo diseño apilado (estratos = país x "
            "estrato, UPM = país x centro); el promedio simple de países da a cada país el "
            "mismo peso."
        ),
        "source": "Fuente",
        "comparable": "comparable",
        "comparable_note": "comparable con nota",
        "not_comparable": "no comparable",
        "not_collected": "no recolectado",
        "ok": "publicable",
        "flagged": "usar con cautela",
        "suppressed": "suprimido",
        "back": "Volver al informe",
        "languages": "Idiomas",
        "variance_linearised": "linealizada",
        "variance_replicate": "por réplicas ({sets})",
        "project": "proyecto de encuesta",
        "release": "paquete de publicación",
        "census_total_one": "total de {n} país: {areas}",
        "census_total": "total de {n} países: {areas}",
        "census_left_one": "no incluido: {areas}",
        "census_left": "no incluidos: {areas}",
        "no_census": "sin censo de establecimientos",
        "no_population": "sin población nacional en region.yaml",
        "reason_not_fielded": "'{name}' no se aplicó: {why}",
        "reason_not_fielded_module": "'{name}' no se aplicó (módulo {module}): {why}",
        "reason_not_in_questionnaire": (
            "'{name}' no figura en el cuestionario aplicado ({questionnaire})"
        ),
        "reason_recoded": (
            "'{name}' recodificada a partir de la pregunta nacional '{national}' mediante una "
            "tabla de correspondencias"
        ),
        "reason_broken": "'{name}': {detail} (cambio no declarado)",
        "reason_broken_declared": "'{name}': {detail} (cambio declarado: {declared})",
        "reason_universe": "'{name}' con otro universo: {detail} (cambio declarado: {declared})",
        "reason_adapted": "'{name}' adaptada: {detail}",
        "reason_adapted_declared": "'{name}' adaptada: {detail} (cambio declarado: {declared})",
    },
    "en": {
        "census": "Facility census indicators",
        "census_text": (
            "Exact figures of each country's facility census (no sampling variance); the "
            "regional figure sums the numerators and denominators of the countries with a census."
        ),
        "year": "Year",
        "places": "Official places",
        "people_held": "People held",
        "national_population": "National population",
        "census_note": "Note",
        "variance": "Variance",
        "report": "Regional report",
        "indicators": "Indicators",
        "countries": "Countries",
        "country": "Country",
        "region": "Region (pooled figure)",
        "average": "Unweighted average of countries",
        "estimate": "Estimate",
        "ci": "95% CI",
        "se": "Standard error",
        "n": "n",
        "status": "Status",
        "comparability": "Comparability",
        "notes": "Comparability notes",
        "sex": "Sex",
        "legal_status": "Legal status",
        "total": "Total",
        "profile": "Country profile",
        "methodology": "Methodology annex",
        "design": "Design",
        "strata": "strata",
        "psus": "primary units (facilities)",
        "respondents": "People interviewed",
        "weighted": "Population represented",
        "response_rate": "Response rate",
        "fieldwork": "Fieldwork",
        "instrument": "Instrument",
        "core_version": "Regional core version",
        "adaptation": "Adaptation",
        "kept": "core questions kept",
        "adapted": "adapted",
        "not_fielded": "not fielded",
        "added": "national questions added",
        "weighting": "Weighting",
        "weighting_text": (
            "the round's final weights ({weight}), scaled to sum to the country's prison population"
        ),
        "pooled_text": (
            "The regional figure is estimated on one stacked design (strata = country x "
            "stratum, PSUs = country x facility); the unweighted average of countries gives "
            "each country the same weight."
        ),
        "source": "Source",
        "comparable": "comparable",
        "comparable_note": "comparable with a note",
        "not_comparable": "not comparable",
        "not_collected": "not collected",
        "ok": "publishable",
        "flagged": "use with caution",
        "suppressed": "suppressed",
        "back": "Back to the report",
        "languages": "Languages",
        "variance_linearised": "linearised",
        "variance_replicate": "replicate ({sets})",
        "project": "survey project",
        "release": "release package",
        "census_total_one": "total of {n} country: {areas}",
        "census_total": "total of {n} countries: {areas}",
        "census_left_one": "not included: {areas}",
        "census_left": "not included: {areas}",
        "no_census": "no facility census round",
        "no_population": "no national population in region.yaml",
        "reason_not_fielded": "'{name}' not fielded: {why}",
        "reason_not_fielded_module": "'{name}' not fielded (module {module}): {why}",
        "reason_not_in_questionnaire": (
            "'{name}' is not in the questionnaire fielded ({questionnaire})"
        ),
        "reason_recoded": (
            "'{name}' recoded: coded from the national question '{national}' through a crosswalk"
        ),
        "reason_broken": "'{name}': {detail} (not declared)",
        "reason_broken_declared": "'{name}': {detail} (declared: {declared})",
        "reason_universe": "'{name}' different universe: {detail} (declared: {declared})",
        "reason_adapted": "'{name}' adapted: {detail}",
        "reason_adapted_declared": "'{name}' adapted: {detail} (declared: {declared})",
    },
    "pt": {
        "census": "Indicadores do censo de estabelecimentos",
        "census_text": (
            "Cifras exatas do censo de estabelecimentos de cada país (sem variância amostral); a "
            "cifra regional soma numeradores e denominadores dos países com censo."
        ),
        "year": "Ano",
        "places": "Vagas oficiais",
        "people_held": "Pessoas alojadas",
        "national_population": "População nacional",
        "census_note": "Nota",
        "variance": "Variância",
        "report": "Relatório regional",
        "indicators": "Indicadores",
        "countries": "Países",
        "country": "País",
        "region": "Região (cifra agregada)",
        "average": "Média simples dos países",
        "estimate": "Estimativa",
        "ci": "IC 95 %",
        "se": "Erro padrão",
        "n": "n",
        "status": "Situação",
        "comparability": "Comparabilidade",
        "notes": "Notas de comparabilidade",
        "sex": "Sexo",
        "legal_status": "Situação jurídica",
        "total": "Total",
        "profile": "Perfil do país",
        "methodology": "Anexo metodológico",
        "design": "Desenho",
        "strata": "estratos",
        "psus": "unidades primárias (estabelecimentos)",
        "respondents": "Pessoas entrevistadas",
        "weighted": "População representada",
        "response_rate": "Taxa de resposta",
        "fieldwork": "Trabalho de campo",
        "instrument": "Instrumento",
        "core_version": "Versão do núcleo regional",
        "adaptation": "Adaptação",
        "kept": "perguntas do núcleo mantidas",
        "adapted": "adaptadas",
        "not_fielded": "não aplicadas",
        "added": "nacionais acrescentadas",
        "weighting": "Ponderação",
        "weighting_text": (
            "pesos finais da rodada ({weight}), escalados para somar a população prisional do país"
        ),
        "pooled_text": (
            "A cifra regional é estimada num único desenho empilhado (estratos = país x "
            "estrato, UPAs = país x estabelecimento); a média simples dá a cada país o mesmo "
            "peso."
        ),
        "source": "Fonte",
        "comparable": "comparável",
        "comparable_note": "comparável com nota",
        "not_comparable": "não comparável",
        "not_collected": "não coletado",
        "ok": "publicável",
        "flagged": "usar com cautela",
        "suppressed": "suprimido",
        "back": "Voltar ao relatório",
        "languages": "Idiomas",
        "variance_linearised": "linearizada",
        "variance_replicate": "por réplicas ({sets})",
        "project": "projeto de pesquisa",
        "release": "pacote de divulgação",
        "census_total_one": "total de {n} país: {areas}",
        "census_total": "total de {n} países: {areas}",
        "census_left_one": "não incluído: {areas}",
        "census_left": "não incluídos: {areas}",
        "no_census": "sem censo de estabelecimentos",
        "no_population": "sem população nacional no region.yaml",
        "reason_not_fielded": "'{name}' não aplicada: {why}",
        "reason_not_fielded_module": "'{name}' não aplicada (módulo {module}): {why}",
        "reason_not_in_questionnaire": (
            "'{name}' não consta do questionário aplicado ({questionnaire})"
        ),
        "reason_recoded": (
            "'{name}' recodificada a partir da pergunta nacional '{national}' por meio de uma "
            "tabela de correspondência"
        ),
        "reason_broken": "'{name}': {detail} (mudança não declarada)",
        "reason_broken_declared": "'{name}': {detail} (mudança declarada: {declared})",
        "reason_universe": "'{name}' com outro universo: {detail} (mudança declarada: {declared})",
        "reason_adapted": "'{name}' adaptada: {detail}",
        "reason_adapted_declared": "'{name}' adaptada: {detail} (mudança declarada: {declared})",
    },
    "fr": {
        "census": "Indicateurs du recensement des établissements",
        "census_text": (
            "Chiffres exacts du recensement des établissements de chaque pays (sans variance "
            "d'échantillonnage) ; le chiffre régional additionne les numérateurs et "
            "dénominateurs des pays recensés."
        ),
        "year": "Année",
        "places": "Places officielles",
        "people_held": "Personnes détenues",
        "national_population": "Population nationale",
        "census_note": "Note",
        "variance": "Variance",
        "report": "Rapport régional",
        "indicators": "Indicateurs",
        "countries": "Pays",
        "country": "Pays",
        "region": "Région (chiffre agrégé)",
        "average": "Moyenne simple des pays",
        "estimate": "Estimation",
        "ci": "IC à 95 %",
        "se": "Erreur type",
        "n": "n",
        "status": "Statut",
        "comparability": "Comparabilité",
        "notes": "Notes de comparabilité",
        "sex": "Sexe",
        "legal_status": "Situation juridique",
        "total": "Total",
        "profile": "Profil de pays",
        "methodology": "Annexe méthodologique",
        "design": "Plan de sondage",
        "strata": "strates",
        "psus": "unités primaires (établissements)",
        "respondents": "Personnes interrogées",
        "weighted": "Population représentée",
        "response_rate": "Taux de réponse",
        "fieldwork": "Collecte",
        "instrument": "Instrument",
        "core_version": "Version du noyau régional",
        "adaptation": "Adaptation",
        "kept": "questions du noyau conservées",
        "adapted": "adaptées",
        "not_fielded": "non posées",
        "added": "questions nationales ajoutées",
        "weighting": "Pondération",
        "weighting_text": (
            "poids finals de l'enquête ({weight}), mis à l'échelle de la population carcérale"
            " du pays"
        ),
        "pooled_text": (
            "Le chiffre régional est estimé sur un seul plan empilé (strates = pays x strate,"
            " UP = pays x établissement) ; la moyenne simple donne à chaque pays le même "
            "poids."
        ),
        "source": "Source",
        "comparable": "comparable",
        "comparable_note": "comparable avec une note",
        "not_comparable": "non comparable",
        "not_collected": "non collecté",
        "ok": "publiable",
        "flagged": "à utiliser avec prudence",
        "suppressed": "supprimé",
        "back": "Retour au rapport",
        "languages": "Langues",
        "variance_linearised": "linéarisée",
        "variance_replicate": "par répliques ({sets})",
        "project": "projet d'enquête",
        "release": "paquet de diffusion",
        "census_total_one": "total de {n} pays : {areas}",
        "census_total": "total de {n} pays : {areas}",
        "census_left_one": "non inclus : {areas}",
        "census_left": "non inclus : {areas}",
        "no_census": "pas de recensement des établissements",
        "no_population": "pas de population nationale dans region.yaml",
        "reason_not_fielded": "'{name}' non posée : {why}",
        "reason_not_fielded_module": "'{name}' non posée (module {module}) : {why}",
        "reason_not_in_questionnaire": (
            "'{name}' ne figure pas dans le questionnaire utilisé ({questionnaire})"
        ),
        "reason_recoded": (
            "'{name}' recodée à partir de la question nationale '{national}' au moyen d'une "
            "table de correspondance"
        ),
        "reason_broken": "'{name}' : {detail} (changement non déclaré)",
        "reason_broken_declared": "'{name}' : {detail} (changement déclaré : {declared})",
        "reason_universe": (
            "'{name}' avec un autre univers : {detail} (changement déclaré : {declared})"
        ),
        "reason_adapted": "'{name}' adaptée : {detail}",
        "reason_adapted_declared": (
            "'{name}' adaptée : {detail} (changement déclaré : {declared})"
        ),
    },
}
