"""When and how each invoice gets paid, by the customer's behaviour; disputes and credits first.

Amounts are integer minor units. An invoice's *owed* amount is its amount minus the credit memo
linked to it (a dispute settlement or a price adjustment); the customer pays the owed amount
in one or more *shares*, each of which lands in one bank payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from o2c.synth.customers import Customers
from o2c.synth.invoices import Invoices
from o2c.synth.reference import BEHAVIOURS, CREDIT_REASONS, DISPUTE_REASONS
from o2c.synth.vectors import Calendars, days, rank_in_group, rng_for, split_minor

NEVER = np.datetime64("2999-12-31", "D")
B = {name: i for i, name in enumerate(BEHAVIOURS)}


@dataclass
class Schedule:
    # per invoice
    disputed: np.ndarray
    dispute_opened: np.ndarray
    dispute_resolved: np.ndarray  # NEVER while open
    dispute_amount: np.ndarray
    dispute_reason: np.ndarray
    credit: np.ndarray  # linked credit memo, minor units (0: none)
    credit_date: np.ndarray
    credit_reason: np.ndarray  # str
    first_paid: np.ndarray  # value date of the first share, NEVER if none by as_of
    # per share, sorted by invoice then part
    share_invoice: np.ndarray
    share_date: np.ndarray
    share_amount: np.ndarray
    share_part: np.ndarray
    share_bundled: np.ndarray  # paid together with the customer's other items of that day


def _delays(beh: np.ndarray, due: np.ndarray, change: np.ndarray,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(days after due date the customer pays, whether it never pays) per invoice."""
    n = len(beh)
    months_late = np.clip((due - change).astype(np.int64) / 30.0, 0, None)
    worse = (beh == B["deteriorating"]) & (months_late > 0)
    normal = rng.normal(0, 1, n)
    uniform = rng.random(n)
    delay = np.select(
        [beh == B["on_time"], beh == B["slow"], beh == B["disputer"], beh == B["partial"],
         beh == B["batch"], worse, beh == B["bad_payer"]],
        [np.clip(-2 + 3 * normal, -10, 4), 10 + 35 * uniform, np.clip(2 + 6 * normal, -5, 25),
         20 * uniform, -1 + 3 * normal, 5 + 12 * months_late + 5 * normal, 40 + 110 * uniform],
        default=np.clip(-1 + 3 * normal, -8, 4),
    )
    never_p = np.select(
        [beh == B["slow"], beh == B["partial"], beh == B["disputer"], worse,
         beh == B["bad_payer"]],
        [0.03, 0.03, 0.02, np.minimum(0.1 + 0.1 * months_late, 0.6), 0.6],
        default=0.01,
    )
    return np.round(delay).astype(np.int64), rng.random(n) < never_p


