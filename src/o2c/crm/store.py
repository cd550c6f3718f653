"""Reading what to push (fct_customer_ar_status, dim_customers) and what the CRM acknowledged,
writing the sync journal `app.crm_sync`."""

from __future__ import annotations

import duckdb
import pandas as pd

from o2c.adapters import journal
from o2c.domain.crm import Acknowledged, CustomerStatus


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'main' and table_name = ?", [table]).fetchone()[0] > 0


def statuses(con: duckdb.DuckDBPyConnection, crm_system: str) -> list[CustomerStatus]:
    """Customers with an account in this CRM (crm_system empty: the configured CRM)."""
    if not (_exists(con, "fct_customer_ar_status") and _exists(con, "dim_customers")):
        return []
    rows = con.execute(
        "select s.customer_id, trim(c.crm_id), s.balance_currency, s.open_balance, "
        "s.overdue_balance, s.oldest_overdue_days, s.risk_tier, s.last_payment_date, "
        "s.last_payment_amount, s.last_payment_currency "
        "from main.fct_customer_ar_status s join main.dim_customers c using (customer_id) "
        "where coalesce(trim(c.crm_id), '') <> '' "
        "and coalesce(lower(nullif(trim(c.crm_system), '')), ?) = ? "
        "order by s.customer_id", [crm_system, crm_system]).fetchall()
    return [CustomerStatus(*r) for r in rows]


def acknowledged(con: duckdb.DuckDBPyConnection, crm_system: str,
                 ) -> dict[tuple[str, str], Acknowledged]:
    """The latest acknowledged value per (CRM account, CRM field)."""
    rows = con.execute(
        "select crm_account_id, crm_field, value, crm_sync_event_id from app.crm_sync "
        "where crm_system = ? and state = 'acknowledged' "
        "qualify row_number() over (partition by crm_account_id, crm_field order by seq desc) = 1",
        [crm_system]).fetchall()
    return {(a, f): Acknowledged(v, e) for a, f, v, e in rows}


def record(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    return journal.append(con, "crm_sync", pd.DataFrame(rows)) if rows else 0
