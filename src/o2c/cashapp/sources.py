"""The engine's input tables (`ca_receipts`, `ca_items`, `ca_customers`, `ca_aliases`, `ca_fx`)
from the warehouse (the flow) or from an open-items CSV and a folder of bank files (the CLI)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from o2c.domain.bank_codes import is_bank_own_operation
from o2c.domain.bank_identity import OBSERVATION_RANK, bank_txn_ids, observation_kind
from o2c.formats import BankFileError, parse, sniff_format

RECEIPT_COLUMNS = ["bank_txn_id", "bank_ref", "account", "currency", "amount", "value_date",
                   "direction", "is_return", "reverses_bank_txn_id", "counterparty_name",
                   "counterparty_account", "remittance", "structured_ref"]
EMPTY_ALIASES = "create or replace temp table ca_aliases (kind VARCHAR, alias_key VARCHAR, " \
                "customer_id VARCHAR)"
EMPTY_FX = "create or replace temp table ca_fx (rate_date DATE, from_currency VARCHAR, " \
           "to_currency VARCHAR, rate DECIMAL(18,10))"

# receipts still to apply: customer credits (not the bank's own interest) with no live decision
# in our journal, and not booked and applied by the ERP already (its receipt carries the bank
# reference)
WAREHOUSE_RECEIPTS = """
create or replace temp table ca_receipts as
with live as (
    select distinct bank_txn_id from app.cash_applications a
    where status in ('auto', 'confirmed', 'proposed')
      and application_id not in (select reverses_application_id from app.cash_applications
                                 where reverses_application_id is not null)
),
erp_applied as (
    select distinct r.bank_ref from stg_erp__receipts r
    semi join stg_erp__receipt_applications a using (receipt_id)
    where r.bank_ref is not null
),
erp_applied_same_day as (
    -- no bank reference on the ERP receipt: the same amount and currency booked for that day
    select distinct r.currency, r.amount, r.received_date from stg_erp__receipts r
    semi join stg_erp__receipt_applications a using (receipt_id)
)
select row_number() over (order by b.bank_txn_id)::bigint as rid, b.bank_txn_id, b.bank_ref,
       b.account, b.entity_id, b.currency, b.amount, b.value_date, b.direction, b.is_return,
       b.reverses_bank_txn_id, b.counterparty_name, b.counterparty_account, b.remittance,
       b.structured_ref
from fct_bank_transactions b
where b.direction = 'credit' and not b.is_return and not b.is_bank_own_credit
  and b.value_date <= ?
  and b.bank_txn_id not in (select bank_txn_id from live)
  and coalesce(b.bank_ref, '') not in (select bank_ref from erp_applied)
  and (b.currency, b.amount, b.value_date) not in (
      select (currency, amount, received_date) from erp_applied_same_day)
"""
# credit notes on a customer's account, tied to no invoice, less what receipts netted already
OPEN_CREDIT_NOTES = """
select c.credit_memo_id, c.customer_id, c.currency, c.issue_date, c.entity_id,
       c.amount - coalesce(n.used, 0) as open_amount
from stg_erp__credit_memos c
left join (
    select invoice_id as credit_memo_id, -sum(cash_applied) as used
    from app.cash_applications
    where status in ('auto', 'confirmed') and cash_applied < 0
      and application_id not in (select reverses_application_id from app.cash_applications
                                 where reverses_application_id is not null)
    group by all
) n using (credit_memo_id)
where c.invoice_id is null
"""
# open invoices, and open credit notes as negative items (netted where a remittance names them)
WAREHOUSE_ITEMS = f"""
create or replace temp table ca_items as
select row_number() over (order by invoice_id)::bigint as iid, * from (
    select invoice_id, customer_id, currency, open_amount, issue_date, due_date,
           has_open_dispute as is_disputed, entity_id, po_number
    from fct_invoices where not is_void
    union all
    select credit_memo_id, customer_id, currency, -open_amount, issue_date, issue_date, false,
           entity_id, null
    from ({OPEN_CREDIT_NOTES}) where open_amount > 0
)
"""
WAREHOUSE_CUSTOMERS = """
create or replace temp table ca_customers as
select customer_id, name, legal_name, coalesce(group_customer_id, customer_id) as group_id,
       payer_accounts
