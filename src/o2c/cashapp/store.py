"""What the engine decided, written down: the `app.cash_applications` journal (auto and proposed
rows; reversals of returned payments), exceptions, learned aliases and the ERP posting file.

Ids are deterministic (`stable_id` over the bank transaction, the invoice, the rule version and
the alternative), so re-running on the same data appends nothing.
"""

from __future__ import annotations

import io
from datetime import datetime

import duckdb
import pandas as pd

from o2c.adapters import journal
from o2c.domain.cashapp.names import sql_account, sql_name
from o2c.domain.cashapp.policy import RULE_VERSION


def sql_stable_id(prefix: str, *parts: str) -> str:
    """`o2c.domain.ids.stable_id` in SQL: sha256 over the parts joined by chr(31)."""
    joined = ", ".join(f"coalesce(cast({p} as varchar), '')" for p in parts)
    return f"'{prefix}_' || substr(sha256(concat_ws(chr(31), {joined})), 1, 20)"


APPLICATIONS = f"""
select {sql_stable_id('app', 'bank_txn_id', 'invoice_id', f"'{RULE_VERSION}'", 'alternative')}
           as application_id,
       bank_txn_id, bank_ref as receipt_ref, invoice_id, customer_id, currency, cash_applied,
       write_off, write_off_reason, discount, discount_reason,
       cast(confidence as decimal(5,4)) as confidence, rule, evidence, status,
       null::varchar as reverses_application_id, ? as decided_by, ?::timestamp as decided_at,
       ? as run_id, o._ord
from ca_decided d
-- chained by receipt, alternative and invoice: the order is made of these narrow columns
-- alone, then joined back (sorting the whole rows costs more than twice as much)
join (select rowid as _row, row_number() over (order by rid, alternative, iid nulls first)
             as _ord
      from ca_decided where status in ('auto', 'proposed')) o on o._row = d.rowid
"""

EXCEPTIONS = f"""
select {sql_stable_id('exc', 'bank_txn_id', 'reason', 'best_candidates', 'referenced')}
           as exception_id,
       bank_txn_id, bank_ref, currency, amount, value_date, reason, customer_id, referenced,
       best_candidates, ?::timestamp as seen_at, ? as run_id,
       row_number() over (order by rid, reason) as _ord
from ca_exceptions
"""

# a returned payment gives back what its applications took: one reversal row each, one event
RETURNS = f"""
with live as (
    select a.* from app.cash_applications a
    where a.status in ('auto', 'confirmed')
      and a.application_id not in (select reverses_application_id from app.cash_applications
                                   where status = 'reversed'
                                     and reverses_application_id is not null)
)
select {sql_stable_id('app', 'l.application_id', "'reversed'")} as application_id,
       l.bank_txn_id, l.receipt_ref, l.invoice_id, l.customer_id, l.currency, l.cash_applied,
       l.write_off, l.write_off_reason, l.discount, l.discount_reason,
       null::decimal(5,4) as confidence, 'payment_returned' as rule,
       json_object('returned_by', r.bank_txn_id, 'return_reason', r.return_reason)
           as evidence,
       'reversed' as status, l.application_id as reverses_application_id,
       ? as decided_by, ?::timestamp as decided_at, ? as run_id
from live l join {{returns}} r on r.reverses_bank_txn_id = l.bank_txn_id
where r.is_return
"""

ALIASES = f"""
with applied as (
    select distinct a.bank_txn_id, a.customer_id, a.application_id
    from app.cash_applications a
    where a.invoice_id is not null and a.customer_id is not null
      and (a.status = 'confirmed' or (a.status = 'auto' and a.rule like 'ref_%'))
),
seen as (
    select p.customer_id, p.application_id, 'account' as kind,
           {sql_account('b.counterparty_account')} as alias_key
    from applied p join {{bank}} b using (bank_txn_id)
    union all
    select p.customer_id, p.application_id, 'name', {sql_name('b.counterparty_name')}
    from applied p join {{bank}} b using (bank_txn_id)
),
fresh as (
    select kind, alias_key, customer_id, min(application_id) as learned_from
    from seen where alias_key <> ''
    group by all
)
select {sql_stable_id('alias', 'kind', 'alias_key', 'customer_id')} as alias_id, kind,
       alias_key, customer_id, learned_from, ? as decided_by, ?::timestamp as decided_at,
       ? as run_id
from fresh
order by alias_id
"""


def journal_decisions(con: duckdb.DuckDBPyConnection, run_id: str, at: datetime,
                      by: str = "cashapp-engine") -> dict[str, int]:
    """Append the engine's applications and exceptions; returns rows added per journal.

    Rows go from the engine's tables to the journal inside DuckDB, receipt by receipt."""
    return {"cash_applications": journal.append_query(
                con, "cash_applications", APPLICATIONS, [by, at, run_id], at),
            "cash_exceptions": journal.append_query(
                con, "cash_exceptions", EXCEPTIONS, [at, run_id], at)}


def reverse_returns(con: duckdb.DuckDBPyConnection, run_id: str, at: datetime,
                    returns: str = "fct_bank_transactions",
                    by: str = "cashapp-engine") -> int:
    """Reverse the live applications of every returned payment; an event for each."""
    rows = con.execute(RETURNS.format(returns=returns), [by, at, run_id]).df()
    added = journal.append(con, "cash_applications", rows, at)
    if not rows.empty:
        events = pd.DataFrame({
            "event_id": "evt_" + rows["application_id"].str[4:],
            "event_type": "payment_returned",
            "bank_txn_id": rows["bank_txn_id"],
            "application_id": rows["reverses_application_id"],
            "invoice_id": rows["invoice_id"],
            "customer_id": rows["customer_id"],
            "detail": rows["evidence"],
            "occurred_at": at,
            "run_id": run_id,
        })
        journal.append(con, "cash_events", events, at)
    return added


def learn_aliases(con: duckdb.DuckDBPyConnection, run_id: str, at: datetime,
                  bank: str = "fct_bank_transactions", by: str = "cashapp-engine") -> int:
    """Payer accounts and names of confirmed (and reference-backed auto) matches."""
    rows = con.execute(ALIASES.format(bank=bank), [by, at, run_id]).df()
    return journal.append(con, "customer_aliases", rows, at)


POSTING_COLUMNS = ["application_id", "status", "reverses_application_id", "bank_txn_id",
                   "receipt_ref", "customer_id", "invoice_id", "currency", "cash_applied",
                   "write_off", "write_off_reason", "discount", "discount_reason"]


def posting_csv(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[bytes, int]:
    """This run's postable rows (auto, confirmed, reversed) as the CSV the ERP books from."""
    frame = con.execute(
        f"select {', '.join(POSTING_COLUMNS)} from app.cash_applications "
        "where run_id = ? and status in ('auto', 'confirmed', 'reversed') order by seq",
        [run_id]).df()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode(), len(frame)
