"""Read bounces and other suppressions back from the provider: the sent messages to a bad
address become `bounced`, and the customer's account owner is told once per address."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from o2c.adapters import warehouse
from o2c.adapters.email import Mailer, OutgoingEmail, Suppression
from o2c.outbox import machine, store
from o2c.settings import Settings

# customer_id -> (account owner e-mail, customer name), or None when nobody owns it
OwnerLookup = Callable[[str], tuple[str, str] | None]


@dataclass
class BounceReport:
    suppressions: int = 0
    bounced: list[str] = field(default_factory=list)  # message ids
    notices: list[str] = field(default_factory=list)  # notice message ids queued


def read_back(settings: Settings, mailer: Mailer, since: datetime, owners: OwnerLookup,
              run_id: str | None) -> BounceReport:
    found = mailer.suppressions(since)  # the provider call, before taking the writer
    report = BounceReport(suppressions=len(found))
    if not found:
        return report
    by_address: dict[str, Suppression] = {s.email.lower(): s for s in found}
    with warehouse.writer(settings) as con:
        for q in store.queued(con, ("sent",)):
            if q.kind != "reminder":
                continue
            hits = [by_address[a.lower()] for a in (*q.email.to, *q.email.cc)
                    if a.lower() in by_address]
            if not hits:
                continue
            detail = json.dumps([{"email": h.email, "kind": h.kind, "reason": h.reason}
                                 for h in hits])
            if store.transition(con, q, "bounced", run_id=run_id, detail=detail):
                report.bounced.append(q.email.message_id)
            owner = owners(q.customer_id) if q.customer_id else None
            for hit in hits:
                if owner is None:
                    continue
                notice = bad_address_notice(settings, q, hit, *owner)
                if store.enqueue(con, notice, kind="notice", draft_id=None,
                                 customer_id=q.customer_id, run_id=run_id,
                                 detail="automatic: bad address"):
                    report.notices.append(notice.message_id)
    return report


def bad_address_notice(settings: Settings, q: store.Queued, hit: Suppression,
                       owner_email: str, customer_name: str) -> OutgoingEmail:
    mid = machine.message_id("bad-address", q.customer_id, hit.email)
    domain = settings.mail_from.rpartition("@")[2] or "o2c.local"
    body = (f"A payment reminder to {customer_name} could not be delivered.\n\n"
            f"Address: {hit.email}\n"
            f"Provider: {hit.kind} - {hit.reason}\n"
            f"Subject: {q.email.subject}\n\n"
            "Please ask the customer for a working billing address and update it in the ERP; "
            "reminders to this address will not arrive until then.\n")
    return OutgoingEmail(message_id=mid, from_addr=settings.mail_from, to=(owner_email,),
                         subject=f"Undeliverable reminder: {customer_name} ({hit.email})",
                         body=body, rfc_message_id=f"<{mid}@{domain}>")