def _batch_runs(target: np.ndarray, weekly: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """The customer's next payment run on or after `target`: a weekday, or the 25th."""
    dow = (target.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    week_run = target + ((weekday - dow) % 7).astype("timedelta64[D]")
    month = target.astype("datetime64[M]")
    month_run = month.astype("datetime64[D]") + np.timedelta64(24, "D")
    later = target > month_run
    month_run[later] = (month[later] + 1).astype("datetime64[D]") + np.timedelta64(24, "D")
    return np.where(weekly, week_run, month_run)


def make_schedule(inv: Invoices, customers: Customers, seed: int, as_of: date,
                  calendars: Calendars) -> Schedule:
    rng = rng_for(seed, "schedule")
    n, end = len(inv), days(as_of)
    beh = customers.behaviour[inv.customer]
    live = ~inv.void

    # Disputes: opened soon after issue; resolved ones may end in a credit memo.
    disputed = live & (rng.random(n) < np.where(beh == B["disputer"], 0.18, 0.01))
    opened = calendars.roll(inv.issue + rng.integers(3, 26, n), inv.entity)
    disputed &= opened <= end
    frac = np.where(rng.random(n) < 0.4, 10_000, rng.integers(1000, 6000, n))
    dispute_amount = np.where(disputed, inv.amount * frac // 10_000, 0)
    resolved = calendars.roll(opened + rng.integers(7, 61, n), inv.entity)
    is_resolved = disputed & (rng.random(n) < 0.65) & (resolved <= end)
    resolved = np.where(is_resolved, resolved, NEVER)
    settle = is_resolved & (rng.random(n) < 0.55)
    settle_credit = np.minimum(dispute_amount * rng.integers(3000, 10_001, n) // 10_000,
                               inv.amount * 6 // 10)

    adjust = live & ~disputed & (rng.random(n) < 0.015)
    adjust_date = calendars.roll(inv.issue + rng.integers(2, 21, n), inv.entity)
    adjust &= adjust_date <= end
    adjust_credit = inv.amount * rng.integers(500, 3001, n) // 10_000
    credit = np.select([settle, adjust], [settle_credit, adjust_credit], 0).astype(np.int64)
    credit_date = np.where(settle, resolved, np.where(adjust, adjust_date, NEVER))
    credit_reason = np.where(
        settle, "dispute_settlement",
        np.where(adjust, np.array(CREDIT_REASONS)[rng.integers(0, 3, n)], ""),
    )

    # Pay dates by behaviour; nobody pays an invoice under open dispute.
    change = (end - rng.integers(120, 271, len(customers.entity)))[inv.customer]
    delay, never = _delays(beh, inv.due, change, rng)
    pay = np.maximum(inv.due + delay, inv.issue + 1)
    pay = np.where(is_resolved, np.maximum(pay, resolved + rng.integers(2, 16, n)), pay)
    pay = np.where(credit > 0, np.maximum(pay, credit_date + 1), pay)
    # Batch payers pay on a weekly or monthly run; others sometimes hold items for a weekly one.
    weekly = (rng.random(len(customers.entity)) < 0.3)[inv.customer]
    weekday = rng.integers(0, 5, len(customers.entity))[inv.customer]
    batch = beh == B["batch"]
    held = ~batch & (beh != B["partial"]) & (rng.random(n) < 0.3)
    weekly |= held
    bundled = batch | held
    pay[bundled] = _batch_runs(pay[bundled], weekly[bundled], weekday[bundled])
    pays = live & ~never & ~(disputed & ~is_resolved)

    # Shares: partial payers split the owed amount in 2-3 parts, weeks apart, some short.
    parts = np.where(beh == B["partial"], rng.integers(2, 4, n), 1)
    share_inv = np.repeat(np.arange(n), parts)
    part = rank_in_group(share_inv)
    owed = inv.amount - credit
    amount = split_minor(owed[share_inv], rng.integers(20, 81, len(share_inv)), share_inv)
    last = part == parts[share_inv] - 1
    short = last & (parts[share_inv] > 1) & (rng.random(len(share_inv)) < 0.3)
    amount[short] -= np.maximum(amount[short] * rng.integers(100, 801, short.sum()) // 10_000, 1)
    gap = np.where(part > 0, rng.integers(7, 31, len(share_inv)), 0)
    cum = np.cumsum(gap)
    cum_gap = cum - np.repeat(cum[np.cumsum(parts) - parts], parts)
    date = pay[share_inv] + cum_gap
    dropped = last & (parts[share_inv] > 1) & (rng.random(len(share_inv)) < 0.05)
    ok = pays[share_inv] & ~dropped & (date <= end)
    date = calendars.roll(np.minimum(date, end), inv.entity[share_inv])
    ok &= (date <= end) & (amount > 0)

    first_paid = np.full(n, NEVER)
    np.minimum.at(first_paid, share_inv[ok], date[ok])
    return Schedule(
        disputed=disputed, dispute_opened=opened, dispute_resolved=resolved,
        dispute_amount=dispute_amount,
        dispute_reason=np.array(DISPUTE_REASONS)[rng.integers(0, len(DISPUTE_REASONS), n)],
        credit=credit, credit_date=credit_date, credit_reason=credit_reason,
        first_paid=first_paid, share_invoice=share_inv[ok], share_date=date[ok],
        share_amount=amount[ok], share_part=part[ok], share_bundled=bundled[share_inv][ok],
    )
