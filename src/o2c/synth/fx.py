"""Daily FX rates from every currency to every functional currency: a seeded random walk.

Each currency's value in USD walks on weekdays and holds over weekends; every cross rate is
derived from those values, so rates are consistent with each other on a day.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.synth.reference import CURRENCIES, ENTITIES, USD_VALUE
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import days, rng_for

RATE_DECIMALS = 10
DAILY_VOLATILITY = 0.004


def usd_values(first: date, last: date, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(calendar days, value in USD of one unit of each of CURRENCIES per day)."""
    rng = rng_for(seed, "fx")
    dates = np.arange(days(first), days(last) + 1)
    weekday = ((dates.astype(np.int64) + 3) % 7) < 5
    steps = rng.normal(0, DAILY_VOLATILITY, (len(dates), len(CURRENCIES))) * weekday[:, None]
    steps[:, CURRENCIES.index("USD")] = 0
    steps[0] = 0
    start = np.log([USD_VALUE[c] for c in CURRENCIES])
    return dates, np.exp(start + np.cumsum(steps, axis=0))


def fx_rates(first: date, last: date, seed: int) -> pa.Table:
    dates, values = usd_values(first, last, seed)
    functional = sorted({e.functional_currency for e in ENTITIES})
    pairs = [(f, t) for t in functional for f in CURRENCIES if f != t]
    rows_date, rows_from, rows_to, rates = [], [], [], []
    for f, t in pairs:
        rate = values[:, CURRENCIES.index(f)] / values[:, CURRENCIES.index(t)]
        rows_date.append(dates)
        rows_from.append(np.full(len(dates), f))
        rows_to.append(np.full(len(dates), t))
        rates.append(np.round(rate * 10**RATE_DECIMALS).astype(np.int64))
    rate_date = np.concatenate(rows_date)
    order = np.lexsort((np.concatenate(rows_from), np.concatenate(rows_to), rate_date))
    scaled = np.concatenate(rates)[order]
    digits = pc.utf8_lpad(pc.cast(pa.array(scaled), pa.string()), width=RATE_DECIMALS + 1,
                          padding="0")
    text = pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits, 0, -RATE_DECIMALS),
                                       pc.utf8_slice_codeunits(digits, -RATE_DECIMALS), ".")
    return dataset_table("fx_rates", {
        "rate_date": rate_date[order],
        "from_currency": np.concatenate(rows_from)[order].tolist(),
        "to_currency": np.concatenate(rows_to)[order].tolist(),
        "rate": text,
    })
