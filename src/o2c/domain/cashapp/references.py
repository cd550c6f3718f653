"""Invoice references as payers write them, reduced to keys that compare equal.

A payer writes `INV-2025-000123` as `INV 2025 000123`, `inv2025000123`, `2025-000123`,
`000123`, `INV-2025-OOO123` (OCR), or with one character wrong. Every rule here exists once in
Python (tested alone) and is mirrored by the engine's SQL through the constants below:

* `canon`: upper case, keep letters and digits, map look-alikes to one glyph
  (O->0, I/L->1, S->5, B->8): an OCR confusion compares equal.
* `loose`: `canon` without the leading letters (the prefix) and without leading zeros.
* `tail`: the last run of digits without leading zeros - weak, used only among the invoices of
  a customer the payer was already identified as.
* `typo_key`: where one wrong character is looked for: `loose`, or `canon` when `loose` is too
  short to carry a typo.
* `deletions`: the key and every key with one character deleted; two keys within one
  substitution, insertion, deletion or adjacent transposition share a member.
"""

from __future__ import annotations

import re

LOOK_ALIKES_FROM = "OILSB"
LOOK_ALIKES_TO = "01158"
MIN_KEY = 4  # shorter keys carry too little to identify an invoice
MIN_TYPO_KEY = 6  # one wrong character is only tolerated in keys at least this long
# the payer's own purchase-order number names the invoices issued against it; a shorter one
# ("4711") turns up in too many texts by chance
MIN_PO_KEY = 6
MIN_TAIL = 3

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_WORD = re.compile(r"[0-9A-Z]+")
_LEADING_LETTERS = re.compile(r"^[A-Z]+")
_LAST_DIGITS = re.compile(r"([0-9]+)[^0-9]*$")
_TABLE = str.maketrans(LOOK_ALIKES_FROM, LOOK_ALIKES_TO)


def canon(text: str) -> str:
    return _NOT_ALNUM.sub("", text.upper()).translate(_TABLE)


def loose(text: str) -> str:
    """Key without prefix letters and leading zeros; '' when too short to mean anything."""
    plain = _NOT_ALNUM.sub("", text.upper())
    key = _LEADING_LETTERS.sub("", plain).translate(_TABLE).lstrip("0")
    return key if len(key) >= MIN_KEY else ""


def tail(invoice_id: str) -> str:
    """The invoice's running number: its last digits without leading zeros."""
    found = _LAST_DIGITS.search(invoice_id.upper())
    key = found.group(1).lstrip("0") if found else ""
    return key if len(key) >= MIN_TAIL else ""


def typo_key(text: str) -> str:
    """The key a one-character typo is looked for in: the loose key, or the whole canonical
    number when the loose key is too short to hold a typo (INV-000123 loosens to 123): its
    prefix and zeros then stand where a longer number has digits."""
    key = loose(text)
    return key if len(key) >= MIN_TYPO_KEY else canon(text)


def deletions(key: str) -> set[str]:
    if len(key) < MIN_TYPO_KEY:
        return {key}
    return {key} | {key[:i] + key[i + 1:] for i in range(len(key))}


def within_one_edit(a: str, b: str) -> bool:
    return bool(deletions(a) & deletions(b)) if min(len(a), len(b)) >= MIN_TYPO_KEY else a == b


def tokens(remittance: str, max_words: int = 3) -> list[str]:
    """Candidate references: runs of up to `max_words` adjacent words, each with a digit.

    `INV 2025 000123` yields `INV2025000123` among others, so an id written with spaces is
    found; the key tables decide which candidates are real invoice numbers.
    """
    words = _WORD.findall(remittance.upper())
    out: list[str] = []
    for i in range(len(words)):
        for n in range(1, max_words + 1):
            gram = "".join(words[i:i + n])
            if i + n <= len(words) and any(c.isdigit() for c in gram) and len(gram) >= MIN_TAIL:
                out.append(gram)
    return out


