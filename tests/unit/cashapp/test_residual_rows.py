"""Residual matches reach `ca_match` with their amounts as they are, however the first rows
look (a type guessed from small first amounts once refused a later 14,848.41)."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from o2c.cashapp.match_sql import MATCH_COLUMNS
from o2c.cashapp.residual import insert_rows


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
    insert_rows(con, rows)
    assert con.execute("select count(*), max(cash_applied), sum(amt) from ca_match").fetchone() \
        == (2001, Decimal("987654321.1234"), Decimal("987694157.0334"))
    assert con.execute("select doubts from ca_match where rid = 5000").fetchone() == (
        ["customer_by_name"],)
