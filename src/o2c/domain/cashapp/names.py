"""Payer names reduced for comparison: `Müller GmbH & Co. KG` and `MUELLER GMBH` both -> `MULLER`.

Accents are folded, punctuation dropped, legal forms and filler words removed, so the bank's
truncated upper-case name and the ERP's legal name meet. Fuzzy scoring (rapidfuzz) is the
engine's business and runs only on receipts no exact rule identified.
"""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS = frozenset("""
AG GMBH MBH KG KGAA OHG UG EV SE CO COMPANY CORP CORPORATION INC INCORPORATED LLC LLP LP
LTD LIMITED PLC SA SAS SARL SRL SPA SL SLU BV NV OY AB AS APS DAC PTY KK GK SCA SCS SNC
SPRL BVBA THE AND ET UND Y E DE DER DIE DAS LA LE LES EL OF VAN VON CIA
""".split())  # noqa: SIM905 - a table to read
_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_DIGITS = re.compile(r"[0-9]")
# "?" is what a bank's restricted character set leaves of a letter it cannot carry; dots go
# so that abbreviations stay one word: "L.L.C." is the legal form LLC, not the letters L, L, C
FOLD = {"ß": "SS", "Æ": "AE", "Ø": "O", "Œ": "OE", "Ł": "L", "Đ": "D", "Þ": "TH", "?": "",
        ".": ""}


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def ascii_only(name: str | None) -> str:
    """The name as a bank whose character set lacks its accented letters writes it: each such
    letter a "?" (dropped by `fold`), so `Sánchez` is `S?nchez`, compared as `SNCHEZ`."""
    return _NON_ASCII.sub("", name or "")


def fold(text: str) -> str:
    text = "".join(FOLD.get(c, c) for c in text.upper())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_words(name: str | None) -> list[str]:
    words = _NOT_WORD.split(fold(name or ""))
    return [w for w in words if w and w not in LEGAL_FORMS and not _DIGITS.search(w)]


def normalise_name(name: str | None) -> str:
    return " ".join(name_words(name))


def normalise_account(account: str | None) -> str:
    """IBAN / account number without spaces and punctuation, upper case."""
    return _NOT_WORD.sub("", (account or "").upper())


def sql_name(expr: str) -> str:
    """`normalise_name` in DuckDB SQL (accents via strip_accents; ß etc. folded first)."""
    folded = expr
    for src, dst in FOLD.items():
        for char in {src, src.lower()}:
            folded = f"replace({folded}, '{char}', '{dst}')"
    folded = f"upper({folded})"
    legal = ", ".join(f"'{w}'" for w in sorted(LEGAL_FORMS))
    words = f"string_split_regex(strip_accents({folded}), '[^0-9A-Z]+')"
    kept = (f"list_filter({words}, w -> w <> '' and not list_contains([{legal}], w) "
            f"and not regexp_matches(w, '[0-9]'))")
    return f"array_to_string({kept}, ' ')"


def sql_account(expr: str) -> str:
    return f"regexp_replace(upper({expr}), '[^0-9A-Z]+', '', 'g')"


def sql_ascii_only(expr: str) -> str:
    return f"regexp_replace({expr}, '[^\\x00-\\x7F]', '', 'g')"
