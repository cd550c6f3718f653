"""The facts block of a reminder, rendered by code in the customer's locale: the invoice table,
the totals net of unapplied cash and open credits, and where to pay. No drafter writes these."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency

from o2c.domain.dunning_records import MessagePlan
from o2c.domain.money import round_money
from o2c.drafting.records import Sender
from o2c.drafting.texts import texts_for

DEFAULT_LOCALE = "en_US"


def babel_locale(locale: str) -> str:
    """The locale as babel knows it; en_US for one it does not."""
    try:
        Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return DEFAULT_LOCALE
    return locale.replace("-", "_")


def money(amount: Decimal, currency: str, locale: str) -> str:
    """An amount as the locale writes it, rounded to the currency's minor unit."""
    return format_currency(round_money(amount, currency), currency, locale=babel_locale(locale))


def day(value: date, locale: str) -> str:
    """A date as the locale writes it, month spelled or ordered unambiguously (`medium`)."""
    return format_date(value, format="medium", locale=babel_locale(locale))


@dataclass(frozen=True)
class Facts:
    locale: str
    block: str  # the rendered table and totals, placed between opening and closing
    data: dict[str, object]  # the same facts as plain data (journaled with the draft)

    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)


def render_facts(plan: MessagePlan, sender: Sender) -> Facts:
    locale, cur = plan.locale, plan.currency
    labels = texts_for(locale).facts
    header = [labels[k] for k in ("invoice", "po_number", "issue_date", "due_date", "amount",
                                  "open_amount", "days_overdue")]
    rows = [[i.invoice_id, i.po_number or "", day(i.issue_date, locale), day(i.due_date, locale),
             money(i.amount, cur, locale), money(i.open_amount, cur, locale),
             str(i.days_overdue) if i.state == "overdue" else labels["not_yet_due"]]
            for i in plan.items]
    lines = _table([header, *rows], right={4, 5})
    t = plan.totals
    totals: list[tuple[str, Decimal]] = []
    if t.due_soon and t.overdue:
        totals += [(labels["overdue_total"], t.overdue), (labels["due_soon_total"], t.due_soon)]
    if t.unapplied_cash:
        totals.append((labels["unapplied_cash"], -t.unapplied_cash))
    if t.open_credits:
        totals.append((labels["open_credits"], -t.open_credits))
    totals.append((labels["net_due"], t.net_due))
    lines += [""] + _table([[label, money(v, cur, locale)] for label, v in totals], right={1})
    if cur in sender.bank_accounts:
        lines += ["", f"{labels['pay_to']}: {sender.bank_accounts[cur]}"]
    return Facts(locale=locale, block="\n".join(lines), data=facts_data(plan))


def facts_data(plan: MessagePlan) -> dict[str, object]:
    """What the draft states, as data: only the invoices in the message, never excluded ones."""
    t = plan.totals
    return {
        "customer_id": plan.customer_id, "entity_id": plan.entity_id, "currency": plan.currency,
        "as_of": plan.as_of.isoformat(), "stage": plan.stage, "tone": plan.tone,
        "risk_tier": plan.risk_tier, "locale": plan.locale, "pre_due": plan.pre_due,
        "broken_promise": plan.broken_promise, "anchor_invoice_id": plan.anchor_invoice_id,
        "invoices": [{
            "invoice_id": i.invoice_id, "po_number": i.po_number,
            "issue_date": i.issue_date.isoformat(), "due_date": i.due_date.isoformat(),
            "amount": str(i.amount), "open_amount": str(i.open_amount),
            "days_overdue": i.days_overdue, "state": i.state,
            "broken_promise_date": i.broken_promise_date.isoformat()
            if i.broken_promise_date else None,
        } for i in plan.items],
        "totals": {k: str(getattr(t, k)) for k in
                   ("overdue", "due_soon", "open", "unapplied_cash", "open_credits", "net_due")},
        "to": [r.email for r in plan.to], "cc": [r.email for r in plan.cc],
    }


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.rjust(w) if c in right else cell.ljust(w)
                      for c, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
            for row in rows]
