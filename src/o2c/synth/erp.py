"""What the ERP knows at `as_of`: posted receipts, their applications, and invoice statuses.

An invoice is *settled* by its receipt applications plus the credit memos linked to it
(dispute settlements, price adjustments, bank charges written off when a receipt is applied);
its status is `paid` exactly when that reaches its amount. A few posted receipts stay
unapplied (on account) because the clerk could not tell which invoices they pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from o2c.synth.customers import Customers
from o2c.synth.invoices import Invoices
from o2c.synth.payments import Payments
from o2c.synth.reference import ENTITIES
from o2c.synth.remittance import BankView
from o2c.synth.schedule import Schedule
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import money_strings, numbered, pick, rng_for, with_nulls


@dataclass
class Ledger:
    receipts: pa.Table
    applications: pa.Table
    receipt_id: pa.Array  # per payment, null while not posted
    posted: np.ndarray  # per payment
    applied: np.ndarray  # per payment: posted and applied to invoices
    fee_invoice: np.ndarray  # bank charges written off: invoice index, amount, date
    fee_amount: np.ndarray
    fee_date: np.ndarray
    settled: np.ndarray  # per invoice, minor units
    status: np.ndarray  # per invoice


def post_to_erp(inv: Invoices, customers: Customers, plan: Schedule, payments: Payments,
                bank: BankView, seed: int, as_of: date) -> Ledger:
    rng = rng_for(seed, "erp")
    p = len(payments)
    posted = payments.posted(as_of)
    order = np.flatnonzero(posted)
    order = order[np.argsort(payments.posting_date[order], kind="stable")]
    number = np.zeros(p, np.int64)
    number[order] = np.arange(1, len(order) + 1)
    receipt_id = with_nulls(numbered("RCT-", number, 8), ~posted)

    messy = bank.unknown_account | np.asarray(bank.remittance.is_null())
    applied = posted & (rng.random(p) >= np.where(messy, 0.15, 0.01))
    echoed = applied & (rng.random(p) < 0.75)
    cust, dec = payments.customer[order], customers.decimals[payments.customer[order]]
    receipts = dataset_table("receipts", {
        "receipt_id": receipt_id.take(pa.array(order)),
        "entity_id": pick([e.entity_id for e in ENTITIES], payments.entity[order]),
        "customer_id": customers.ids.take(pa.array(cust)),
        "received_date": payments.value_date[order],
        "currency": customers.currency[cust].tolist(),
        "amount": money_strings(payments.amount[order], dec),
        "bank_ref": with_nulls(bank.bank_ref, rng.random(p) < 0.1).take(pa.array(order)),
        "application_id": with_nulls(numbered("APP-", number, 10), ~echoed).take(
            pa.array(order)),
    })

    share_pay = payments.share_payment
    rows = np.flatnonzero(applied[share_pay])
    rows = rows[np.lexsort((rows, number[share_pay[rows]]))]
    applications = dataset_table("receipt_applications", {
        "receipt_id": receipt_id.take(pa.array(share_pay[rows])),
        "invoice_id": inv.ids.take(pa.array(payments.invoice[rows])),
        "applied_date": payments.posting_date[share_pay[rows]],
        "currency": customers.currency[inv.customer[payments.invoice[rows]]].tolist(),
        "applied_amount": money_strings(payments.cash[rows],
                                        customers.decimals[inv.customer[payments.invoice[rows]]]),
    })

    last = np.append(payments.starts[1:], len(payments.invoice)) - 1
    charged = applied & (payments.fee > 0)
    fee_invoice = payments.invoice[last[charged]]
    settled = plan.credit.copy()
    np.add.at(settled, payments.invoice[rows], payments.cash[rows])
    np.add.at(settled, fee_invoice, payments.fee[charged])
    status = np.where(inv.void, "void", np.where(settled == inv.amount, "paid", "open"))
    return Ledger(
        receipts=receipts, applications=applications, receipt_id=receipt_id, posted=posted,
        applied=applied, fee_invoice=fee_invoice, fee_amount=payments.fee[charged],
        fee_date=payments.posting_date[charged], settled=settled, status=status,
    )