# "PAYMENT ADVICE SENT BY EMAIL 12 INVOICES": how many invoices the payment covers, when the
# remittance only says that (the advice itself went elsewhere). The plural word must end there:
# "2 INVOICES" is a count, "2 INV-2025-000123" is not.
STATED_COUNT = (r"(?i)(?:^|[^0-9A-Za-z])([0-9]{1,3})\s*(?:invoices|rechnungen|factures|facturas"
                r"|fatture|facturen|fakturor|fakturaer|faktury)(?:[^0-9A-Za-z-]|$)")
_STATED_COUNT = re.compile(STATED_COUNT)


def stated_count(remittance: str | None) -> int | None:
    """The number of invoices the remittance says it pays, if it says so (2 or more)."""
    found = _STATED_COUNT.search(remittance or "")
    return int(found.group(1)) if found and int(found.group(1)) >= 2 else None


# --- structured references: check digits ----------------------------------------------------
# A payer who quotes the structured reference printed on the invoice writes it in one piece or
# in groups ("RF18 5390 0754 7034", QR in six groups); the check digits confirm it was copied
# right, and its payload is the invoice number (RF) or its digits (QR / ISR).
STRUCTURED_MAX_WORDS = 7
QR_LENGTH = 27


def _mod97(text: str) -> int:
    """ISO 7064 mod 97 of letters and digits, each letter as its two digits (A = 10)."""
    return int("".join(str(int(c, 36)) for c in text)) % 97


def rf_valid(reference: str) -> bool:
    """ISO 11649 creditor reference `RFkk...`: mod 97 of the rearranged digits is 1."""
    ref = _NOT_ALNUM.sub("", reference.upper())
    if not re.fullmatch(r"RF[0-9]{2}[0-9A-Z]{1,21}", ref):
        return False
    return _mod97(ref[4:] + ref[:4]) == 1


def rf_reference(payload: str) -> str:
    """The ISO 11649 creditor reference for `payload` (letters and digits), as `RFkk...`."""
    body = _NOT_ALNUM.sub("", payload.upper())
    check = 98 - _mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def rf_payload(reference: str) -> str | None:
    """The creditor's own reference inside a valid RF reference, else None."""
    ref = _NOT_ALNUM.sub("", reference.upper())
    return ref[4:] if rf_valid(ref) else None


_MOD10 = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)


def mod10_recursive(digits: str) -> int:
    carry = 0
    for c in digits:
        carry = _MOD10[(carry + int(c)) % 10]
    return (10 - carry) % 10


def qr_valid(reference: str) -> bool:
    """Swiss QR / ISR reference: 27 digits, the last the recursive mod-10 check of the rest."""
    ref = re.sub(r"\s+", "", reference)
    return bool(re.fullmatch(f"[0-9]{{{QR_LENGTH}}}", ref)) and \
        mod10_recursive(ref[:-1]) == int(ref[-1])


def qr_payload(reference: str) -> str | None:
    """The number inside a valid QR / ISR reference, without padding zeros and check digit."""
    ref = re.sub(r"\s+", "", reference)
    return (ref[:-1].lstrip("0") or None) if qr_valid(ref) else None


def structured_payloads(text: str | None) -> list[str]:
    """The payload of every RF and QR reference in a text whose check digits hold."""
    words = _WORD.findall((text or "").upper())
    found: list[str] = []
    for i in range(len(words)):
        for j in range(i + 1, min(i + STRUCTURED_MAX_WORDS, len(words)) + 1):
            gram = "".join(words[i:j])
            payload = rf_payload(gram) if gram.startswith("RF") else qr_payload(gram)
            if payload and payload not in found:
                found.append(payload)
    return found


# --- SQL mirrors (DuckDB): the engine builds its key tables with these ----------------------

