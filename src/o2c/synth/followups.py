"""Credit memos, disputes and promises-to-pay recorded in the ERP by `as_of`."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from o2c.synth.customers import Customers
from o2c.synth.erp import Ledger
from o2c.synth.invoices import Invoices
from o2c.synth.reference import ENTITIES
from o2c.synth.schedule import NEVER, B, Schedule
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import Calendars, days, money_strings, numbered, pick, rng_for

UNLINKED_REASONS = ("volume_rebate", "goodwill", "billing_error")


def credit_memos(inv: Invoices, customers: Customers, plan: Schedule, ledger: Ledger,
                 seed: int, start: date, as_of: date) -> pa.Table:
    rng = rng_for(seed, "credit_memos")
    linked = np.flatnonzero(plan.credit > 0)
    # Credits not tied to an invoice: rebates and goodwill, left on the customer's account.
    k = max(len(inv) // 250, 1)
    free_cust = inv.customer[rng.integers(0, len(inv), k)] if len(inv) else np.zeros(0, int)
    free_amount = np.round(customers.invoice_size[free_cust] * rng.uniform(0.05, 0.5, k)
                           * 10.0 ** customers.decimals[free_cust]).astype(np.int64)
    window = (as_of - start).days + 1
    free_date = days(start) + rng.integers(0, window, k)
    invoice = np.concatenate([linked, ledger.fee_invoice, np.full(k, -1)])
    cust = np.concatenate([inv.customer[linked], inv.customer[ledger.fee_invoice], free_cust])
    amount = np.concatenate([plan.credit[linked], ledger.fee_amount, np.maximum(free_amount, 1)])
    issued = np.concatenate([plan.credit_date[linked], ledger.fee_date, free_date])
    reason = np.concatenate([plan.credit_reason[linked],
                             np.full(len(ledger.fee_invoice), "bank_charges"),
                             np.array(UNLINKED_REASONS)[rng.integers(0, 3, k)]])
    order = np.lexsort((invoice, cust, issued))
    invoice, cust, amount, issued, reason = (a[order] for a in (invoice, cust, amount, issued,
                                                                 reason))
    return dataset_table("credit_memos", {
        "credit_memo_id": numbered("CM-", np.arange(1, len(order) + 1), 7),
        "entity_id": pick([e.entity_id for e in ENTITIES], customers.entity[cust]),
        "customer_id": customers.ids.take(pa.array(cust)),
        "invoice_id": inv.ids.take(pa.array(invoice, pa.int64(), mask=invoice < 0)),
        "issue_date": issued,
        "currency": customers.currency[cust].tolist(),
        "amount": money_strings(amount, customers.decimals[cust]),
        "reason": reason.tolist(),
    })



def disputes(inv: Invoices, customers: Customers, plan: Schedule) -> pa.Table:
    rows = np.flatnonzero(plan.disputed)
    rows = rows[np.argsort(plan.dispute_opened[rows], kind="stable")]
    cust = inv.customer[rows]
    resolved = plan.dispute_resolved[rows]
    return dataset_table("disputes", {
        "dispute_id": numbered("DSP-", np.arange(1, len(rows) + 1), 6),
        "invoice_id": inv.ids.take(pa.array(rows)),
        "customer_id": customers.ids.take(pa.array(cust)),
        "opened_date": plan.dispute_opened[rows],
        "currency": customers.currency[cust].tolist(),
        "amount": money_strings(plan.dispute_amount[rows], customers.decimals[cust]),
        "reason": plan.dispute_reason[rows].tolist(),
        "status": np.where(resolved == NEVER, "open", "resolved").tolist(),
        "resolved_date": pa.array(resolved, pa.date32(), mask=resolved == NEVER),
        "recorded_by": [customers.collector[c] for c in cust],
    })


def promises(inv: Invoices, customers: Customers, plan: Schedule, seed: int, as_of: date,
             calendars: Calendars) -> pa.Table:
    """Promises collectors record on overdue invoices: kept, broken, or still open."""
    rng = rng_for(seed, "promises")
    n, end = len(inv), days(as_of)
    beh = customers.behaviour[inv.customer]
    chasing = np.isin(beh, [B["slow"], B["deteriorating"], B["bad_payer"], B["partial"]])
    recorded = calendars.roll(inv.due + rng.integers(7, 21, n), inv.entity)
    paid = plan.first_paid
    candidate = (chasing & ~inv.void & ~(plan.disputed & (plan.dispute_resolved == NEVER))
                 & (recorded <= end) & (recorded + 2 < paid) & (rng.random(n) < 0.35))
    rows = np.flatnonzero(candidate)
    recorded, paid = recorded[rows], paid[rows]
    gap = (np.minimum(paid, end + 30) - recorded).astype(np.int64)
    keep = (paid != NEVER) & (rng.random(len(rows)) < 0.65)
    before_paying = np.floor(rng.random(len(rows)) * (gap - 2)).astype(np.int64)
    promised = np.where(
        keep, paid + rng.integers(0, 4, len(rows)),
        np.where(paid != NEVER, recorded + 1 + before_paying,
                 recorded + rng.integers(3, 15, len(rows))),
    ).astype("datetime64[D]")
    status = np.where(paid <= promised, "kept", np.where(promised < end, "broken", "open"))
    cust = inv.customer[rows]
    order = np.argsort(recorded, kind="stable")
    rows, cust, recorded, promised, status = (a[order] for a in (rows, cust, recorded, promised,
                                                                 status))
    return dataset_table("promises", {
        "promise_id": numbered("PTP-", np.arange(1, len(rows) + 1), 6),
        "invoice_id": inv.ids.take(pa.array(rows)),
        "customer_id": customers.ids.take(pa.array(cust)),
        "recorded_date": recorded,
        "promised_date": promised,
        "currency": customers.currency[cust].tolist(),
        "amount": money_strings(inv.amount[rows] - plan.credit[rows], customers.decimals[cust]),
        "status": status.tolist(),
        "recorded_by": [customers.collector[c] for c in cust],
    })
