"""Checks on the final text of a draft: it states only what the data and our config say.

Every invoice number, amount, currency and date in the text must be one of the draft's facts
(numbers are read the way the customer's locale writes them: `1.234,56` in de, `1,234.56` in
en); no bank account, link, e-mail address or phone number may appear unless it is ours (config)
or the customer's (data); no discount, waiver, extension, payment plan or new due date is offered.
Each finding is one short reason that names the offending text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from babel.dates import get_date_format, get_month_names
from babel.numbers import NumberFormatError, get_currency_symbol, get_group_symbol, parse_decimal

from o2c.domain.dunning_records import MessagePlan
from o2c.domain.money import CURRENCIES, round_money
from o2c.drafting.facts import babel_locale
from o2c.drafting.records import Sender

MASK = "\ue000"
_SPACES = " \u00a0\u202f"

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|"
                 r"io|info|biz|de|fr|nl|be|at|ch|uk|eu|us|co|app|link|ly|pay|me)\b(?:/\S*)?")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
BANK = re.compile(
    r"(?i)\b(?:account\s+(?:number|no\.?)|acct\.?|sort\s+code|routing(?:\s+number)?|iban|"
    r"kontonummer|konto(?:nr\.?)?|blz|bankleitzahl|num[ée]ro\s+de\s+compte|rib|"
    r"(?:bank)?rekening(?:nummer)?)\b[\s:.#-]*(?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{4,}"
    r"|(?i:\b(?:bic|swift)\b)[\s:]*[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b")
PHONE = re.compile(r"(?:\+|\b00)\d{1,3}[\s./()-]*\d[\d\s./()-]{5,}\d"
                   r"|(?i:\b(?:tel|phone|call|telefon|t[ée]l[ée]phone|appelez|bel)\b)\.?[\s:]*"
                   r"\(?\+?\d[\d\s./()-]{5,}\d")
# Offers a reminder must never make, in every language we write (stems, matched at word start).
OFFERS = {
    "discount": r"discount|rebate|rabatt|skonto|nachlass|preisnachlass|erm[äa](?:ß|ss)ig|"
                r"remise|rabais|ristourne|escompte|r[ée]duction|korting|reduc",
    "waiver": r"waiv|write[- ]?off|written off|forgiv|erlass|erlassen|verzicht|renonc|"
              r"abandon de cr|annul|kwijtschel|afzien|coulance|geste commercial|free of charge",
    "extension": r"extension|extend|postpone|defer|grace period|new due date|"
                                 r"new deadline|stundung|fristverl[äa]ngerung|verl[äa]nger|"
                                 r"aufschub|neue[sn]? (?:f[äa]lligkeit|frist|zahlungsziel)|"
                                 r"prolong|d[ée]lai suppl[ée]mentaire|report(?:er|ons|é)|"
                                 r"nouvelle (?:date d'|date de |)[ée]ch[ée]ance|uitstel|verleng|"
                                 r"nieuwe (?:vervaldatum|termijn|deadline)",
    "payment_plan": r"instal+ments?|payment plan|ratenzahlung|raten\b|[ée]chelonn|"
                    r"betalingsregeling|termijnbetaling|gespreid betal",
}
OFFER_NAMES = {"discount": "discount", "waiver": "waiver", "extension": "extension or new due date",
               "payment_plan": "payment plan"}
OFFER = re.compile(r"(?i)(?<!\w)(?:" + "|".join(f"(?P<{k}>{v})" for k, v in OFFERS.items()) + ")")
PERCENT = re.compile(r"\d\s?%|%|\bper ?cent\b|\bprozent\b|\bpour ?cent\b|\bprocent\b", re.I)
REFERENCE = re.compile(r"\b[A-Z0-9]+(?:[-/][A-Z0-9]+)*\b")
NUMBER = re.compile(r"(?<![\d.,])[-−]?(?:\d{1,3}(?:[.,'’ \u00a0\u202f]\d{3})+(?:[.,]\d+)?"
                    r"|\d+(?:[.,]\d+)?)(?!\d)")
SYMBOLS = "€£¥₹₽₩₺₪$"
MAJOR_CODES = {"EUR", "USD", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN",
               "CZK", "CNY", "INR", "HKD", "SGD", "MXN", "BRL", "ZAR", "NZD"}


@dataclass(frozen=True)
class Allowed:
    """What a draft may state: its facts, plus the data and config text it may quote."""

    locale: str
    currency: str
    invoice_ids: frozenset[str]
    amounts: frozenset[Decimal]
    integers: frozenset[int]
    dates: frozenset[date]
    literals: tuple[str, ...]  # names, PO numbers, our e-mail, bank account, allowed phrases
    accounts: frozenset[str] = frozenset()  # our IBANs, without spaces

    @classmethod
    def for_plan(cls, plan: MessagePlan, sender: Sender) -> Allowed:
        cur, t = plan.currency, plan.totals
        amounts = {*(i.amount for i in plan.items), *(i.open_amount for i in plan.items),
                   t.overdue, t.due_soon, t.open, t.unapplied_cash, t.open_credits, t.net_due}
        dates = {plan.as_of, *(i.issue_date for i in plan.items),
                 *(i.due_date for i in plan.items),
                 *(i.broken_promise_date for i in plan.items if i.broken_promise_date)}
        people = [r.name for r in (*plan.to, *plan.cc) if r.name]
        literals = [plan.customer_name, *people, *(r.email for r in (*plan.to, *plan.cc)),
                    *(i.po_number for i in plan.items if i.po_number), sender.company,
                    sender.email, sender.phone, sender.payment_url,
                    *sender.bank_accounts.values(), *sender.allowed_phrases]
        return cls(
            locale=babel_locale(plan.locale), currency=cur,
            invoice_ids=frozenset(i.invoice_id for i in plan.items),
            amounts=frozenset(round_money(abs(a), cur) for a in amounts),
            integers=frozenset({len(plan.items), *(i.days_overdue for i in plan.items),
                                *(d.year for d in dates)}),
            dates=frozenset(dates),
            accounts=frozenset(m.group().replace(" ", "") for text in sender.bank_accounts.values()
                               for m in IBAN.finditer(text)),
            literals=tuple(sorted({s for s in literals if s and s.strip()}, key=len,
                                  reverse=True)))


def check_text(text: str, allowed: Allowed) -> list[str]:
    """Reasons the text must not go out; empty when it states only allowed facts."""
    reasons: list[str] = []
    text = _mask_literals(text, [*allowed.literals, *sorted(allowed.invoice_ids, key=len,
                                                           reverse=True)])
    text = IBAN.sub(lambda m: MASK if m.group().replace(" ", "") in allowed.accounts
                    else m.group(), text)
    for pattern, what in ((EMAIL, "e-mail address"), (URL, "link"), (IBAN, "bank account"),
                          (BANK, "bank account"), (PHONE, "phone number")):
        for m in pattern.finditer(text):
            reasons.append(f"{what} not in our config or data: {m.group().strip()!r}")
        text = pattern.sub(MASK, text)
    for m in OFFER.finditer(text):
        kind = next(OFFER_NAMES[k] for k in OFFERS if m.group(k))
        reasons.append(f"offers a {kind}: {_around(text, m)!r}")
    for m in PERCENT.finditer(text):
        reasons.append(f"states a percentage: {_around(text, m)!r}")
    text = _check_dates(text, allowed, reasons)
    for m in REFERENCE.finditer(text):
        token = m.group()
        if (sum(c.isdigit() for c in token) >= 3 and any(c.isalpha() for c in token)
                and len(token) >= 5):
            reasons.append(f"invoice or reference number not in the data: {token!r}")
            text = text.replace(token, MASK)
    _check_currencies(text, allowed, reasons)
    _check_numbers(text, allowed, reasons)
    return list(dict.fromkeys(reasons))


def _mask_literals(text: str, literals: list[str]) -> str:
    for lit in literals:
        start = r"(?<!\w)" if lit[0].isalnum() else ""
        end = r"(?!\w)" if lit[-1].isalnum() else ""
        text = re.sub(start + re.escape(lit) + end, MASK, text, flags=re.I)
    return text


def _around(text: str, m: re.Match[str], width: int = 25) -> str:
    return text[max(m.start() - width, 0):m.end() + width].replace(MASK, "…").strip()


@cache
def _months(locale: str) -> dict[str, int]:
    names: dict[str, int] = {}
    for loc in (locale, "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, loc).items():
                    names[name.lower().rstrip(".")] = month
    return names


@cache
def _date_patterns(locale: str) -> tuple[re.Pattern[str], ...]:
    months = "|".join(re.escape(m) for m in sorted(_months(locale), key=len, reverse=True))
    return (
        re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"),
        re.compile(r"\b(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})\b"),
        re.compile(rf"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|e)?\.?\s+(?:de\s+)?"
                   rf"(?P<mn>{months})\.?(?:,?\s+(?P<y>\d{{4}}))?(?!\w)"),
        re.compile(rf"(?i)\b(?P<mn>{months})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\w)"
                   rf"(?:,?\s+(?P<y>\d{{4}}))?"),
    )


def _check_dates(text: str, allowed: Allowed, reasons: list[str]) -> str:
    """Report dates not in the facts; return the text with every date masked."""
    month_first = get_date_format("short", locale=allowed.locale).pattern.lower().lstrip("'")
    month_first_order = month_first.startswith("m")
    for pattern in _date_patterns(allowed.locale):
        for m in pattern.finditer(text):
            if not _date_allowed(m, allowed, month_first_order):
                reasons.append(f"date not in the data: {m.group()!r}")
        text = pattern.sub(MASK, text)
    return text


def _date_allowed(m: re.Match[str], allowed: Allowed, month_first: bool) -> bool:
    parts = m.groupdict()
    if parts.get("mn"):
        month, day_ = _months(allowed.locale)[parts["mn"].lower().rstrip(".")], int(parts["d"])
    elif parts.get("a"):
        a, b = int(parts["a"]), int(parts["b"])
        month, day_ = (a, b) if month_first else (b, a)
    else:
        month, day_ = int(parts["m"]), int(parts["d"])
    year = parts.get("y")
    if year is None:
        return any((d.month, d.day) == (month, day_) for d in allowed.dates)
    y = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return date(y, month, day_) in allowed.dates
    except ValueError:
        return False


def _check_currencies(text: str, allowed: Allowed, reasons: list[str]) -> None:
    ours = {get_currency_symbol(allowed.currency, allowed.locale),
            get_currency_symbol(allowed.currency, "en"), allowed.currency}
    for symbol in SYMBOLS:
        if symbol in text and not any(symbol in s for s in ours):
            reasons.append(f"currency {symbol!r} is not the invoices' currency "
                           f"{allowed.currency}")
    for m in re.finditer(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])", text):
        code = m.group()
        if code in CURRENCIES and code != allowed.currency:
            near = text[max(m.start() - 2, 0):m.end() + 2]
            if code in MAJOR_CODES or any(c.isdigit() for c in near):
                reasons.append(f"currency {code} is not the invoices' currency "
                               f"{allowed.currency}")


def _check_numbers(text: str, allowed: Allowed, reasons: list[str]) -> None:
    group = get_group_symbol(allowed.locale)
    for m in NUMBER.finditer(text):
        token = m.group().lstrip("-−")
        if group in _SPACES:
            token = re.sub(f"[{_SPACES}]", group, token)
        try:
            value = parse_decimal(token, locale=allowed.locale, strict=True)
        except NumberFormatError:
            reasons.append(f"number not written as {allowed.locale} writes it: {m.group()!r}")
            continue
        if value == value.to_integral_value() and int(value) in allowed.integers:
            continue
        if round_money(value, allowed.currency) == value and value in allowed.amounts:
            continue
        reasons.append(f"amount or number not in the data: {m.group()!r}")