from dim_customers
"""
WAREHOUSE_ALIASES = """
create or replace temp table ca_aliases as
select kind, alias_key, customer_id from app.customer_aliases
"""
WAREHOUSE_FX = """
create or replace temp table ca_fx as
select rate_date, from_currency, to_currency, rate from stg_erp__fx_rates
"""


def from_warehouse(con: duckdb.DuckDBPyConnection, as_of) -> None:
    con.execute(WAREHOUSE_RECEIPTS, [as_of])
    for sql in (WAREHOUSE_ITEMS, WAREHOUSE_CUSTOMERS, WAREHOUSE_ALIASES, WAREHOUSE_FX):
        con.execute(sql)


OPEN_ITEM_COLUMNS = ("customer_id", "customer_name", "invoice_id", "issue_date", "due_date",
                     "currency", "open_amount")


def read_open_items(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """ca_items and ca_customers from the standalone open-items CSV."""
    con.execute("create or replace temp table _oi as select * from read_csv(?, header = true, "
                "all_varchar = true)", [str(path)])
    have = {r[0] for r in con.execute("describe _oi").fetchall()}
    missing = [c for c in OPEN_ITEM_COLUMNS if c not in have]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                         f"{', '.join(OPEN_ITEM_COLUMNS)} and optionally customer_account, "
                         f"po_number")
    _check_open_items(con, path)
    account = "customer_account" if "customer_account" in have else "null"
    po_number = "po_number" if "po_number" in have else "null"
    con.execute(f"""
        create or replace temp table ca_items as
        select row_number() over (order by invoice_id)::bigint as iid, invoice_id, customer_id,
               upper(trim(currency)) as currency,
               cast(trim(open_amount) as decimal(19,4)) as open_amount,
               cast(trim(issue_date) as date) as issue_date,
               cast(trim(due_date) as date) as due_date,
               false as is_disputed, null::varchar as entity_id,
               nullif(trim({po_number}), '') as po_number
        from _oi""")
    con.execute(f"""
        create or replace temp table ca_customers as
        select customer_id, min(customer_name) as name, min(customer_name) as legal_name,
               customer_id as group_id,
               string_agg(distinct {account}, ';') as payer_accounts
        from _oi group by customer_id""")
    con.execute(EMPTY_ALIASES)
    con.execute(EMPTY_FX)


# column -> SQL that is null where the text cannot be read, and what the column should hold
OPEN_ITEM_CHECKS = {
    "customer_id": ("nullif(trim(customer_id), '')", "the customer's id"),
    "invoice_id": ("nullif(trim(invoice_id), '')", "the invoice number"),
    "currency": ("case when regexp_full_match(upper(trim(currency)), '[A-Z]{3}') then 1 end",
                 "an ISO 4217 code like EUR"),
    "open_amount": ("try_cast(trim(open_amount) as decimal(19,4))",
                    "an amount like -1234.50 (point as decimal mark, no thousands separator)"),
    "issue_date": ("try_cast(trim(issue_date) as date)", "a date like 2026-03-01"),
    "due_date": ("try_cast(trim(due_date) as date)", "a date like 2026-03-01"),
}
MAX_PROBLEMS = 20


def _check_open_items(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every row readable, or a ValueError naming each bad row's line, column and text:
    nothing is matched against a list that was half read."""
    checks = " union all ".join(
        f"select row, '{column}' as col, {column} as text from _oi_rows where {sql} is null"
        for column, (sql, _) in OPEN_ITEM_CHECKS.items())
    con.execute("create or replace temp table _oi_rows as "
                "select row_number() over () as row, * from _oi")
    bad = con.execute(f"select * from ({checks}) order by row, col limit {MAX_PROBLEMS + 1}"
                      ).fetchall()
    con.execute("drop table _oi_rows")
    if bad:
        lines = [f"  line {row + 1}, {col}: {'empty' if text is None else repr(text)} is not "
                 f"{OPEN_ITEM_CHECKS[col][1]}"
                 for row, col, text in bad[:MAX_PROBLEMS]]
        more = "\n  ... and more" if len(bad) > MAX_PROBLEMS else ""
        raise ValueError(f"{path}: rejected, nothing matched; fix these rows and run again:\n"
                         + "\n".join(lines) + more)


def read_statements(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """ca_receipts from every bank file under `folder`: one row per payment (its best
    observation), whatever the format; the bank's own credits (interest) apart, in
    ca_bank_own. Returns the problems of files that could not be read."""
    best: dict[str, tuple[int, dict]] = {}
    problems: list[str] = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        data = path.read_bytes()
        try:
            fmt = sniff_format(data)
            for stmt in parse(data):
                rank = OBSERVATION_RANK[observation_kind(fmt, stmt.summary.closing is not None)]
                ids = bank_txn_ids(stmt.transactions)
                for txn, (txn_id, _) in zip(stmt.transactions, ids, strict=True):
                    if txn_id in best and best[txn_id][0] >= rank:
                        continue
                    best[txn_id] = (rank, {
                        "bank_txn_id": txn_id, "bank_ref": txn.bank_ref, "account": txn.account,
                        "currency": txn.currency, "amount": str(txn.amount),
                        "value_date": txn.value_date or txn.booking_date,
                        "direction": txn.direction, "is_return": bool(txn.reversal),
                        "reverses_bank_txn_id": None,
                        "counterparty_name": txn.counterparty_name,
                        "counterparty_account": txn.counterparty_account,
                        "remittance": txn.remittance, "structured_ref": txn.structured_ref,
                        "bank_own": txn.direction == "credit"
                        and is_bank_own_operation(fmt, txn.bank_code)})
        except (BankFileError, ValueError) as exc:
            problems.append(f"{path}: {exc}")
    frame = pd.DataFrame([row for _, row in best.values()], columns=[*RECEIPT_COLUMNS,
                                                                      "bank_own"])
    con.register("_statements", frame)
    con.execute("""
        create or replace temp table _read as
        select row_number() over (order by bank_txn_id)::bigint as rid, bank_txn_id, bank_ref,
               account, null::varchar as entity_id, currency,
               cast(amount as decimal(19,4)) as amount, cast(value_date as date) as value_date,
               direction, is_return, reverses_bank_txn_id::varchar as reverses_bank_txn_id,
               counterparty_name::varchar as counterparty_name,
               counterparty_account::varchar as counterparty_account,
               remittance::varchar as remittance, structured_ref::varchar as structured_ref,
               coalesce(bank_own, false) as bank_own
        from _statements""")
    con.unregister("_statements")
    con.execute("create or replace temp table ca_receipts as "
                "select * exclude (bank_own) from _read where not bank_own")
    con.execute("create or replace temp table ca_bank_own as "
                "select * exclude (bank_own) from _read where bank_own")
    con.execute("drop table _read")
    return problems
