"""A collector's records (promises-to-pay, disputes) entered from the CLI.

They land as one-row ERP files (`erp/promises/…`, `erp/disputes/…`) and load through the same
contract and ledger as any extract, so they have the same lineage and the same checks.
"""

from __future__ import annotations

import json
from datetime import date

from o2c.adapters import warehouse
from o2c.adapters.landing import open_landing
from o2c.domain.ids import stable_id
from o2c.ingest.erp import load_file
from o2c.settings import Settings


def _invoice(con, invoice_id: str) -> tuple[str, str, str]:
    row = con.execute(
        "select i.customer_id, i.currency, cast(i.amount as varchar) from raw.invoices i "
        "join raw.file_ledger f using (source_file_id) where i.invoice_id = ? "
        "order by f.load_seq desc limit 1", [invoice_id]).fetchone()
    if row is None:
        raise ValueError(f"invoice {invoice_id} is not in the warehouse; load it first")
    return row


def _land(settings: Settings, dataset: str, record_id: str, record: dict) -> str:
    landing = open_landing(settings)
    key = f"erp/{dataset}/collector_{record_id}.jsonl"
    data = (json.dumps(record) + "\n").encode()
    landing.write(key, data)
    landed = next(f for f in landing.list(f"erp/{dataset}/") if f.key == key)
    with warehouse.writer(settings) as con:
        outcome = load_file(con, landed, data)
    if outcome.status == "already_loaded":
        return f"{dataset[:-1]} {record_id} was already recorded ({key})"
    if outcome.rows_loaded != 1:
        raise ValueError(outcome.error or f"not recorded: {dict(outcome.top_reasons)}")
    return f"{dataset[:-1]} {record_id} recorded ({key})"


def record_promise(settings: Settings, invoice_id: str, promised_date: date, amount: str,
                   by: str, as_of: date | None = None) -> str:
    recorded = as_of or settings.today()
    with warehouse.writer(settings) as con:
        customer_id, currency, _ = _invoice(con, invoice_id)
    promise_id = stable_id("PTP", invoice_id, promised_date, amount, recorded, length=12)
    return _land(settings, "promises", promise_id, {
        "promise_id": promise_id, "invoice_id": invoice_id, "customer_id": customer_id,
        "recorded_date": recorded.isoformat(), "promised_date": promised_date.isoformat(),
        "currency": currency, "amount": amount, "status": "open", "recorded_by": by})


def record_dispute(settings: Settings, invoice_id: str, reason: str, amount: str | None,
                   by: str, as_of: date | None = None) -> str:
    opened = as_of or settings.today()
    with warehouse.writer(settings) as con:
        customer_id, currency, invoice_amount = _invoice(con, invoice_id)
    dispute_id = stable_id("DSP", invoice_id, reason, opened, length=12)
    return _land(settings, "disputes", dispute_id, {
        "dispute_id": dispute_id, "invoice_id": invoice_id, "customer_id": customer_id,
        "opened_date": opened.isoformat(), "currency": currency,
        "amount": amount or invoice_amount, "reason": reason, "status": "open",
        "resolved_date": "", "recorded_by": by})
