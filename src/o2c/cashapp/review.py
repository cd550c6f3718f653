"""The analyst's review of proposals: what is pending, a decision journaled, review pages.

Shared by `o2c cashapp proposals|confirm|reject` and the `review-cash` flow (a suspended run
in the Prefect UI). Each decision is a new journal row naming its proposal; a confirmation
teaches the alias table the payer's account and name.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # heavy imports load when a decision is made, not on `o2c --help`
    import duckdb
    import pandas as pd

    from o2c.approval import ReviewItem

DECISIONS = ("confirm", "reject", "hold")

PENDING = """
with decided as (
    select json_extract_string(evidence, '$.decides') as decided_id, bank_txn_id
    from app.cash_applications where status in ('confirmed', 'rejected')
)
select application_id, bank_txn_id, receipt_ref, invoice_id, customer_id, currency,
       cash_applied, confidence, rule, evidence
from app.cash_applications p
where status = 'proposed'
  and application_id not in (select decided_id from decided where decided_id is not null)
  and bank_txn_id not in (select d.bank_txn_id from decided d
                          join app.cash_applications c on c.application_id = d.decided_id
                          where c.status = 'confirmed')
order by confidence desc, bank_txn_id, application_id
"""


def pending(con: duckdb.DuckDBPyConnection):
    return con.execute(PENDING).df()


def decide(con: duckdb.DuckDBPyConnection, application_ids: list[str], decision: str,
           approver: str, comment: str | None = None, at: datetime | None = None) -> int:
    """Confirm or reject proposals; each decision is a new journal row naming its proposal.
    A confirmation teaches the alias table the payer's account and name."""
    from o2c.adapters import journal
    from o2c.cashapp import store

    at = (at or datetime.now(UTC)).replace(tzinfo=None)
    open_ids = set(pending(con)["application_id"])
    unknown = [a for a in application_ids if a not in open_ids]
    if unknown:
        raise ValueError(f"not a pending proposal: {', '.join(unknown)} "
                         "(see `o2c cashapp proposals`)")
    status = {"confirm": "confirmed", "reject": "rejected"}[decision]
    rows = con.execute(f"""
        select {store.sql_stable_id('app', 'application_id', '?')} as application_id,
               bank_txn_id, receipt_ref, invoice_id, customer_id, currency, cash_applied,
               write_off, write_off_reason, discount, discount_reason, confidence, rule,
               json_merge_patch(evidence, json_object('decides', application_id,
                                                      'comment', ?)) as evidence,
               ? as status,
               case when ? = 'rejected' then application_id end as reverses_application_id,
               ? as decided_by, ?::timestamp as decided_at, ? as run_id
        from app.cash_applications
        where status = 'proposed' and application_id in (select unnest(?::varchar[]))
    """, [status, comment, status, status, approver, at, f"review-{approver}",
          application_ids]).df()
    added = journal.append(con, "cash_applications", rows, at)
    if status == "confirmed" and con.execute(
            "select count(*) from information_schema.tables "
            "where table_name = 'fct_bank_transactions'").fetchone()[0]:
        store.learn_aliases(con, f"review-{approver}", at, by=approver)
    return added




def review_items(frame: pd.DataFrame) -> list[ReviewItem]:
    """One item per receipt and alternative: the invoices it would pay, decided together."""
    from o2c.approval import ReviewItem

    groups: dict[tuple[str, int], list] = defaultdict(list)
    for row in frame.itertuples():
        why = json.loads(row.evidence)
        groups[(row.bank_txn_id, int(why.get("alternative") or 1))].append((row, why))
    items = []
    for (_, alternative), rows in groups.items():
        first, why = rows[0]
        lines = [f"| {r.invoice_id or 'on account'} | {r.cash_applied:,.2f} {r.currency} |"
                 for r, _ in rows]
        doubts = ", ".join(why.get("doubts") or []) or "none"
        description = "\n".join([
            f"Receipt **{first.receipt_ref}**: {why.get('receipt_amount')} "
            f"{why.get('receipt_currency')}, customer {first.customer_id or 'unknown'} "
            f"(identified by {why.get('payer_via') or 'reference'}).",
            f"Rule `{first.rule}`, confidence {first.confidence:.2f}; doubts: {doubts}; "
            f"references read: {why.get('references') or 'none'}.",
            "", "| invoice | applied |", "|---|---:|", *lines])
        ids = ";".join(r.application_id for r, _ in rows)
        items.append(ReviewItem(
            id=ids, title=f"{first.receipt_ref} · alternative {alternative} · "
                          f"{len(rows)} line(s)",
            description=description, decisions=DECISIONS, default="hold"))
    return items


def record_page(con: duckdb.DuckDBPyConnection, decisions: list) -> dict[str, int]:
    """Journal one answered page: confirmations and rejections; held items stay pending."""
    counts = {"confirm": 0, "reject": 0}
    for d in decisions:
        if d.decision not in counts:
            continue
        still = set(pending(con)["application_id"])
        ids = [a for a in d.item_id.split(";") if a in still]  # a re-shown page adds nothing
        if ids:
            counts[d.decision] += decide(con, ids, d.decision, d.approver, d.comment,
                                         d.decided_at)
    return counts
