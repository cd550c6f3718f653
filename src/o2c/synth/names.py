"""Company and people names, e-mail addresses and bank accounts of customers."""

from __future__ import annotations

import unicodedata

import numpy as np

from o2c.synth.reference import (
    BRAND_HEADS,
    BRAND_TAILS,
    EMAIL_TLD,
    FIRST_NAMES,
    FORM_VARIANTS,
    IBAN_BBAN,
    INDUSTRY,
    LANGUAGE,
    LAST_NAMES,
    LEGAL_FORMS,
)
from o2c.synth.vectors import iban

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                         "ß": "ss"})
PAYER_VARIANTS = 6  # legal, upper, short, legal form rewritten, feed-truncated, typo


def ascii_fold(text: str) -> str:
    """'Müller Logística' -> 'Mueller Logistica': how bank feeds and mailboxes spell names."""
    text = text.translate(_GERMAN)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def company_name(country: str, rng: np.random.Generator) -> tuple[str, str, str]:
    """(trading name, legal form, stem) for a company in `country`."""
    lang = LANGUAGE[country]
    if rng.random() < 0.6:
        stem = BRAND_HEADS[rng.integers(len(BRAND_HEADS))] + BRAND_TAILS[
            rng.integers(len(BRAND_TAILS))]
    else:
        names = LAST_NAMES[lang]
        stem = names[rng.integers(len(names))]
    words = INDUSTRY[lang]
    forms, weights = zip(*LEGAL_FORMS[country], strict=True)
    form = forms[rng.choice(len(forms), p=np.array(weights) / sum(weights))]
    return f"{stem} {words[rng.integers(len(words))]}", form, stem


def person(lang: str, rng: np.random.Generator) -> tuple[str, str]:
    first, last = FIRST_NAMES[lang], LAST_NAMES[lang]
    return first[rng.integers(len(first))], last[rng.integers(len(last))]


def email_local(first: str, last: str) -> str:
    return ascii_fold(f"{first}.{last}").lower().replace(" ", "")


def company_domain(stem: str, country: str) -> str:
    return f"{ascii_fold(stem).lower().replace(' ', '')}.{EMAIL_TLD[country]}"


def _typo(text: str, rng: np.random.Generator) -> str:
    letters = [i for i, ch in enumerate(text[:-1]) if ch.isalpha() and text[i + 1].isalpha()]
    if not letters:
        return text
    i = letters[rng.integers(len(letters))]
    if rng.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:]


def payer_variants(name: str, form: str, rng: np.random.Generator) -> list[str]:
    """The ways a bank statement shows this customer's name, in PAYER_VARIANTS order."""
    legal = f"{name} {form}"
    feed = ascii_fold(legal).upper()
    return [
        legal,
        feed,
        name,
        f"{name} {FORM_VARIANTS.get(form, form)}",
        feed[:18].rstrip(),
        _typo(legal, rng),
    ]


def bank_account(country: str, rng: np.random.Generator) -> str:
    """An IBAN where the country uses them, else a plain domestic account number."""
    layout = IBAN_BBAN.get(country)
    if layout is None:
        length = {"US": 10, "CA": 12, "MX": 18, "JP": 7}.get(country, 10)
        return "".join(map(str, rng.integers(0, 10, length)))
    bban = ""
    for kind, length in layout:
        if kind == "a":
            bban += "".join(chr(65 + int(x)) for x in rng.integers(0, 26, length))
        else:
            bban += "".join(map(str, rng.integers(0, 10, length)))
    return iban(country, bban)
