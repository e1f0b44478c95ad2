"""A small questionnaire with every variable type, and typed data for it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prisonsurvey.questionnaire.model import Questionnaire


def t(en: str, es: str | None = None) -> dict[str, str]:
    return {"en": en, "es": es if es is not None else en}


def mini() -> Questionnaire:
    data: dict[str, Any] = {
        "id": "mini",
        "version": "1.2.0",
        "title": t("Mini survey", "Mini encuesta"),
        "languages": ("en", "es"),
        "default_language": "en",
        "choice_lists": {
            "yn": {
                "name": "yn",
                "dont_know": 98,
                "refused": 99,
                "choices": [
                    {"code": 1, "name": "yes", "label": t("Yes", "Sí")},
                    {"code": 2, "name": "no", "label": t("No")},
                    {"code": 98, "name": "dont_know", "label": t("Don't know", "No sabe")},
                    {"code": 99, "name": "refused", "label": t("Refused", "No responde")},
                ],
            },
            "care": {
                "name": "care",
                "choices": [
                    {"code": 1, "name": "partner", "label": t("Partner", "Pareja")},
                    {"code": 2, "name": "relatives", "label": t("Relatives", "Familiares")},
                    {"code": 3, "name": "state", "label": t("<b>State</b> & co", "Estado")},
                ],
            },
        },
        "modules": [
            {
                "name": "m1",
                "label": t("Module 1 <script>alert(1)</script>", "Módulo 1"),
                "note": "Follows nothing in particular.",
                "items": [
                    {
                        "name": "full_name",
                        "type": "text",
                        "label": t("Name?", "¿Nombre?"),
                        "identifying": True,
                    },
                    {
                        "name": "age",
                        "type": "integer",
                        "label": t("Age?", "¿Edad?"),
                        "constraint": ". >= 18",
                        "unit": "years",
                    },
                    {"name": "height", "type": "decimal", "label": t("Height?", "¿Estatura?")},
                    {
                        "name": "has_kids",
                        "type": "select_one",
                        "choices": "yn",
                        "label": t("Children?", "¿Hijos?"),
                    },
                    {
                        "name": "kids_care",
                        "type": "select_multiple",
                        "choices": "care",
                        "label": t("Who cares?", "¿Quién cuida?"),
                        "relevant": "${has_kids} = 1",
                    },
                    {"name": "arrest_date", "type": "date", "label": t("Arrest date?")},
                    {"name": "interview_time", "type": "datetime", "label": t("Time?")},
                    {"name": "adult", "type": "calculate", "calculation": "if(${age} >= 18, 1, 0)"},
                    {
                        "name": "kids",
                        "type": "repeat",
                        "label": t("Children"),
                        "items": [
                            {"name": "kid_age", "type": "integer", "label": t("Age of child")}
                        ],
                    },
                ],
            }
        ],
    }
    return Questionnaire.model_validate(data)


def mini_data() -> pd.DataFrame:
    """Five respondents: a real answer, skipped, unanswered, don't know and refused appear."""
    return pd.DataFrame(
        {
            "_key": ["a", "b", "c", "d", "e"],
            "full_name": ["Ana", "Beto", None, "Dora", "<script>alert(1)</script>"],
            "age": [30.0, 45.0, np.nan, 52.0, 19.0],
            "height": [1.6, 1.75, 1.8, np.nan, 1.55],
            "has_kids": pd.array([1, 2, 98, 99, 1], dtype="Int64"),
            "kids_care": ["1 3", np.nan, np.nan, np.nan, np.nan],
            "kids_care_1": [1.0, np.nan, np.nan, np.nan, np.nan],
            "kids_care_2": [0.0, np.nan, np.nan, np.nan, np.nan],
            "kids_care_3": [1.0, np.nan, np.nan, np.nan, np.nan],
            "arrest_date": pd.to_datetime(["2024-01-05", "2023-06-30", None, "2022-02-01", None]),
            "interview_time": pd.to_datetime(
                ["2026-03-01 10:00", "2026-03-01 11:30", "2026-03-02 09:15", None, None]
            ),
            "adult": [1.0, 1.0, np.nan, 1.0, 1.0],
        }
    )
