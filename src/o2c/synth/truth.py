"""Ground truth: what every bank payment really paid, and how each customer behaves.

`payments`: every customer payment as the bank sees it, posted to the ERP or not yet.
`payment_invoices`: the cash of each payment applied to each invoice (sums to the payment).
`receipt_invoices`: the same for payments the ERP has posted, keyed by its receipt id.
`customer_behaviour`: the payment behaviour each customer was generated with.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.synth.customers import Customers
from o2c.synth.entities import HouseAccounts
from o2c.synth.erp import Ledger
from o2c.synth.invoices import Invoices
from o2c.synth.payments import Payments
from o2c.synth.reference import BEHAVIOURS, ENTITIES
from o2c.synth.remittance import BankView
from o2c.synth.tables import plain_table
from o2c.synth.vectors import money_strings, numbered, pick

DATE = pa.date32()


def payment_ids(payments: Payments) -> pa.Array:
    return numbered("PMT-", np.arange(1, len(payments) + 1), 8)


def payments_truth(payments: Payments, inv: Invoices, customers: Customers,
                   house: HouseAccounts, bank: BankView, ledger: Ledger) -> pa.Table:
    cust = payments.customer
    dec = customers.decimals[cust]
    offsets = pa.array(np.append(payments.starts, len(payments.invoice)), pa.int32())
    invoice_ids = pc.binary_join(
        pa.ListArray.from_arrays(offsets, inv.ids.take(pa.array(payments.invoice))), ";")
    return plain_table({
        "payment_id": payment_ids(payments),
        "receipt_id": ledger.receipt_id,
        "customer_id": customers.ids.take(pa.array(cust)),
        "entity_id": pick([e.entity_id for e in ENTITIES], payments.entity),
        "account_number": pick(house.numbers, customers.house_account[cust]),
        "value_date": payments.value_date,
        "erp_posting_date": payments.posting_date,
        "currency": customers.currency[cust].tolist(),
        "amount": money_strings(payments.amount, dec),
        "fee_deducted": money_strings(payments.fee, dec),
        "payer_name": bank.payer_name,
        "payer_account": bank.payer_account,
        "remittance": bank.remittance,
        "bank_ref": bank.bank_ref,
        "end_to_end_id": bank.end_to_end_id,
        "paid_by_parent": bank.parent_paid,
        "invoice_ids": invoice_ids,
    }, {"value_date": DATE, "erp_posting_date": DATE, "paid_by_parent": pa.bool_()})


def payment_invoices_truth(payments: Payments, inv: Invoices, customers: Customers,
                           key: pa.Array, rows: np.ndarray, key_name: str) -> pa.Table:
    """Cash per (payment or receipt, invoice) for the shares in `rows`."""
    share_pay = payments.share_payment[rows]
    invoice = payments.invoice[rows]
    return plain_table({
        key_name: key.take(pa.array(share_pay)),
        "invoice_id": inv.ids.take(pa.array(invoice)),
        "amount": money_strings(payments.cash[rows], customers.decimals[inv.customer[invoice]]),
    }, {})


def behaviour_truth(customers: Customers) -> pa.Table:
    return plain_table({
        "customer_id": customers.ids,
        "behaviour": pick(BEHAVIOURS, customers.behaviour),
    }, {})
