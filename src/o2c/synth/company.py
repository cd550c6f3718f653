"""A whole synthetic company: ERP extracts shaped by the contracts, plus the ground truth."""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

import numpy as np
import pyarrow as pa

from o2c.contracts.datasets import DATASETS
from o2c.synth import followups, truth
from o2c.synth.bank import bank_lines, plan_files
from o2c.synth.customers import make_customers
from o2c.synth.entities import entities_table, house_accounts
from o2c.synth.erp import post_to_erp
from o2c.synth.fx import fx_rates
from o2c.synth.invoices import make_invoices
from o2c.synth.payments import make_payments
from o2c.synth.reference import ENTITIES
from o2c.synth.remittance import bank_view
from o2c.synth.schedule import NEVER, make_schedule
from o2c.synth.vectors import Calendars

TRUTH_TABLES = ("payments", "payment_invoices", "receipt_invoices", "customer_behaviour",
                "bank_lines")
T = TypeVar("T")


@dataclass
class Company:
    """One table per ERP dataset (named as in DATASETS) and per ground-truth table."""

    seed: int
    as_of: date
    start: date
    erp: dict[str, pa.Table]
    truth: dict[str, pa.Table]
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def __getattr__(self, name: str) -> pa.Table:
        for tables in (self.__dict__.get("erp", {}), self.__dict__.get("truth", {})):
            if name in tables:
                return tables[name]
        raise AttributeError(name)

    def row_counts(self) -> dict[str, int]:
        """Rows per dataset and truth table, and transactions per bank file (by its key)."""
        counts = {name: t.num_rows for name, t in {**self.erp, **self.truth}.items()}
        if "bank_lines" in self.truth:
            counts |= {f.key: len(f.rows) for f in plan_files(self)}
        return counts


def window_start(as_of: date, months: int) -> date:
    """The first day of the window: `months` calendar months before `as_of`, plus one day."""
    month = as_of.month - months
    year = as_of.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(as_of.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=1)


def generate_company(customers: int, seed: int, as_of: date, months: int = 18,
                     invoices_per_customer: float | None = None) -> Company:
    """Generate a company with `customers` customers over `months` months ending at `as_of`.

    The same arguments always give the same tables. `invoices_per_customer` is the average
    number of invoices per customer over the window (default: 1.5 a month).
    """
    if customers < 1 or months < 1:
        raise ValueError("customers and months must be at least 1")
    timings: dict[str, float] = {}

    def timed(phase: str, fn: Callable[[], T]) -> T:
        t0 = time.perf_counter()
        out = fn()
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - t0
        return out

    start = window_start(as_of, months)
    mean = invoices_per_customer if invoices_per_customer is not None else 1.5 * months
    calendars = Calendars([e.holiday_calendar for e in ENTITIES], start, as_of)
    house = timed("entities", lambda: house_accounts(seed))
    cust = timed("customers", lambda: make_customers(customers, seed, start, as_of, house))
    inv = timed("invoices", lambda: make_invoices(cust, mean, seed, start, as_of, calendars))
    plan = timed("schedule", lambda: make_schedule(inv, cust, seed, as_of, calendars))
    pay = timed("payments", lambda: make_payments(inv, cust, plan, seed, calendars))
    bank = timed("remittance", lambda: bank_view(pay, inv.ids, inv.po_number, cust, seed))
    ledger = timed("erp", lambda: post_to_erp(inv, cust, plan, pay, bank, seed, as_of))

    def erp_tables() -> dict[str, pa.Table]:
        open_dispute = plan.disputed & (plan.dispute_resolved == NEVER)
        return {
            "entities": entities_table(),
            "house_bank_accounts": house.table,
            "customers": cust.table,
            "contacts": cust.contacts,
            "invoices": inv.table(cust, ledger.status, open_dispute),
            "credit_memos": followups.credit_memos(inv, cust, plan, ledger, seed, start, as_of),
            "receipts": ledger.receipts,
            "receipt_applications": ledger.applications,
            "fx_rates": fx_rates(start - timedelta(days=7), as_of, seed),
            "disputes": followups.disputes(inv, cust, plan),
            "promises": followups.promises(inv, cust, plan, seed, as_of, calendars),
        }

    def truth_tables() -> dict[str, pa.Table]:
        ids = truth.payment_ids(pay)
        every = np.arange(len(pay.invoice))
        posted = np.flatnonzero(ledger.posted[pay.share_payment])
        return {
            "payments": truth.payments_truth(pay, inv, cust, house, bank, ledger),
            "payment_invoices": truth.payment_invoices_truth(pay, inv, cust, ids, every,
                                                             "payment_id"),
            "receipt_invoices": truth.payment_invoices_truth(pay, inv, cust, ledger.receipt_id,
                                                             posted, "receipt_id"),
            "customer_behaviour": truth.behaviour_truth(cust),
        }

    erp = timed("erp_tables", erp_tables)
    assert list(erp) == list(DATASETS)
    truth_out = timed("truth_tables", truth_tables)
    truth_out["bank_lines"] = timed("bank", lambda: bank_lines(
        pay, cust, house, bank, truth.payment_ids(pay), calendars, seed, start,
        start - timedelta(days=7), as_of))
    return Company(seed=seed, as_of=as_of, start=start, erp=erp, truth=truth_out,
                   timings=timings)
