"""What the dunning policy needs, read from the warehouse into the domain records: open items
(fct_invoices with disputes and promises), customer facts (dim_customers, contacts, credit
scores when scored, unapplied cash and credits, the last reminders sent), and per entity how it
signs (Sender) and its business-day calendar."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from o2c.cashapp.sources import OPEN_CREDIT_NOTES
from o2c.domain.calendar import HolidayCalendar
from o2c.domain.dunning_records import Contact, CustomerFacts, LastReminder, OpenItem
from o2c.drafting.records import Sender
from o2c.settings import Settings


def has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, _, name = qualified.rpartition(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ?", [schema or "main", name]).fetchone()[0] > 0


def ar_layer_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    if not has_table(con, "main.fct_invoices"):
        return None
    return con.execute("select max(as_of_date) from main.fct_invoices").fetchone()[0]


def read_open_items(con: duckdb.DuckDBPyConnection, as_of: date,
                    customer_ids: list[str] | None = None) -> list[OpenItem]:
    """Every invoice of the AR layer built for `as_of`; the policy keeps only the open ones."""
    broken = ("left join (select invoice_id, arg_max(promised_date, recorded_date) broken_date "
              " from main.stg_erp__promises where status = 'broken' and recorded_date <= $as_of "
              " group by invoice_id) b using (invoice_id)"
              if has_table(con, "main.stg_erp__promises") else
              "left join (select null::varchar invoice_id, null::date broken_date) b "
              "using (invoice_id)")
    where = "and f.customer_id in (select unnest($ids))" if customer_ids is not None else ""
    rows = con.execute(f"""
        select f.invoice_id, f.customer_id, f.entity_id, f.currency, f.amount, f.open_amount,
               f.issue_date, f.due_date, f.erp_status, f.is_void,
               coalesce(f.is_disputed, false) or coalesce(f.has_open_dispute, false),
               coalesce(f.has_open_promise, false), f.next_promised_date, b.broken_date,
               f.po_number
        from main.fct_invoices f {broken}
        where f.as_of_date = $as_of {where}
        order by f.invoice_id""",
        {"as_of": as_of, **({"ids": customer_ids} if customer_ids is not None else {})},
    ).fetchall()
    items = []
    for (invoice_id, customer_id, entity_id, currency, amount, open_amount, issue_date,
         due_date, erp_status, is_void, disputed, promised, promised_date, broken_date,
         po_number) in rows:
        status = "void" if is_void or erp_status == "void" else (
            "open" if open_amount and open_amount > 0 else "paid")
        promise_status, promise_date = (("open", promised_date) if promised else
                                        ("broken", broken_date) if broken_date else (None, None))
        items.append(OpenItem(
            invoice_id=invoice_id, customer_id=customer_id, entity_id=entity_id,
            currency=currency, amount=Decimal(amount), open_amount=Decimal(open_amount or 0),
            issue_date=issue_date, due_date=due_date, status=status,
            is_disputed=bool(disputed), promise_status=promise_status,
            promised_date=promise_date, po_number=po_number))
    return items


def read_customers(con: duckdb.DuckDBPyConnection, as_of: date,
                   customer_ids: list[str] | None = None) -> list[CustomerFacts]:
    where = "where customer_id in (select unnest(?))" if customer_ids is not None else ""
    rows = con.execute(
        "select customer_id, entity_id, name, locale, billing_emails, escalation_emails, "
        "do_not_dun_emails, account_owner_email, csm_email, collector_email "
        f"from main.dim_customers {where} order by customer_id",
        [customer_ids] if customer_ids is not None else []).fetchall()
    names = _contact_names(con)
    tiers = _risk_tiers(con, as_of)
    unapplied, credits = _unapplied_cash(con, as_of), _open_credits(con, as_of)
    last, last_on = _last_reminders(con)
    out = []
    for (cid, entity_id, name, locale, billing, escalation, dnd_emails, owner, csm,
         collector) in rows:
        contacts = [Contact(role, e, names.get((cid, e))) for role, listed in
                    (("billing", billing), ("escalation", escalation)) for e in _split(listed)]
        contacts += [Contact("billing", e, names.get((cid, e)), do_not_dun=True)
                     for e in _split(dnd_emails)]
        out.append(CustomerFacts(
            customer_id=cid, entity_id=entity_id, name=name, locale=locale or "en_US",
            risk_tier=tiers.get(cid), contacts=tuple(contacts),
            do_not_dun=False,  # contacts carry the flag; the policy reports who is left
            last_messaged_on=last_on.get(cid), last_reminders=last.get(cid, {}),
            unapplied_cash=unapplied.get(cid, {}), open_credits=credits.get(cid, {}),
            account_owner_email=owner, csm_email=csm, collector_email=collector))
    return out


def _split(listed: str | None) -> list[str]:
    return [e.strip() for e in (listed or "").split(",") if e.strip()]


def _contact_names(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    if not has_table(con, "main.stg_erp__contacts"):
        return {}
    rows = con.execute("select customer_id, email, name from main.stg_erp__contacts "
                       "where name is not null").fetchall()
    return {(c, e): n for c, e, n in rows}


def _risk_tiers(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, str]:
    """The latest customer-level tier scored on or before as_of (none before credit scoring)."""
    rows = con.execute(
        "select customer_id, arg_max(risk_tier, as_of) from app.credit_scores "
        "where invoice_id is null and as_of <= ? and risk_tier is not null "
        "group by customer_id", [as_of]).fetchall()
    return dict(rows)


def _unapplied_cash(con: duckdb.DuckDBPyConnection,
                    as_of: date) -> dict[str, dict[str, Decimal]]:
    if not (has_table(con, "main.stg_erp__receipts")
            and has_table(con, "main.stg_erp__receipt_applications")):
        return {}
    rows = con.execute("""
        with applied as (
            select receipt_id, sum(applied_amount) applied
            from main.stg_erp__receipt_applications where applied_date <= $as_of
            group by receipt_id)
        select r.customer_id, r.currency, sum(r.amount - coalesce(a.applied, 0))
        from main.stg_erp__receipts r left join applied a using (receipt_id)
        where r.received_date <= $as_of and r.customer_id is not null
        group by all having sum(r.amount - coalesce(a.applied, 0)) > 0""",
        {"as_of": as_of}).fetchall()
    return _nest(rows)


def _open_credits(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, dict[str, Decimal]]:
    if not has_table(con, "main.stg_erp__credit_memos"):
        return {}
    rows = con.execute(  # less what receipts netted (cash application)
        f"select customer_id, currency, sum(open_amount) from ({OPEN_CREDIT_NOTES}) "
        "where issue_date <= ? group by all having sum(open_amount) > 0", [as_of]).fetchall()
    return _nest(rows)


def _nest(rows: list[tuple]) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for customer_id, currency, amount in rows:
        out[customer_id][currency] = Decimal(amount)
    return out


def _last_reminders(con: duckdb.DuckDBPyConnection,
                    ) -> tuple[dict[str, dict[str, LastReminder]], dict[str, date]]:
    """Per customer and currency, the last reminder sent (its stage and anchor invoice)."""
    rows = con.execute("""
        select d.customer_id, d.currency, d.stage, d.facts, o.recorded_at::date
        from app.outbox o
        join app.outbox_messages m using (message_id)
        join app.drafts d on d.draft_id = m.draft_id
        where o.state = 'sent' and m.kind = 'reminder'
        order by o.seq""").fetchall()
    last: dict[str, dict[str, LastReminder]] = defaultdict(dict)
    last_on: dict[str, date] = {}
    for customer_id, currency, stage, facts, sent_on in rows:
        anchor = json.loads(facts or "{}").get("anchor_invoice_id", "")
        last[customer_id][currency] = LastReminder(stage, sent_on, anchor)
        last_on[customer_id] = max(last_on.get(customer_id, sent_on), sent_on)
    return last, last_on


@dataclass(frozen=True)
class Entities:
    senders: dict[str, Sender]
    calendars: dict[str, HolidayCalendar]


def read_entities(con: duckdb.DuckDBPyConnection, settings: Settings) -> Entities:
    rows = con.execute("select entity_id, name, country from main.stg_erp__entities "
                       "order by entity_id").fetchall()
    accounts: dict[str, dict[str, str]] = defaultdict(dict)
    if has_table(con, "main.stg_erp__house_bank_accounts"):
        for entity_id, currency, number, bic in con.execute(
                "select entity_id, currency, account_number, bic "
                "from main.stg_erp__house_bank_accounts order by account_number").fetchall():
            accounts[entity_id].setdefault(currency, f"{number} (BIC {bic})" if bic else number)
    senders = {e: Sender(company=name, email=settings.mail_from, bank_accounts=accounts[e])
               for e, name, _ in rows}
    calendars = {e: HolidayCalendar(country) for e, _, country in rows}
    return Entities(senders, calendars)
