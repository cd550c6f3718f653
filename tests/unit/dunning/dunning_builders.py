"""Builders for dunning tests: an open item, and a customer with a billing and an escalation
contact."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from o2c.domain.dunning_records import Contact, CustomerFacts, OpenItem

AS_OF = date(2026, 3, 16)  # a Monday; no public holiday in DE, US or GB that week


def item(invoice_id: str = "INV-1", days_past_due: int = 10, amount: str = "100.00",
         open_amount: str | None = None, customer_id: str = "C1", currency: str = "EUR",
         entity_id: str = "DE01", as_of: date = AS_OF, **kw) -> OpenItem:
    due = as_of - timedelta(days=days_past_due)
    return OpenItem(invoice_id=invoice_id, customer_id=customer_id, entity_id=entity_id,
                    currency=currency, amount=Decimal(amount),
                    open_amount=Decimal(open_amount if open_amount is not None else amount),
                    issue_date=due - timedelta(days=30), due_date=due, **kw)


def customer(customer_id: str = "C1", risk_tier: str | None = "medium", entity_id: str = "DE01",
             contacts: tuple[Contact, ...] | None = None, **kw) -> CustomerFacts:
    if contacts is None:
        contacts = (Contact("billing", "ap@c1.example", "Ada Payable"),
                    Contact("escalation", "cfo@c1.example", "Cy Finance"))
    return CustomerFacts(customer_id=customer_id, entity_id=entity_id, name="Acme GmbH",
                         locale="de_DE", risk_tier=risk_tier, contacts=contacts,
                         account_owner_email="owner@kestrel.example",
                         csm_email="csm@kestrel.example", **kw)
