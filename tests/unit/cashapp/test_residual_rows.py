"""Residual matches reach `ca_match` with their amounts as they are, however the first rows
look (a type guessed from small first amounts once refused a later 14,848.41)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa

from o2c.cashapp import residual
from o2c.cashapp.match_sql import MATCH_COLUMNS
from o2c.cashapp.residual import as_table, insert_rows
from o2c.domain.cashapp.policy import Policy


def _row(rid: int, amount: str) -> dict:
    money = Decimal(amount)
    return dict(rid=rid, iid=rid * 10, alternative=1, cash_applied=money, write_off=Decimal(0),
                write_off_reason=None, discount=Decimal(0), discount_reason=None,
                residual=Decimal(0), residual_reason=None, rule="amount_subset",
                doubts=["customer_by_name"], via="name", tokens=None, amt=money,
                currency="EUR", fx_rate=None)


def test_small_amounts_first_do_not_decide_the_type():
    con = duckdb.connect()
    con.execute(f"create temp table ca_match ({MATCH_COLUMNS})")
    rows = [_row(k, "12.5") for k in range(1, 2000)] + [_row(5000, "14848.41"),
                                                        _row(5001, "987654321.1234")]
    insert_rows(con, as_table(rows))
    assert con.execute("select count(*), max(cash_applied), sum(amt) from ca_match").fetchone() \
        == (2001, Decimal("987654321.1234"), Decimal("987694157.0334"))
    assert con.execute("select doubts from ca_match where rid = 5000").fetchone() == (
        ["customer_by_name"],)


def _residual_tables(n: int) -> tuple[pa.Table, pa.Table]:
    """n receipts of one payer each: three open items, the receipt paying the first two."""
    amounts = pa.table({"rid": list(range(1, n + 1)), "currency": ["EUR"] * n,
                        "amt": [Decimal("300.00") + k for k in range(n)],
                        "fx_rate": pa.array([None] * n, pa.decimal128(18, 10)),
                        "names_closed": [False] * n, "truncated": [False] * n,
                        "stated_count": pa.array([None] * n, pa.int32()),
                        "value_date": [date(2026, 1, 20)] * n})
    rows = [(rid, rid * 10 + j, open_amount) for rid in range(1, n + 1)
            for j, open_amount in enumerate((Decimal(100) + rid - 1, Decimal(200),
                                             Decimal(555)))]
    m = len(rows)
    items = pa.table({"rid": [r for r, _, _ in rows], "iid": [i for _, i, _ in rows],
                      "level": pa.array([None] * m, pa.int32()), "tokens": [None] * m,
                      "referenced": [False] * m, "in_payer": [True] * m,
                      "contested": [False] * m, "outranked": [False] * m, "via": ["account"] * m,
                      "currency": ["EUR"] * m, "open_amount": [a for _, _, a in rows],
                      "is_disputed": [False] * m,
                      "due_date": [date(2026, 1, 1) + timedelta(days=j % 3) for j in range(m)],
                      "issue_date": [date(2025, 12, 1)] * m})
    return amounts, items


def test_settling_in_chunks_changes_nothing(monkeypatch):
    amounts, items = _residual_tables(7)
    whole = residual.settle_share(amounts, items, Policy())
    monkeypatch.setattr(residual, "CHUNK", 2)
    assert residual.settle_share(amounts, items, Policy()).to_pylist() == whole.to_pylist()
    assert sorted({(r["rid"], r["iid"]) for r in whole.to_pylist()}) == [
        (rid, rid * 10 + j) for rid in range(1, 8) for j in (0, 1)]
