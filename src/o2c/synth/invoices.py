"""Invoices issued over the window: when, to whom, for how much, numbered per entity and year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.synth.customers import Customers
from o2c.synth.reference import BEHAVIOURS, ENTITIES
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import (
    Calendars,
    days,
    money_strings,
    numbered,
    pick,
    rank_in_group,
    rng_for,
    with_nulls,
)


@dataclass
class Invoices:
    """Invoice arrays in extract order (by issue date, entity, number)."""

    ids: pa.Array
    customer: np.ndarray
    entity: np.ndarray
    issue: np.ndarray  # datetime64[D]
    due: np.ndarray
    amount: np.ndarray  # int64 minor units
    void: np.ndarray
    po_number: pa.Array
    paperless: np.ndarray

    def __len__(self) -> int:
        return len(self.customer)

    def table(self, customers: Customers, status: np.ndarray, disputed: np.ndarray) -> pa.Table:
        return dataset_table("invoices", {
            "invoice_id": self.ids,
            "entity_id": pick([e.entity_id for e in ENTITIES], self.entity),
            "customer_id": customers.ids.take(pa.array(self.customer)),
            "issue_date": self.issue,
            "due_date": self.due,
            "currency": pa.array(customers.currency[self.customer].tolist()),
            "amount": money_strings(self.amount, customers.decimals[self.customer]),
            "status": status.tolist(),
            "po_number": self.po_number,
            "is_disputed": disputed,
            "is_paperless": self.paperless,
        })


def invoice_counts(customers: Customers, mean: float, start: date, as_of: date,
                   rng: np.random.Generator) -> np.ndarray:
    """Invoices per customer: `mean` on average, more for big and long-standing customers."""
    n = len(customers.entity)
    first = np.maximum(customers.created, days(start))
    active = (days(as_of) - first).astype(np.int64) + 1
    # Batch payers are the big accounts: many invoices, settled a run at a time.
    big = customers.behaviour == BEHAVIOURS.index("batch")
    weight = rng.lognormal(0, 0.5, n) * active * np.where(big, 3.0, 1.0)
    lam = mean * n * weight / weight.sum()
    return np.maximum(rng.poisson(lam), 1)


def make_invoices(customers: Customers, mean: float, seed: int, start: date, as_of: date,
                  calendars: Calendars) -> Invoices:
    rng = rng_for(seed, "invoices")
    counts = invoice_counts(customers, mean, start, as_of, rng)
    cust = np.repeat(np.arange(len(counts)), counts)
    n = len(cust)
    entity = customers.entity[cust]

    first = np.maximum(customers.created, days(start))[cust]
    span = (days(as_of) - first).astype(np.int64) + 1
    issue = first + np.floor(rng.random(n) * span).astype(np.int64)
    issue = calendars.roll(issue, entity, forward=False)
    early = issue < first
    issue[early] = calendars.roll(first[early], entity[early])
    issue = np.minimum(issue, days(as_of))

    size = customers.invoice_size[cust]
    major = np.where(customers.fixed_price[cust], size, size * rng.lognormal(0, 0.45, n))
    major = np.where(rng.random(n) < 0.25, np.round(major, -1), major)
    amount = np.maximum(np.round(major * 10.0 ** customers.decimals[cust]), 100).astype(np.int64)

    # Number per entity and calendar year in issue order, then sort the extract by date.
    year = issue.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((rng.random(n), cust, issue, year, entity))
    group = (entity * 10_000 + year)[order]
    seq = np.empty(n, np.int64)
    seq[order] = rank_in_group(group) + 1
    final = np.lexsort((seq, entity, issue))
    cust, entity, issue, year, seq, amount = (
        a[final] for a in (cust, entity, issue, year, seq, amount)
    )
    prefix = pick([e.invoice_prefix for e in ENTITIES], entity)
    ids = pc.binary_join_element_wise(
        prefix, pc.cast(pa.array(year), pa.string()), numbered("", seq, 6), "-"
    )

    wants_po = rng.random(len(counts)) < 0.4
    sap_style = rng.random(len(counts)) < 0.5
    po = pc.if_else(
        pa.array(sap_style[cust]),
        numbered("45", rng.integers(0, 10**8, n), 8),
        numbered("PO-", rng.integers(0, 10**5, n), 5),
    )
    po = with_nulls(po, ~(wants_po[cust] & (rng.random(n) < 0.9)))
    paperless = (rng.random(len(counts)) < 0.7)[cust]
    return Invoices(
        ids=ids, customer=cust, entity=entity, issue=issue,
        due=issue + customers.terms[cust].astype("timedelta64[D]"),
        amount=amount, void=rng.random(n) < 0.02, po_number=po, paperless=paperless,
    )
