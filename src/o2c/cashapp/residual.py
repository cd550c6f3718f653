"""The residual: receipts no set-based rule settled, fetched from DuckDB as Arrow tables and
settled one at a time by `o2c.domain.cashapp.settle` — split over processes when there are many
(each process builds and settles its own share, so both steps run in parallel).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.cashapp.match_sql import RESIDUAL_AMOUNTS, RESIDUAL_ITEMS, RESIDUAL_RECEIPTS
from o2c.domain.cashapp.policy import Policy
from o2c.domain.cashapp.settle import Item, Receipt, settle_many

if TYPE_CHECKING:
    import duckdb

# below this many receipts a second process costs more (start-up, transfer) than it saves
PARALLEL_MIN = 3000
MAX_PROCESSES = 8
CHUNK = 20_000  # receipts that are Python objects at one time


def fetch(con: duckdb.DuckDBPyConnection, policy: Policy) -> tuple[pa.Table, pa.Table]:
    """The residual receipts' amounts (one row per currency) and candidate items, by rid."""
    con.execute(RESIDUAL_RECEIPTS)
    amounts = con.execute(RESIDUAL_AMOUNTS).to_arrow_table()
    items = con.execute(
        RESIDUAL_ITEMS.format(limit=policy.subset_max_candidates)).to_arrow_table()
    return amounts, items


def _pylist(column: pa.ChunkedArray) -> list:
    """`column.to_pylist()`, each distinct value made once: an item's amount and dates repeat
    for every receipt it is a candidate of, and Decimal and date objects are slow to make."""
    if column.null_count or not (pa.types.is_decimal(column.type)
                                 or pa.types.is_date(column.type)):
        return column.to_pylist()
    encoded = pc.dictionary_encode(column).combine_chunks()
    return list(map(encoded.dictionary.to_pylist().__getitem__, encoded.indices.to_pylist()))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """For making hundreds of thousands of small objects, none in a cycle: the cyclic
    collector would walk them again and again for nothing (it doubles the time to make them)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@_collector_paused()
def receipts_from(amounts: pa.Table, items: pa.Table) -> list[Receipt]:
    receipts: dict[int, Receipt] = {}
    for rid, ccy, amt, fx, closed, truncated, count, value_date in zip(*(
            _pylist(amounts.column(c)) for c in (
                "rid", "currency", "amt", "fx_rate", "names_closed", "truncated",
                "stated_count", "value_date")), strict=True):
        receipts.setdefault(rid, Receipt(rid, None, bool(closed), bool(truncated), count,
                                         value_date)).amounts[ccy] = (amt, fx)
    grouped: dict[int, list[Item]] = defaultdict(list)
    via: dict[int, str | None] = {}
    columns = ("rid", "iid", "level", "tokens", "referenced", "in_payer", "contested",
               "outranked", "via", "currency", "open_amount", "is_disputed", "due_date",
               "issue_date")
    for (rid, iid, level, tokens, referenced, in_payer, contested, outranked, v, ccy,
         open_amount, disputed, due, issued) in zip(
            *(_pylist(items.column(c)) for c in columns), strict=True):
        grouped[rid].append(Item(iid, ccy, open_amount, referenced, level, tokens,
                                 bool(in_payer), bool(disputed), bool(contested),
                                 bool(outranked), due, issued))
        via[rid] = v
    out = []
    for rid, r in receipts.items():
        r.items, r.via = grouped.get(rid, []), via.get(rid)
        out.append(r)
    return out


def _between(table: pa.Table, lo: int, hi: int) -> pa.Table:
    rid = table.column("rid")
    return table.filter(pc.and_(pc.greater_equal(rid, lo), pc.less_equal(rid, hi)))


def settle_share(amounts: pa.Table, items: pa.Table, policy: Policy) -> pa.Table:
    """The match rows of these receipts, settled `CHUNK` at a time: only one chunk's receipts
    and rows are Python objects at once, the rest is Arrow."""
    rids = np.unique(amounts.column("rid").to_numpy())
    tables = [as_table([])]
    for start in range(0, len(rids), CHUNK):
        lo, hi = int(rids[start]), int(rids[min(start + CHUNK, len(rids)) - 1])
        receipts = receipts_from(_between(amounts, lo, hi), _between(items, lo, hi))
        tables.append(as_table(settle_many(receipts, policy)))
    return pa.concat_tables(tables)


def _share(table: pa.Table, k: int, n: int) -> pa.Table:
    rid = table.column("rid")
    return table.filter(pc.equal(pc.subtract(rid, pc.multiply(pc.divide(rid, n), n)), k))


def processes() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), MAX_PROCESSES))


def settle_all(amounts: pa.Table, items: pa.Table, policy: Policy,
               n_processes: int) -> pa.Table:
    """Every receipt settled; spread over `n_processes` (this one included) when many.

    Each receipt is settled on its own, so the split changes nothing in the result. Helpers are
    spawned, not forked: the parent holds DuckDB's and the orchestrator's threads.
    """
    if n_processes <= 1 or amounts.num_rows < PARALLEL_MIN:
        return settle_share(amounts, items, policy)
    shares = [(_share(amounts, k, n_processes), _share(items, k, n_processes))
              for k in range(n_processes)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_processes - 1, mp_context=context) as pool:
        helpers = [pool.submit(settle_share, a, i, policy) for a, i in shares[1:]]
        rows = settle_share(*shares[0], policy)  # this process does its share meanwhile
        return pa.concat_tables([rows, *(helper.result() for helper in helpers)])


MONEY = pa.decimal128(19, 4)
# `ca_match`'s columns (match_sql.MATCH_COLUMNS), typed here so that no type is guessed from
# the first rows (a guessed DECIMAL(8,4) cannot hold a later 14,848.41)
ROW_SCHEMA = pa.schema([
    ("rid", pa.int64()), ("iid", pa.int64()), ("alternative", pa.int32()),
    ("cash_applied", MONEY), ("write_off", MONEY), ("write_off_reason", pa.string()),
    ("discount", MONEY), ("discount_reason", pa.string()), ("residual", MONEY),
    ("residual_reason", pa.string()), ("rule", pa.string()), ("doubts", pa.list_(pa.string())),
    ("via", pa.string()), ("tokens", pa.string()), ("amt", MONEY), ("currency", pa.string()),
    ("fx_rate", pa.decimal128(18, 10)),
])


def as_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=ROW_SCHEMA)


def run(con: duckdb.DuckDBPyConnection, policy: Policy, n_processes: int | None = None) -> int:
    """Settle the residual receipts into `ca_match`; returns how many got a match."""
    amounts, items = fetch(con, policy)
    rows = settle_all(amounts, items, policy,
                      processes() if n_processes is None else n_processes)
    del amounts, items  # freed before DuckDB takes the rows
    insert_rows(con, rows)
    return pc.count_distinct(rows.column("rid")).as_py()


def insert_rows(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    if rows.num_rows:
        con.register("_residual_rows", rows)
        con.execute("insert into ca_match by name select * from _residual_rows")
        con.unregister("_residual_rows")
