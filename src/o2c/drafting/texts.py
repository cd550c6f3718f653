"""Reminder wording per language, from `texts/<language>.yaml`; English where a language has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

FALLBACK_LANGUAGE = "en"
VARIANTS = ("courtesy", "friendly", "neutral", "firm", "final")


@dataclass(frozen=True)
class Texts:
    code: str
    language: str
    greeting_named: str
    greeting_anonymous: str
    sign_off: str
    team: str
    broken_promise: str
    variants: dict[str, dict[str, str]]  # variant -> subject / opening / closing
    facts: dict[str, str]  # facts-block labels


def language_of(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()


def languages() -> tuple[str, ...]:
    folder = files(__package__) / "texts"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def texts_for(locale: str) -> Texts:
    """The texts of the locale's language, or English when there are none for it."""
    code = language_of(locale)
    if code not in languages():
        code = FALLBACK_LANGUAGE
    data = yaml.safe_load((files(__package__) / "texts" / f"{code}.yaml").read_text())
    return Texts(code=code, **data)


def variant_of(tone: str, pre_due: bool) -> str:
    """Which wording a stage uses: the courtesy note before the due date, else its tone."""
    return "courtesy" if pre_due else tone
