"""Before an approved reminder is sent: do its facts still hold? Compares what the draft
states (its journaled facts) with the latest open items; any difference sends it back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from o2c.domain.dunning_records import OpenItem


def what_changed(facts: Mapping[str, object], now: Mapping[str, OpenItem]) -> list[str]:
    """What no longer holds, in words an approver reads; empty when the draft may go."""
    changes = []
    currency = facts.get("currency", "")
    for stated in facts.get("invoices", []):  # type: ignore[union-attr]
        invoice_id = stated["invoice_id"]
        item = now.get(invoice_id)
        if item is None:
            changes.append(f"{invoice_id}: no longer in the AR layer")
            continue
        if item.status != "open" or item.open_amount <= 0:
            state = "void" if item.status == "void" else "paid or credited"
            changes.append(f"{invoice_id}: now {state}")
            continue
        was = Decimal(str(stated["open_amount"]))
        if item.open_amount != was:
            changes.append(f"{invoice_id}: open amount {was:.2f} {currency} is now "
                           f"{item.open_amount:.2f} {currency} (a payment or credit arrived)")
        if item.is_disputed:
            changes.append(f"{invoice_id}: now disputed")
        if item.promise_status == "open":
            changes.append(f"{invoice_id}: now under a promise to pay by {item.promised_date}")
    return changes
