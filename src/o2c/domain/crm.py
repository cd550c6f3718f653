"""CRM sync rules: which AR fields o2c pushes to a customer's CRM account, which of them changed
since the CRM last acknowledged them, how they are cut into batches, and the journal rows that
record each outcome (`app.crm_sync`).

A field is sent only when its value differs from the latest value the CRM acknowledged for that
account and CRM field. A batch that never reached the CRM acknowledges nothing, so the next run
sends exactly what is still missing; a record the CRM refused is retried on the next run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from o2c.domain.ids import stable_id
from o2c.domain.money import round_money
from o2c.domain.notify import link_for

FieldKind = Literal["money", "int", "date", "text"]

# The fields o2c can push, and how each is written to a CRM.
FIELD_KINDS: dict[str, FieldKind] = {
    "open_balance": "money",
    "overdue_balance": "money",
    "balance_currency": "text",
    "oldest_overdue_days": "int",
    "risk_tier": "text",
    "last_payment_date": "date",
    "last_payment_amount": "money",
    "last_payment_currency": "text",
    "link": "text",
}

Outcome = Literal["acknowledged", "rejected", "unknown_id"]


@dataclass(frozen=True)
class CustomerStatus:
    """One customer's AR status as of the run's date (fct_customer_ar_status + its CRM id)."""

    customer_id: str
    crm_account_id: str
    balance_currency: str | None
    open_balance: Decimal
    overdue_balance: Decimal
    oldest_overdue_days: int
    risk_tier: str | None
    last_payment_date: date | None
    last_payment_amount: Decimal | None
    last_payment_currency: str | None


@dataclass(frozen=True)
class Acknowledged:
    value: str | None
    event_id: str  # the journal row, named by the next acknowledgement of the same field


@dataclass(frozen=True)
class Change:
    field: str  # o2c field
    crm_field: str
    kind: FieldKind
    value: str | None  # canonical text; None clears the CRM field
    follows: str | None  # the acknowledgement it replaces; None for the field's first push


@dataclass(frozen=True)
class AccountUpdate:
    customer_id: str
    crm_account_id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RecordResult:
    """What the CRM answered for one account of a batch."""

    crm_account_id: str
    outcome: Outcome
    detail: str | None = None


@dataclass(frozen=True)
class Skipped:
    customer_id: str
    crm_account_id: str
    reason: str


def _money(amount: Decimal | None, currency: str | None) -> str | None:
    if amount is None:
        return None
    rounded = round_money(amount, currency) if currency else amount
    return format(rounded, "f")


def field_values(status: CustomerStatus, link_base: str) -> dict[str, str | None]:
    """The canonical text of every pushable field: what is compared with what was acknowledged."""
    return {
        "open_balance": _money(status.open_balance, status.balance_currency),
        "overdue_balance": _money(status.overdue_balance, status.balance_currency),
        "balance_currency": status.balance_currency,
        "oldest_overdue_days": str(status.oldest_overdue_days),
        "risk_tier": status.risk_tier,
        "last_payment_date": status.last_payment_date.isoformat()
        if status.last_payment_date else None,
        "last_payment_amount": _money(status.last_payment_amount, status.last_payment_currency),
        "last_payment_currency": status.last_payment_currency,
        "link": link_for(link_base, status.customer_id, None),
    }


def changes_for(
    statuses: Iterable[CustomerStatus],
    acknowledged: Mapping[tuple[str, str], Acknowledged],
    field_map: Mapping[str, str],
    link_base: str,
) -> tuple[list[AccountUpdate], list[Skipped]]:
    """Per account, the mapped fields whose value differs from the last acknowledged one.

    `acknowledged` is keyed by (crm_account_id, crm_field). A field never pushed and still empty
    is not sent. Accounts that several customers point at are skipped: whose numbers would win?
    """
    by_account: dict[str, list[CustomerStatus]] = defaultdict(list)
    for status in statuses:
        by_account[status.crm_account_id].append(status)
    updates, skipped = [], []
    for account, owners in sorted(by_account.items()):
        if len(owners) > 1:
            names = ", ".join(sorted(o.customer_id for o in owners))
            skipped += [Skipped(o.customer_id, account, f"CRM account {account} is the crm_id of "
                                f"several customers ({names}); give each its own account")
                        for o in owners]
            continue
        status = owners[0]
        values = field_values(status, link_base)
        changes = []
        for field, crm_field in field_map.items():
            last = acknowledged.get((account, crm_field))
            value = values[field]
            if (last is None and value is None) or (last is not None and last.value == value):
                continue
            changes.append(Change(field, crm_field, FIELD_KINDS[field], value,
                                  last.event_id if last else None))
        if changes:
            updates.append(AccountUpdate(status.customer_id, account, tuple(changes)))
    return updates, skipped


def batches(updates: Sequence[AccountUpdate], size: int) -> list[list[AccountUpdate]]:
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return [list(updates[i:i + size]) for i in range(0, len(updates), size)]


def result_for(results: Mapping[str, RecordResult], account: str) -> RecordResult:
    """The CRM's answer for one account; an account the answer leaves out was not saved."""
    return results.get(account) or RecordResult(
        account, "rejected", "the CRM's answer did not mention this record")


def journal_rows(crm_system: str, batch: Sequence[AccountUpdate],
                 results: Mapping[str, RecordResult], run_id: str | None,
                 attempt: str) -> list[dict]:
    """One `app.crm_sync` row per field sent. An acknowledgement's id follows from the one it
    replaces, so writing it twice adds one row, and a value that returns (A, B, A) is new each
    time; a refusal's id includes the attempt, so every run that is refused says so."""
    rows = []
    for update in batch:
        result = result_for(results, update.crm_account_id)
        for change in update.changes:
            parts = [crm_system, update.crm_account_id, change.crm_field, change.value,
                     result.outcome, change.follows]
            if result.outcome != "acknowledged":
                parts.append(attempt)
            rows.append({
                "crm_sync_event_id": stable_id("crm", *parts),
                "crm_system": crm_system, "crm_account_id": update.crm_account_id,
                "crm_field": change.crm_field, "field": change.field,
                "customer_id": update.customer_id, "value": change.value,
                "state": result.outcome,
                "follows_event_id": change.follows, "detail": result.detail, "run_id": run_id})
    return rows
