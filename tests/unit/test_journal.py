"""Journals are append-only and hash-chained: re-runs add nothing, edits are detected."""

from datetime import datetime
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from o2c.adapters import journal
from o2c.adapters.warehouse import ensure_schema


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_schema(con)
    return con


def _application(app_id: str, amount: str) -> dict:
    return {"application_id": app_id, "currency": "EUR", "cash_applied": Decimal(amount),
            "write_off": Decimal(0), "discount": Decimal(0), "status": "auto",
            "decided_by": "engine", "decided_at": datetime(2026, 3, 2, 9)}


def test_rerun_appends_nothing_and_keys_stay_unique(con):
    rows = pd.DataFrame([_application("A1", "10.50"), _application("A2", "3")])
    assert journal.append(con, "cash_applications", rows) == 2
    assert journal.append(con, "cash_applications", rows) == 0
    more = pd.DataFrame([_application("A2", "3"), _application("A3", "7"),
                         _application("A3", "7")])
    assert journal.append(con, "cash_applications", more) == 1
    assert con.execute("select list(application_id order by seq), list(seq order by seq) "
                       "from app.cash_applications").fetchone() == (["A1", "A2", "A3"], [1, 2, 3])


def test_chain_verifies_and_names_the_first_edited_row(con):
    journal.append(con, "cash_applications",
                   pd.DataFrame([_application(f"A{i}", "1") for i in range(1, 5)]))
    assert journal.verify(con, "cash_applications").ok
    con.execute("update app.cash_applications set cash_applied = 2 where application_id = 'A3'")
    report = journal.verify(con, "cash_applications")
    assert (report.broken_at, report.problem) == (3, "row content changed")


def test_a_deleted_row_breaks_the_chain(con):
    journal.append(con, "cash_applications",
                   pd.DataFrame([_application(f"A{i}", "1") for i in range(1, 4)]))
    con.execute("delete from app.cash_applications where seq = 2")
    assert journal.verify(con, "cash_applications").broken_at == 3


def test_unknown_columns_are_refused(con):
    with pytest.raises(ValueError, match="no column"):
        journal.append(con, "cash_applications",
                       pd.DataFrame([{**_application("A1", "1"), "amount_eur": 1}]))


def test_a_batch_larger_than_a_row_group_keeps_its_order_and_chain(con):
    # more than one DuckDB row group (122,880 rows): the chain is computed apart from the
    # rows and must still line up with each of them, in the order given
    n = 130_000
    rows = pa.table({"application_id": [f"A{i:06d}" for i in range(n, 0, -1)],
                     "currency": ["EUR"] * n,
                     "cash_applied": pa.array([1] * n, pa.decimal128(19, 4)),
                     "write_off": pa.array([0] * n, pa.decimal128(19, 4)),
                     "discount": pa.array([0] * n, pa.decimal128(19, 4)),
                     "status": ["auto"] * n, "decided_by": ["engine"] * n,
                     "decided_at": pa.array([datetime(2026, 3, 2, 9)] * n, pa.timestamp("us"))})
    assert journal.append(con, "cash_applications", rows) == n
    assert journal.verify(con, "cash_applications").ok
    first, last = con.execute("select first(application_id order by seq), "
                              "last(application_id order by seq) from app.cash_applications"
                              ).fetchone()
    assert (first, last) == (f"A{n:06d}", "A000001")


def test_the_database_and_python_hash_a_row_alike():
    # DuckDB hashes each row's canonical text; the PostgreSQL journal hashes it in Python:
    # one chain formula, sha256(prev | sha256(canonical)), whatever the characters
    canonical = "app_1\x1fMüller & Søn €\x1f\x00\x1f2026-03-02 09:00:00"
    digest = duckdb.execute("select sha256($1)", [canonical]).fetchone()[0]
    assert journal._link("abc", digest) == journal._chain("abc", canonical)


def test_rows_a_query_makes_are_appended_in_the_order_asked_without_leaving_the_database(con):
    query = ("select 'A' || lpad(i::varchar, 3, '0') as application_id, 'EUR' as currency, "
             "cast(i as decimal(19,4)) as cash_applied, 0::decimal(19,4) as write_off, "
             "0::decimal(19,4) as discount, ? as status, 'engine' as decided_by, "
             "timestamp '2026-03-02 09:00' as decided_at, -i as _ord from range(1, 6) t(i)")
    at = datetime(2026, 3, 2, 9)
    assert journal.append_query(con, "cash_applications", query, ["auto"], at) == 5
    assert journal.append_query(con, "cash_applications", query, ["auto"], at) == 0
    assert con.execute("select list(application_id order by seq) from app.cash_applications"
                       ).fetchone()[0] == ["A005", "A004", "A003", "A002", "A001"]
    assert journal.verify(con, "cash_applications").ok
    with pytest.raises(ValueError, match="no column"):
        journal.append_query(con, "cash_applications", "select 1 as nonsense, 1 as _ord", [],
                             at)
