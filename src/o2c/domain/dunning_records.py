"""What the dunning policy reads (open items, customer facts) and what it decides (plans, skips).

Amounts are Decimal in the item's currency; `open_amount` is what is still unpaid after ERP
receipts, bank cash application and credit memos linked to the invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

ItemState = Literal["overdue", "due_soon"]


@dataclass(frozen=True)
class OpenItem:
    invoice_id: str
    customer_id: str
    entity_id: str
    currency: str
    amount: Decimal
    open_amount: Decimal
    issue_date: date
    due_date: date
    status: str = "open"  # open | paid | void
    is_disputed: bool = False
    promise_status: str | None = None  # open | kept | broken
    promised_date: date | None = None
    po_number: str | None = None


@dataclass(frozen=True)
class Contact:
    role: str  # billing | escalation
    email: str
    name: str | None = None
    do_not_dun: bool = False


@dataclass(frozen=True)
class LastReminder:
    """The last reminder sent for one currency, and the invoice its stage was anchored on."""

    stage: str
    sent_on: date
    anchor_invoice_id: str


@dataclass(frozen=True)
class CustomerFacts:
    customer_id: str
    entity_id: str
    name: str
    locale: str
    risk_tier: str | None = None
    contacts: tuple[Contact, ...] = ()
    do_not_dun: bool = False
    last_messaged_on: date | None = None
    last_reminders: Mapping[str, LastReminder] = field(default_factory=dict)  # by currency
    unapplied_cash: Mapping[str, Decimal] = field(default_factory=dict)  # by currency
    open_credits: Mapping[str, Decimal] = field(default_factory=dict)  # unapplied credit memos
    account_owner_email: str | None = None
    csm_email: str | None = None
    collector_email: str | None = None


@dataclass(frozen=True)
class Recipient:
    role: str
    email: str
    name: str | None = None


@dataclass(frozen=True)
class PlanItem:
    invoice_id: str
    po_number: str | None
    issue_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    days_overdue: int  # calendar days after the due date; 0 while not yet due
    state: ItemState
    broken_promise_date: date | None = None


@dataclass(frozen=True)
class Totals:
    overdue: Decimal
    due_soon: Decimal
    open: Decimal  # overdue + due_soon
    unapplied_cash: Decimal
    open_credits: Decimal
    net_due: Decimal  # open - unapplied cash - open credits, never below 0


@dataclass(frozen=True)
class Excluded:
    """An open invoice kept out of the message (disputed, or under a promise to pay)."""

    invoice_id: str
    reason: str


@dataclass(frozen=True)
class MessagePlan:
    """One reminder to one customer in one currency."""

    customer_id: str
    entity_id: str
    currency: str
    as_of: date
    stage: str
    stage_index: int
    tone: str
    risk_tier: str
    locale: str
    customer_name: str
    anchor_invoice_id: str
    anchor_age_days: int  # in the policy's day count; negative before the due date
    pre_due: bool
    broken_promise: bool
    items: tuple[PlanItem, ...]
    totals: Totals
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...] = ()
    excluded: tuple[Excluded, ...] = ()  # for the approver; never part of the message

    @property
    def key(self) -> tuple[str, str, str, date]:
        return (self.customer_id, self.currency, self.stage, self.as_of)


@dataclass(frozen=True)
class Skipped:
    customer_id: str
    currency: str
    code: str  # a stable word for counting: not_due, disputed_or_promised, do_not_dun, ...
    reason: str  # what a person reads


@dataclass(frozen=True)
class DunningPlan:
    messages: tuple[MessagePlan, ...]
    skipped: tuple[Skipped, ...]
