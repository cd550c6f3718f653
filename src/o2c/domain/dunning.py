"""Who gets which reminder today: one message per customer and currency, or a reason why not.

Paid, credited-to-zero and void invoices are not open items; disputed invoices and invoices under
a kept-in-time promise to pay are excluded; a broken promise escalates. The stage re-anchors on
the oldest invoice still unpaid after unapplied cash and open credits are set against the
oldest invoices first, so a reminder never escalates on money the customer has already sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from o2c.domain.calendar import BusinessCalendar, business_days_between, next_business_day
from o2c.domain.dunning_policy import CONTACT_ROLES, DunningPolicy, Stage
from o2c.domain.dunning_records import (
    CustomerFacts,
    DunningPlan,
    Excluded,
    MessagePlan,
    OpenItem,
    PlanItem,
    Recipient,
    Skipped,
    Totals,
)

ZERO = Decimal(0)


class _Skip(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def is_open(item: OpenItem) -> bool:
    """Still owed: not paid, not void, and not settled to zero by cash or credits."""
    return item.status == "open" and item.open_amount > ZERO


def plan_reminders(items: Iterable[OpenItem], customers: Iterable[CustomerFacts], as_of: date,
                   policy: DunningPolicy,
                   calendars: Mapping[str, BusinessCalendar]) -> DunningPlan:
    """A plan for every (customer, currency) with open items: a message, or a skip with reason.

    `calendars` maps each entity_id to its business-day calendar.
    """
    by_id = {c.customer_id: c for c in customers}
    groups: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
    for item in items:
        if is_open(item):
            groups[(item.customer_id, item.currency)].append(item)
    messages, skipped = [], []
    for (customer_id, currency), group in sorted(groups.items()):
        try:
            customer = by_id.get(customer_id)
            if customer is None:
                raise _Skip("unknown_customer", f"customer {customer_id} is not in the master data")
            calendar = _calendar(calendars, customer.entity_id)
            messages.append(_plan(customer, currency, group, as_of, policy, calendar))
        except _Skip as skip:
            skipped.append(Skipped(customer_id, currency, skip.code, skip.reason))
    return DunningPlan(tuple(messages), tuple(skipped))


def _calendar(calendars: Mapping[str, BusinessCalendar], entity_id: str) -> BusinessCalendar:
    try:
        return calendars[entity_id]
    except KeyError:
        raise ValueError(f"no business-day calendar for entity {entity_id}: pass one per entity "
                         f"(have {sorted(calendars)})") from None


def _plan(customer: CustomerFacts, currency: str, group: list[OpenItem], as_of: date,
          policy: DunningPolicy, calendar: BusinessCalendar) -> MessagePlan:
    if not policy.send_on_non_business_days and not calendar.is_business_day(as_of):
        raise _Skip("non_business_day",
                    f"{as_of} is not a business day for entity {customer.entity_id}")
    if customer.do_not_dun:
        raise _Skip("do_not_dun", "the customer is marked do-not-dun")
    eligible, excluded, broken = _exclusions(group, as_of, policy, calendar)
    if not eligible:
        listed = "; ".join(f"{e.invoice_id} {e.reason}" for e in excluded)
        raise _Skip("disputed_or_promised", f"every open invoice is excluded: {listed}")

    def age(item: OpenItem) -> int:
        return _age(item.due_date, as_of, policy, calendar)

    listed = sorted((i for i in eligible if age(i) >= -policy.due_soon_days),
                    key=lambda i: (i.due_date, i.issue_date, i.invoice_id))
    if not listed:
        nxt = min(eligible, key=lambda i: (i.due_date, i.invoice_id))
        raise _Skip("not_due", f"nothing due yet: next invoice {nxt.invoice_id} "
                               f"is due {nxt.due_date}")
    unapplied = customer.unapplied_cash.get(currency, ZERO)
    credits = customer.open_credits.get(currency, ZERO)
    anchor = _oldest_uncovered(listed, unapplied + credits)
    open_total = sum((i.open_amount for i in listed), ZERO)
    net_due = max(open_total - unapplied - credits, ZERO)
    if anchor is None:
        raise _Skip("covered", f"unapplied cash {unapplied} and open credits {credits} cover "
                               f"the {open_total} {currency} due")
    if net_due < policy.minimum(currency):
        raise _Skip("below_minimum", f"net due {net_due} {currency} is below the minimum "
                                     f"{policy.minimum(currency)}")
    tier = policy.tier(customer.risk_tier)
    anchor_age = age(anchor)
    index = policy.stage_index_for(anchor_age)
    is_broken = any(i.invoice_id in broken for i in listed)
    if is_broken:
        index = min(max((index or 0) + policy.broken_promise_escalation,
                        policy.first_overdue_index), len(policy.stages) - 1)
    if index is None:
        first = policy.stages[0]
        raise _Skip("not_due", f"oldest invoice {anchor.invoice_id} is {-anchor_age} days before "
                               f"due; the first stage ({first.name}) starts at {first.offset_days}")
    stage = policy.stages[index]
    if stage.pre_due and tier not in policy.pre_due_tiers:
        raise _Skip("pre_due_not_for_tier", f"invoice {anchor.invoice_id} is not yet due and "
                                            f"risk tier {tier} gets no pre-due note")
    last = customer.last_reminders.get(currency)
    if last and last.stage == stage.name and last.anchor_invoice_id == anchor.invoice_id:
        raise _Skip("stage_already_sent", f"{stage.name} for invoice {anchor.invoice_id} was "
                                          f"sent on {last.sent_on}")
    gap = policy.min_days_between_messages
    if customer.last_messaged_on and (as_of - customer.last_messaged_on).days < gap:
        raise _Skip("recently_messaged", f"messaged on {customer.last_messaged_on}, "
                                         f"within {gap} days")
    to, cc = _recipients(customer, stage)
    items = tuple(_plan_item(i, as_of, age(i) > 0, broken.get(i.invoice_id)) for i in listed)
    overdue = sum((i.open_amount for i in items if i.state == "overdue"), ZERO)
    totals = Totals(overdue=overdue, due_soon=open_total - overdue, open=open_total,
                    unapplied_cash=unapplied, open_credits=credits, net_due=net_due)
    return MessagePlan(
        customer_id=customer.customer_id, entity_id=customer.entity_id, currency=currency,
        as_of=as_of, stage=stage.name, stage_index=index, tone=stage.tone_for(tier),
        risk_tier=tier, locale=customer.locale, customer_name=customer.name,
        anchor_invoice_id=anchor.invoice_id, anchor_age_days=anchor_age, pre_due=stage.pre_due,
        broken_promise=is_broken, items=items, totals=totals, to=to, cc=cc,
        excluded=tuple(excluded))


def _age(due: date, as_of: date, policy: DunningPolicy, calendar: BusinessCalendar) -> int:
    """Days from the due date to as_of; a due date on a holiday moves to the next business day."""
    if policy.day_count == "calendar":
        return (as_of - due).days
    return business_days_between(calendar, next_business_day(calendar, due), as_of)


def _exclusions(group: list[OpenItem], as_of: date, policy: DunningPolicy,
                calendar: BusinessCalendar,
                ) -> tuple[list[OpenItem], list[Excluded], dict[str, date | None]]:
    """Eligible items, excluded items with reasons, and the broken promises (invoice -> date)."""
    eligible, excluded, broken = [], [], {}
    for item in group:
        if item.is_disputed:
            excluded.append(Excluded(item.invoice_id, "disputed"))
        elif item.promise_status == "open" and _promise_holds(item, as_of, policy, calendar):
            excluded.append(Excluded(item.invoice_id, f"promised to pay by {item.promised_date}"))
        else:
            if item.promise_status in ("open", "broken"):
                broken[item.invoice_id] = item.promised_date
            eligible.append(item)
    return eligible, excluded, broken


def _promise_holds(item: OpenItem, as_of: date, policy: DunningPolicy,
                   calendar: BusinessCalendar) -> bool:
    if item.promised_date is None:
        return True
    return _age(item.promised_date, as_of, policy, calendar) <= policy.promise_grace_days


def _oldest_uncovered(listed: list[OpenItem], pool: Decimal) -> OpenItem | None:
    """Set unapplied cash and credits against the oldest items first; the first left unpaid."""
    for item in listed:
        if pool >= item.open_amount:
            pool -= item.open_amount
        else:
            return item
    return None


def _plan_item(item: OpenItem, as_of: date, overdue: bool, broken_on: date | None) -> PlanItem:
    return PlanItem(
        invoice_id=item.invoice_id, po_number=item.po_number, issue_date=item.issue_date,
        due_date=item.due_date, amount=item.amount, open_amount=item.open_amount,
        days_overdue=max((as_of - item.due_date).days, 0) if overdue else 0,
        state="overdue" if overdue else "due_soon", broken_promise_date=broken_on)


def _recipients(customer: CustomerFacts,
                stage: Stage) -> tuple[tuple[Recipient, ...], tuple[Recipient, ...]]:
    to = _by_roles(customer, stage.to)
    if not to:
        roles = [r for r in stage.to if r in CONTACT_ROLES]
        on_file = [c for c in customer.contacts if c.role in roles]
        if on_file:
            raise _Skip("do_not_dun", f"every {'/'.join(roles)} contact is marked do-not-dun")
        raise _Skip("no_contact", f"no {'/'.join(stage.to)} contact on file")
    seen = {r.email.lower() for r in to}
    cc = tuple(r for r in _by_roles(customer, stage.cc) if r.email.lower() not in seen)
    return to, cc


def _by_roles(customer: CustomerFacts, roles: Iterable[str]) -> tuple[Recipient, ...]:
    internal = {"account_owner": customer.account_owner_email, "csm": customer.csm_email,
                "collector": customer.collector_email}
    out: dict[str, Recipient] = {}
    for role in roles:
        if role in CONTACT_ROLES:
            found = [Recipient(role, c.email, c.name) for c in customer.contacts
                     if c.role == role and not c.do_not_dun]
        else:
            found = [Recipient(role, internal[role])] if internal.get(role) else []
        for r in found:
            out.setdefault(r.email.lower(), r)
    return tuple(out.values())

