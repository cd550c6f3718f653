"""Bank payments: shares grouped the way each customer pays, bank charges, ERP posting date.

A payment's amount is the sum of its shares' cash; a correspondent bank's charge (`fee`) is
taken from the payment's last share, so cash = share - fee there. The ERP posts a payment 1-4
business days after its value date; payments posted after `as_of` are not in the ERP yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from o2c.synth.customers import Customers
from o2c.synth.invoices import Invoices
from o2c.synth.reference import FEES
from o2c.synth.schedule import Schedule
from o2c.synth.vectors import Calendars, days, rng_for


@dataclass
class Payments:
    # per payment, in value-date order
    customer: np.ndarray
    entity: np.ndarray
    value_date: np.ndarray
    posting_date: np.ndarray
    amount: np.ndarray  # int64 minor units, what arrives
    fee: np.ndarray  # int64 minor units, charged on the way
    starts: np.ndarray  # first share of each payment
    # per share, grouped by payment
    invoice: np.ndarray
    gross: np.ndarray  # the part of the owed amount this share settles
    cash: np.ndarray  # what of the payment is applied to the invoice

    def __len__(self) -> int:
        return len(self.customer)

    @property
    def share_payment(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), self.share_counts)

    @property
    def share_counts(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.invoice)))

    def posted(self, as_of: date) -> np.ndarray:
        return self.posting_date <= days(as_of)


def make_payments(inv: Invoices, customers: Customers, plan: Schedule, seed: int,
                  calendars: Calendars) -> Payments:
    rng = rng_for(seed, "payments")
    s = len(plan.share_invoice)
    cust = inv.customer[plan.share_invoice]
    # Items held for a payment run go out together; the rest one payment each.
    bundle = np.where(plan.share_bundled, 0, np.arange(1, s + 1))
    entity = inv.entity[plan.share_invoice]
    order = np.lexsort((plan.share_invoice, bundle, cust, entity, plan.share_date))
    cust, bundle, entity = cust[order], bundle[order], entity[order]
    value = plan.share_date[order]
    invoice, gross = plan.share_invoice[order], plan.share_amount[order]

    key_change = np.ones(s, bool)
    if s:
        key_change[1:] = (
            (value[1:] != value[:-1]) | (cust[1:] != cust[:-1]) | (bundle[1:] != bundle[:-1])
        )
    starts = np.flatnonzero(key_change)
    pay_cust, pay_entity, pay_value = cust[starts], entity[starts], value[starts]
    p = len(starts)

    fee = np.zeros(p, np.int64)
    last = np.append(starts[1:], s) - 1
    currency = customers.currency[pay_cust]
    charged = customers.cross_border[pay_cust] & (rng.random(p) < 0.4)
    for cur, options in FEES.items():
        rows = charged & (currency == cur)
        fee[rows] = np.array(options)[rng.integers(0, len(options), rows.sum())]
    fee = np.where(gross[last] >= 5 * fee, fee, 0)
    cash = gross.copy()
    cash[last] -= fee

    posting = calendars.offset(pay_value, rng.integers(1, 5, p), pay_entity)
    return Payments(
        customer=pay_cust, entity=pay_entity, value_date=pay_value, posting_date=posting,
        amount=np.add.reduceat(cash, starts) if p else np.zeros(0, np.int64), fee=fee,
        starts=starts, invoice=invoice, gross=gross, cash=cash,
    )

