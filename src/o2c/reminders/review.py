"""Reminder drafts as review items (everything the approver must see), and approved drafts as
outbox messages (From, Reply-To the collector, BCC per stage, threaded per customer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from o2c.adapters.email import OutgoingEmail, addresses
from o2c.approval import ReviewItem
from o2c.drafting.facts import day, money
from o2c.outbox import machine, store
from o2c.reminders.store import StoredDraft, approval_of
from o2c.settings import Settings


@dataclass(frozen=True)
class Account:
    name: str
    entity_name: str
    account_owner: str | None
    csm: str | None
    collector: str | None


def accounts(con: duckdb.DuckDBPyConnection, customer_ids: list[str]) -> dict[str, Account]:
    rows = con.execute(
        "select customer_id, name, entity_name, account_owner_email, csm_email, "
        "collector_email from main.dim_customers where customer_id in (select unnest(?))",
        [customer_ids]).fetchall()
    return {cid: Account(name, entity or "", owner, csm, collector)
            for cid, name, entity, owner, csm, collector in rows}


def bcc_for(draft: StoredDraft, account: Account | None, settings: Settings) -> tuple[str, ...]:
    """Account owner and CSM in BCC on the configured stages, unless already addressed."""
    if account is None or draft.stage not in settings.bcc_stages:
        return ()
    shown = {a.lower() for a in (*draft.to, *draft.cc)}
    return tuple(a for a in addresses([account.account_owner, account.csm])
                 if a.lower() not in shown)


def review_item(draft: StoredDraft, account: Account | None, settings: Settings) -> ReviewItem:
    f = draft.facts
    cur, locale = draft.currency, str(f.get("locale", "en_US"))
    name = account.name if account else draft.customer_id
    bcc = bcc_for(draft, account, settings)
    lines = [
        f"**To:** {', '.join(draft.to) or '—'}  ",
        f"**Cc:** {', '.join(draft.cc) or '—'}  ",
        f"**Bcc:** {', '.join(bcc) or '—'}  ",
        f"**Reply-To:** {(account.collector if account else None) or settings.mail_from}",
        "",
        f"**Stage:** {draft.stage} (tone {f.get('tone', '?')}) · "
        f"**Risk tier:** {f.get('risk_tier', '?')} · **Customer:** {name} "
        f"({draft.customer_id}) · **Written by:** {draft.drafter}"
        + (" · **Broken promise**" if f.get("broken_promise") else ""),
        "",
    ]
    if draft.checks:
        lines += [f"> **Warning:** {draft.checks}", ""]
    lines += ["| Invoice | Due | Days overdue | Open |", "|---|---|--:|--:|"]
    for i in f.get("invoices", []):
        open_, amount = _dec(i["open_amount"]), _dec(i["amount"])
        shown = money(open_, cur, locale) + (
            f" of {money(amount, cur, locale)}" if open_ != amount else "")
        po = f" ({i['po_number']})" if i.get("po_number") else ""
        due = day(date.fromisoformat(i["due_date"]), locale).replace(" ", "\u00a0")
        lines.append(f"| {i['invoice_id']}{po} | {due} | "
                     f"{i['days_overdue'] if i['state'] == 'overdue' else 'not yet due'} | "
                     f"{shown} |")
    totals = f.get("totals", {})
    lines += ["", f"**Net due:** {money(_dec(totals.get('net_due', '0')), cur, locale)}", "",
              f"**Subject:** {draft.subject}", "", "```text", draft.body.strip(), "```"]
    return ReviewItem(id=draft.draft_id, title=f"{name} · {cur} · {draft.stage}",
                      description="\n".join(lines), editable=draft.body)


def _dec(value: object):
    from decimal import Decimal

    return Decimal(str(value))


def outgoing(con: duckdb.DuckDBPyConnection, draft: StoredDraft, account: Account | None,
             settings: Settings) -> OutgoingEmail | None:
    """The message for an approved draft (its edited body if the approver changed it)."""
    approval = approval_of(con, draft.draft_id)
    if approval is None:
        return None
    approval_id, edited = approval
    mid = machine.message_id(draft.draft_id)
    domain = settings.mail_from.rpartition("@")[2] or "o2c.local"
    thread = store.thread_of(con, draft.customer_id)
    return OutgoingEmail(
        message_id=mid, from_addr=settings.mail_from,
        from_name=account.entity_name if account and account.entity_name else None,
        to=tuple(draft.to), cc=tuple(draft.cc), bcc=bcc_for(draft, account, settings),
        subject=draft.subject, body=edited or draft.body,
        reply_to=(account.collector if account else None) or settings.mail_from,
        rfc_message_id=f"<{mid}@{domain}>", in_reply_to=thread[-1] if thread else None,
        references=tuple(thread[-10:]))


def enqueue_approved(con: duckdb.DuckDBPyConnection, drafts: list[StoredDraft],
                     settings: Settings, run_id: str | None) -> list[str]:
    """Put each approved draft in the outbox (once); return the message ids."""
    approved = [d for d in drafts if d.status == "approved"]
    known = accounts(con, [d.customer_id for d in approved])
    out = []
    for draft in approved:
        email = outgoing(con, draft, known.get(draft.customer_id), settings)
        if email is None:
            continue
        store.enqueue(con, email, kind="reminder", draft_id=draft.draft_id,
                      customer_id=draft.customer_id, run_id=run_id)
        out.append(email.message_id)
    return out