def sql_canon(expr: str) -> str:
    return (f"translate(regexp_replace(upper({expr}), '[^0-9A-Z]+', '', 'g'), "
            f"'{LOOK_ALIKES_FROM}', '{LOOK_ALIKES_TO}')")


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def sql_loose(expr: str, plain: bool = False) -> str:
    """`loose` in SQL; `plain`: the expression is already upper-case letters and digits."""
    text = expr if plain else f"regexp_replace(upper({expr}), '[^0-9A-Z]+', '', 'g')"
    # regexp_replace, not ltrim(x, LETTERS): DuckDB's ltrim with a character set is ~10x slower
    return (f"ltrim(translate(regexp_replace({text}, '^[A-Z]+', ''), "
            f"'{LOOK_ALIKES_FROM}', '{LOOK_ALIKES_TO}'), '0')")


def sql_typo_key(canonical: str, loose_key: str) -> str:
    """`typo_key` in SQL, from the canonical and loose keys already computed."""
    return (f"case when length({loose_key}) >= {MIN_TYPO_KEY} then {loose_key} "
            f"else {canonical} end")


def sql_has_digit(expr: str) -> str:
    return f"regexp_matches({expr}, '[0-9]')"


def sql_stated_count(expr: str) -> str:
    """`stated_count` in SQL (null when the remittance states none, or fewer than two)."""
    n = f"try_cast(regexp_extract(coalesce({expr}, ''), '{STATED_COUNT}', 1) as integer)"
    return f"case when {n} >= 2 then {n} end"


def sql_running_number(expr: str) -> str:
    """The invoice's last run of digits, as issued (leading zeros kept)."""
    return f"regexp_extract(upper({expr}), '{_LAST_DIGITS.pattern}', 1)"


def sql_tail(expr: str) -> str:
    return f"ltrim({sql_running_number(expr)}, '0')"


# texts that may hold a structured reference: only those are cut into longer word runs
STRUCTURED_HINT = "RF[0-9]{2}|[0-9][0-9 ]{25,}[0-9]"


def _sql_mod97(expr: str) -> str:
    values = f"list_transform(string_split({expr}, ''), x -> ascii(x) - " \
             "case when x >= 'A' then 55 else 48 end)"
    step = "(a * case when v >= 10 then 100 else 10 end + v) % 97"
    return f"list_reduce({values}, (a, v) -> {step}, 0)"


def _sql_mod10(expr: str) -> str:
    table = "[" + ", ".join(str(d) for d in _MOD10) + "]"
    digits = f"list_transform(string_split({expr}, ''), x -> ascii(x) - 48)"
    return f"(10 - list_reduce({digits}, (a, d) -> {table}[(a + d) % 10 + 1], 0)) % 10"


def sql_structured_payloads(words: str) -> str:
    """`structured_payloads` in SQL, over a list of words (upper-case letters and digits)."""
    grams = (f"flatten(list_transform(range(1, len({words}) + 1), i -> list_transform("
             f"range(i, least(i + {STRUCTURED_MAX_WORDS - 1}, len({words})) + 1), "
             f"j -> array_to_string({words}[i:j], ''))))")
    rf = (f"regexp_full_match(g, 'RF[0-9]{{2}}[0-9A-Z]{{1,21}}') "
          f"and {_sql_mod97('substr(g, 5) || substr(g, 1, 4)')} = 1")
    qr = (f"regexp_full_match(g, '[0-9]{{{QR_LENGTH}}}') "
          f"and {_sql_mod10(f'substr(g, 1, {QR_LENGTH - 1})')} "
          f"= ascii(substr(g, {QR_LENGTH})) - 48")
    payload = (f"case when g like 'RF%' then substr(g, 5) "
               f"else ltrim(substr(g, 1, {QR_LENGTH - 1}), '0') end")
    valid = f"list_filter({grams}, g -> ({rf}) or ({qr}))"
    return f"list_filter(list_distinct(list_transform({valid}, g -> {payload})), p -> p <> '')"
