"""Builders for drafting tests: a message plan made by the real policy from fixture rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from o2c.domain.calendar import HolidayCalendar
from o2c.domain.dunning import plan_reminders
from o2c.domain.dunning_records import Contact, CustomerFacts, MessagePlan, OpenItem
from o2c.drafting.records import Sender
from o2c.dunning import load_policy

AS_OF = date(2026, 3, 16)
POLICY = load_policy().model_copy(update={"day_count": "calendar"})
CALENDARS = {"DE01": HolidayCalendar("DE")}
SENDER = Sender("Kestrel Systems GmbH", "ar@kestrel.example",
                bank_accounts={"EUR": "IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX"})


def open_item(invoice_id: str, days_past_due: int, amount: str, open_amount: str | None = None,
              currency: str = "EUR", **kw) -> OpenItem:
    due = AS_OF - timedelta(days=days_past_due)
    return OpenItem(invoice_id, "C1", "DE01", currency, Decimal(amount),
                    Decimal(open_amount or amount), due - timedelta(days=30), due, **kw)


def make_plan(locale: str = "de_DE", days_past_due: int = 20, risk_tier: str = "high",
              name: str = "Müller Maschinenbau GmbH", contact: str | None = "Anna Schmidt",
              items: list[OpenItem] | None = None, currency: str = "EUR",
              **customer_kw) -> MessagePlan:
    items = items if items is not None else [
        open_item("RE2026-000101", days_past_due, "1234.50", po_number="PO-4711",
                  currency=currency),
        open_item("RE2026-000102", 3, "800.00", "300.00", currency=currency),
    ]
    cust = CustomerFacts("C1", "DE01", name, locale, risk_tier,
                         contacts=(Contact("billing", "ap@mueller.example", contact),),
                         **customer_kw)
    plan = plan_reminders(items, [cust], AS_OF, POLICY, CALENDARS)
    assert plan.messages, plan.skipped
    return plan.messages[0]
