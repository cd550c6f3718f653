"""Vectorised building blocks: money strings, ids, business days and grouped arrays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Days = np.ndarray  # datetime64[D]


def rng_for(seed: int, phase: str) -> np.random.Generator:
    """An independent, reproducible stream per phase, so phases never shift each other."""
    return np.random.default_rng([seed, int.from_bytes(phase.encode(), "little") % 2**63])


def money_strings(minor: np.ndarray, decimals: np.ndarray | int) -> pa.Array:
    """Exact decimal strings ('1234.50', '15000') from integer minor units."""
    minor = np.asarray(minor, dtype=np.int64)
    decimals = np.broadcast_to(np.asarray(decimals, dtype=np.int64), minor.shape)
    if not len(minor):
        return pa.array([], pa.string())
    digits = pc.cast(pa.array(np.abs(minor)), pa.string())
    parts, index = [], []
    for d in np.unique(decimals):
        rows = np.flatnonzero(decimals == d)
        s = pc.take(digits, pa.array(rows))
        if d > 0:
            s = pc.utf8_lpad(s, width=int(d) + 1, padding="0")
            s = pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(s, 0, -int(d)), pc.utf8_slice_codeunits(s, -int(d)), "."
            )
        parts.append(s)
        index.append(rows)
    order = np.argsort(np.concatenate(index), kind="stable")
    out = pc.take(pa.concat_arrays(parts), pa.array(order))
    sign = pa.array(np.where(minor < 0, "-", ""))
    return pc.binary_join_element_wise(sign, out, "")


def numbered(prefix: str | pa.Array, numbers: np.ndarray, width: int) -> pa.Array:
    """'PAY-0000042'-style ids: prefix + zero-padded number."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string()),
                          width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def pick(options: Sequence[str], index: np.ndarray) -> pa.Array:
    """options[index] as an Arrow string array."""
    return pc.take(pa.array(list(options), pa.string()), pa.array(np.asarray(index, np.int64)))


def with_nulls(values: pa.Array, missing: np.ndarray) -> pa.Array:
    """`values`, with null where `missing` is true."""
    return pc.if_else(pa.array(missing), pa.scalar(None, values.type), values)


def days(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


class Calendars:
    """Business days per entity, from the `holidays` package."""

    def __init__(self, countries: Sequence[str], first: date, last: date):
        years = range(first.year - 1, last.year + 2)
        self._holidays = [
            np.array(sorted(holidays.country_holidays(c, years=years)), dtype="datetime64[D]")
            for c in countries
        ]

    def roll(self, dates: Days, entity: np.ndarray, forward: bool = True) -> Days:
        """The date itself when a business day, else the next (or previous) one."""
        return self.offset(dates, np.zeros(len(dates), np.int64), entity,
                           "forward" if forward else "backward")

    def offset(self, dates: Days, n: np.ndarray, entity: np.ndarray,
               roll: str = "forward") -> Days:
        """`n` business days after `dates` (rolled to a business day first)."""
        out = np.empty(len(dates), dtype="datetime64[D]")
        for e, hols in enumerate(self._holidays):
            rows = entity == e
            if rows.any():
                out[rows] = np.busday_offset(dates[rows], n[rows], roll=roll, holidays=hols)
        return out


def group_starts(keys: np.ndarray) -> np.ndarray:
    """Indices where a run of equal, already sorted keys starts."""
    if not len(keys):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def rank_in_group(group: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of an already sorted `group`."""
    starts = group_starts(group)
    lengths = np.diff(np.append(starts, len(group)))
    return np.arange(len(group)) - np.repeat(starts, lengths)


def split_minor(total: np.ndarray, weights: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Split each owner's integer total over its rows in proportion to integer `weights`.

    `total` is given per row (the owner's total repeated); `owner` is sorted; the parts of
    one owner sum exactly to its total.
    """
    starts = group_starts(owner)
    cum = np.cumsum(weights)
    base = np.repeat(cum[starts] - weights[starts], np.diff(np.append(starts, len(owner))))
    within = cum - base
    whole = np.repeat(np.add.reduceat(weights, starts), np.diff(np.append(starts, len(owner))))
    end = total * within // whole
    start = total * (within - weights) // whole
    return end - start


def iban(country: str, bban: str) -> str:
    """An IBAN whose check digits satisfy ISO 13616 (mod 97)."""
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def iban_is_valid(value: str) -> bool:
    s = value.replace(" ", "")
    numeric = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(numeric) % 97 == 1
