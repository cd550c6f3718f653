"""Reading and writing the delivery journal `app.notifications` and the events it delivers."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from o2c.adapters import journal
from o2c.domain.notify import Event, Owners, check, notification_event_id

Key = tuple[str, str, str]  # (event_id, channel, recipient)


def events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    if not _exists(con, "main", "fct_ar_events"):
        return []
    rows = con.execute(
        "select event_id, event_type, severity, customer_id, customer_name, invoice_id, "
        "occurred_on, summary, action from main.fct_ar_events order by occurred_on, event_id"
    ).fetchall()
    return [Event(*r) for r in rows]


def owners(con: duckdb.DuckDBPyConnection) -> dict[str, Owners]:
    if not _exists(con, "main", "dim_customers"):
        return {}
    rows = con.execute("select customer_id, account_owner_email, csm_email, collector_email "
                       "from main.dim_customers").fetchall()
    return {c: Owners(a, s, k) for c, a, s, k in rows}


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? "
                       "and table_name = ?", [schema, table]).fetchone()[0] > 0


def current(con: duckdb.DuckDBPyConnection) -> dict[Key, tuple[str, datetime, str | None]]:
    """Each delivery's state, when it entered it, and the row's detail."""
    rows = con.execute(  # the newest row whole (arg_max would skip a NULL detail)
        "select event_id, channel, recipient, state, recorded_at, detail "
        "from app.notifications qualify row_number() over "
        "(partition by event_id, channel, recipient order by seq desc) = 1").fetchall()
    return {(e, c, r): (s, t, d) for e, c, r, s, t, d in rows}


def transition(con: duckdb.DuckDBPyConnection, keys: list[Key], target: str, *,
               run_id: str | None, detail: str | None = None) -> list[Key]:
    """Move each delivery to `target` where the machine allows; return those this call moved
    (a delivery already there was moved by another run and is left alone)."""
    now = current(con)
    rows = []
    for key in keys:
        state = now.get(key, (None,))[0]
        if state == target:
            continue
        check(key, state, target)
        event_id, channel, recipient = key
        rows.append({"notification_event_id": notification_event_id(*key, target),
                     "event_id": event_id, "channel": channel, "recipient": recipient,
                     "state": target, "detail": detail, "run_id": run_id})
    if not rows:
        return []
    journal.append(con, "notifications", pd.DataFrame(rows))
    return [(r["event_id"], r["channel"], r["recipient"]) for r in rows]
