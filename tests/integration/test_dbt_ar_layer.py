"""The dbt AR layer on a small hand-computed warehouse: balances, aging, KPIs and lineage.

The fixture is built with the warehouse DDL (`all_ddl`) and plain inserts, then `dbt build`
runs in-process (models, data tests, unit tests, snapshot) with as_of 2026-11-20.

Hand-computed expectations (entity E1, functional currency EUR):

  I1   1000, ERP receipt applies 1000 on 10-10 (due 10-01)           -> 0 open, settled 10-10
  I2   500 in file v1, corrected to 600 in v2; ERP applies 200       -> 400 open, 20 dpd, 1_30
  I3   300, re-sent in a later file; credit memo 100                 -> 200 open, 91 dpd, 90_plus
  I4   800; bank app 300 (auto); bank app 100 confirmed, reversed    -> 500 open, current
  I5   250; bank app 250, echoed by an ERP receipt applying 250      -> 0 open (not -250)
  I6   only in file v1, dropped by the corrected v2 of the same path -> gone
  I7   USD 1000, USD->EUR 0.90 (11-01; 0.95 is dated after as_of)    -> 1000 open, 900 EUR, 1_30
  I8   void                                                          -> 0 open
  I9   issued after as_of; I10 in a rejected file                    -> absent
  I11  100, ERP applies 120                                          -> 0 open, 20 overpaid
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt_runs import dbt_build, rows

from o2c.adapters.schema import all_ddl
from o2c.contracts.datasets import DATASETS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = "2026-11-20"
D = Decimal

# (path, version, dataset, status) in load order; load_seq = position + 1
FILES = [
    ("erp/entities/entities_2026-01-01.csv", 1, "entities", "loaded"),
    ("erp/customers/customers_2026-01-01.csv", 1, "customers", "loaded"),
    ("erp/contacts/contacts_2026-01-01.csv", 1, "contacts", "loaded"),
    ("erp/invoices/invoices_2026-10-01.csv", 1, "invoices", "loaded"),
    ("erp/fx_rates/fx_2026-11-01.csv", 1, "fx_rates", "loaded"),
    ("erp/credit_memos/credit_memos_2026-09-15.csv", 1, "credit_memos", "loaded"),
    ("erp/receipts/receipts_2026-11-10.csv", 1, "receipts", "loaded"),
    ("erp/receipt_applications/receipt_applications_2026-11-10.csv", 1,
     "receipt_applications", "loaded"),
    ("erp/invoices/invoices_2026-10-01.csv", 2, "invoices", "loaded"),
    ("erp/invoices/invoices_2026-11-01.csv", 1, "invoices", "loaded"),
    ("erp/invoices/invoices_2026-11-15.csv", 1, "invoices", "rejected"),
    ("erp/customers/customers_2026-11-01.csv", 1, "customers", "loaded"),
]


def file_id(path: str, version: int) -> str:
    return checksum(path, version)[:16]


def checksum(path: str, version: int) -> str:
    return hashlib.sha256(f"{path}#{version}".encode()).hexdigest()


def fid(dataset_path_fragment: str, version: int = 1) -> str:
    path = next(p for p, v, _, _ in FILES if dataset_path_fragment in p and v == version)
    return file_id(path, version)


INV_V1 = ("invoices_2026-10-01", 1)
INV_V2 = ("invoices_2026-10-01", 2)
INV_NOV = ("invoices_2026-11-01", 1)
INV_REJ = ("invoices_2026-11-15", 1)


def invoice(inv_id, customer, issue, due, currency, amount, status, file, row, po=None):
    return (inv_id, "E1", customer, date.fromisoformat(issue), date.fromisoformat(due), currency,
            D(amount), status, po, False, False, fid(*file), row)


INVOICES = [
    invoice("I1", "C1", "2026-09-01", "2026-10-01", "EUR", "1000", "paid", INV_V1, 1),
    invoice("I2", "C1", "2026-10-01", "2026-10-31", "EUR", "500", "open", INV_V1, 2),
    invoice("I3", "C2", "2026-08-01", "2026-08-21", "EUR", "300", "open", INV_V1, 3),
    invoice("I6", "C3", "2026-10-01", "2026-10-31", "EUR", "999", "open", INV_V1, 4),
    invoice("I1", "C1", "2026-09-01", "2026-10-01", "EUR", "1000", "paid", INV_V2, 1),
    invoice("I2", "C1", "2026-10-01", "2026-10-31", "EUR", "600", "open", INV_V2, 2),
    invoice("I3", "C2", "2026-08-01", "2026-08-21", "EUR", "300", "open", INV_V2, 3),
    invoice("I5", "C3", "2026-10-01", "2026-10-20", "EUR", "250", "open", INV_V2, 4),
    invoice("I7", "C4", "2026-10-15", "2026-11-14", "USD", "1000", "open", INV_V2, 5),
    invoice("I3", "C2", "2026-08-01", "2026-08-21", "EUR", "300", "open", INV_NOV, 1, "PO-3B"),
    invoice("I4", "C2", "2026-11-01", "2026-12-01", "EUR", "800", "open", INV_NOV, 2),
    invoice("I8", "C4", "2026-11-02", "2026-12-02", "EUR", "400", "void", INV_NOV, 3),
    invoice("I11", "C1", "2026-11-03", "2026-12-03", "EUR", "100", "paid", INV_NOV, 4),
    invoice("I9", "C1", "2026-11-25", "2026-12-25", "EUR", "700", "open", INV_NOV, 5),
    invoice("I10", "C1", "2026-11-15", "2026-12-15", "EUR", "50", "open", INV_REJ, 1),
]


def customer(cust_id, currency, locale, row, file="customers_2026-11-01"):
    return (cust_id, "E1", f"Customer {cust_id}", f"Customer {cust_id} GmbH", "DE", currency,
            locale, 30, D("10000"), f"crm-{cust_id}", f"owner.{cust_id.lower()}@example.com",
            None, "collector@example.com", None, None, date(2025, 1, 1), "salesforce", fid(file),
            row)


CUSTOMERS = [
    customer("C1", "EUR", "de-DE", 1, "customers_2026-01-01"),
    customer("C9", "EUR", "de-DE", 2, "customers_2026-01-01"),
    customer("C1", "EUR", "de-DE", 1),
    customer("C2", "EUR", "de-DE", 2),
    customer("C3", "EUR", "de-DE", 3),
    customer("C4", "USD", "en-US", 4),
]

CONTACTS = [
    ("K1", "C1", "billing", "Ann", "ap@c1.example.com", False, fid("contacts"), 1),
    ("K2", "C1", "escalation", "Bob", "cfo@c1.example.com", False, fid("contacts"), 2),
    ("K3", "C2", "billing", "Cem", "ap@c2.example.com", True, fid("contacts"), 3),
]

ENTITIES = [("E1", "Example GmbH", "EUR", "Europe/Berlin", "DE", "DE", fid("entities"), 1)]

FX_RATES = [
    (date(2026, 10, 1), "EUR", "USD", D("1.25"), fid("fx_2026"), 1),
    (date(2026, 11, 1), "USD", "EUR", D("0.90"), fid("fx_2026"), 2),
    (date(2026, 11, 25), "USD", "EUR", D("0.95"), fid("fx_2026"), 3),
]

CREDIT_MEMOS = [
    ("CM1", "E1", "C2", "I3", date(2026, 9, 15), "EUR", D("100"), "price", fid("credit_memos"), 1),
]

RECEIPTS = [
    ("R1", "E1", "C1", date(2026, 10, 10), "EUR", D("1000"), "B1", None, fid("receipts_"), 1),
    ("R2", "E1", "C1", date(2026, 11, 5), "EUR", D("200"), "B2", None, fid("receipts_"), 2),
    ("R3", "E1", "C3", date(2026, 11, 4), "EUR", D("250"), "B3", "A3", fid("receipts_"), 3),
    ("R4", "E1", "C1", date(2026, 11, 10), "EUR", D("120"), "B4", None, fid("receipts_"), 4),
]

RECEIPT_APPLICATIONS = [
    ("R1", "I1", date(2026, 10, 10), "EUR", D("1000"), fid("receipt_applications"), 1),
    ("R2", "I2", date(2026, 11, 5), "EUR", D("200"), fid("receipt_applications"), 2),
    ("R3", "I5", date(2026, 11, 4), "EUR", D("250"), fid("receipt_applications"), 3),
    ("R4", "I11", date(2026, 11, 10), "EUR", D("120"), fid("receipt_applications"), 4),
]

# application_id, invoice_id, cash_applied, status, reverses, decided_at
CASH_APPLICATIONS = [
    ("A1", "I4", "300", "auto", None, datetime(2026, 11, 10, 9)),
    ("A2", "I4", "100", "confirmed", None, datetime(2026, 11, 12, 9)),
    ("A2R", "I4", "100", "reversed", "A2", datetime(2026, 11, 15, 9)),
    ("A3", "I5", "250", "auto", None, datetime(2026, 11, 2, 9)),
    ("A4", "I2", "50", "proposed", None, datetime(2026, 11, 3, 9)),
]


def insert(con, dataset, rows):
    columns = [*DATASETS[dataset].column_names, "source_file_id", "source_row"]
    marks = ", ".join("?" * len(columns))
    con.executemany(f"insert into raw.{dataset} ({', '.join(columns)}) values ({marks})", rows)


def build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    for statement in all_ddl():
        con.execute(statement)
    for seq, (file_path, version, dataset, status) in enumerate(FILES, start=1):
        con.execute(
            "insert into raw.file_ledger (source_file_id, path, dataset, file_format, "
            "checksum_sha256, landing_version, size_bytes, version, load_seq, status, rows_total, "
            "rows_loaded, rows_quarantined, error, loaded_at) "
            "values (?, ?, ?, 'csv', ?, ?, 100, ?, ?, ?, 1, 1, 0, ?, ?)",
            [file_id(file_path, version), file_path, dataset, checksum(file_path, version),
             f"etag-{seq}", version, seq, status, None if status == "loaded" else "bad header",
             datetime(2026, 11, 20, 6, seq)],
        )
    insert(con, "entities", ENTITIES)
    insert(con, "customers", CUSTOMERS)
    insert(con, "contacts", CONTACTS)
    insert(con, "invoices", INVOICES)
    insert(con, "fx_rates", FX_RATES)
    insert(con, "credit_memos", CREDIT_MEMOS)
    insert(con, "receipts", RECEIPTS)
    insert(con, "receipt_applications", RECEIPT_APPLICATIONS)
    prev = ""
    for seq, (app_id, inv, cash, status, reverses, decided_at) in enumerate(CASH_APPLICATIONS, 1):
        row_hash = hashlib.sha256(f"{prev}|{app_id}".encode()).hexdigest()
        con.execute(
            "insert into app.cash_applications (application_id, bank_txn_id, invoice_id, "
            "customer_id, currency, cash_applied, write_off, discount, status, "
            "reverses_application_id, decided_by, decided_at, seq, recorded_at, prev_hash, "
            "row_hash) "
            "values (?, ?, ?, 'C', 'EUR', ?, 0, 0, ?, ?, 'rule:exact', ?, ?, ?, ?, ?)",
            [app_id, f"T{seq}", inv, D(cash), status, reverses, decided_at, seq, decided_at,
             prev, row_hash],
        )
        prev = row_hash
    con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_ar_layer")
    db_path = work / "warehouse.duckdb"
    build_warehouse(db_path)
    dbt_build(db_path, work, AS_OF)
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


def invoices_by_id(con):
    return {r["invoice_id"]: r for r in rows(con, "select * from main.fct_invoices")}


def test_only_current_invoice_versions_as_of_the_date_are_reported(warehouse):
    # I6 was dropped by the corrected file, I9 is issued after as_of, I10's file was rejected
    assert set(invoices_by_id(warehouse)) == {"I1", "I2", "I3", "I4", "I5", "I7", "I8", "I11"}


def test_open_balances_days_past_due_and_buckets(warehouse):
    got = {
        k: (r["open_amount"], r["days_past_due"], r["aging_bucket"])
        for k, r in invoices_by_id(warehouse).items()
    }
    assert got == {
        "I1": (D("0"), None, None),
        "I2": (D("400"), 20, "1_30"),
        "I3": (D("200"), 91, "90_plus"),
        "I4": (D("500"), 0, "current"),
        "I5": (D("0"), None, None),
        "I7": (D("1000"), 6, "1_30"),
        "I8": (D("0"), None, None),
        "I11": (D("0"), None, None),
    }


def test_balance_components_apply_echo_reversal_credit_and_overpayment(warehouse):
    inv = invoices_by_id(warehouse)
    assert inv["I2"]["amount"] == D("600")  # the corrected file wins
    assert inv["I3"]["credited"] == D("100")
    assert inv["I3"]["po_number"] == "PO-3B"  # the later file's row of the key
    assert (inv["I4"]["bank_applied"], inv["I4"]["erp_applied"]) == (D("300"), D("0"))
    # the echoed application is counted once, by the ERP
    assert (inv["I5"]["bank_applied"], inv["I5"]["erp_applied"]) == (D("0"), D("250"))
    assert (inv["I11"]["open_amount"], inv["I11"]["overpaid_amount"]) == (D("0"), D("20"))
    assert inv["I8"]["is_void"] and not inv["I8"]["is_open"]


def test_settlement_dates(warehouse):
    inv = invoices_by_id(warehouse)
    assert (inv["I1"]["settled_date"], inv["I1"]["days_late_at_settlement"]) == (
        date(2026, 10, 10), 9)
    assert (inv["I5"]["settled_date"], inv["I5"]["days_late_at_settlement"]) == (
        date(2026, 11, 2), 13)
    assert inv["I2"]["settled_date"] is None


def test_functional_currency_uses_latest_rate_on_or_before_as_of(warehouse):
    i7 = invoices_by_id(warehouse)["I7"]
    assert (i7["fx_rate"], i7["open_amount_functional"]) == (D("0.9"), D("900"))
    assert invoices_by_id(warehouse)["I2"]["open_amount_functional"] == D("400")


def test_aging_by_entity_customer_currency(warehouse):
    got = {
        (r["customer_id"], r["currency"]): r
        for r in rows(warehouse, "select * from main.fct_ar_aging")
    }
    assert set(got) == {("C1", "EUR"), ("C2", "EUR"), ("C4", "USD")}
    buckets = ["current", "1_30", "31_60", "61_90", "90_plus"]

    def amounts(row, suffix=""):
        return [row[f"bucket_{b}{suffix}"] for b in buckets] + [row[f"total_open{suffix}"]]

    assert amounts(got[("C1", "EUR")]) == [0, 400, 0, 0, 0, 400]
    assert amounts(got[("C2", "EUR")]) == [500, 0, 0, 0, 200, 700]
    assert amounts(got[("C4", "USD")]) == [0, 1000, 0, 0, 0, 1000]
    assert amounts(got[("C4", "USD")], "_functional") == [0, 900, 0, 0, 0, 900]


def test_kpis_for_the_month_of_as_of(warehouse):
    (nov,) = rows(
        warehouse,
        "select * from main.fct_ar_kpis where entity_id = 'E1' and period_month = '2026-11-01'",
    )
    # sales I4 800 + I11 100 (I8 void, I9 later); ending AR 400+200+500+900; current I4 500;
    # beginning (10-31): I2 600 + I3 200 + I5 250 + I7 USD 1000 at 1/1.25 = 800
    assert (nov["credit_sales"], nov["ending_ar"], nov["ending_current_ar"],
            nov["beginning_ar"], nov["days_in_period"]) == (D(900), D(2000), D(500), D(1850), 20)
    assert nov["dso"] == D("44.44")  # 2000 / 900 x 20
    assert nov["best_possible_dso"] == D("11.11")  # 500 / 900 x 20
    assert nov["average_days_delinquent"] == D("33.33")
    assert nov["collection_effectiveness_index"] == D("33.33")  # 750 / 2250 x 100
    # 20 days of November (900), then October's 1650 covers 1100 of it: 31 x 1100 / 1650
    assert nov["dso_count_back"] == D("40.67")


def test_a_random_invoice_traces_back_to_its_file_version_checksum_and_row(warehouse):
    fact = rows(warehouse, "select * from main.fct_invoices using sample 1 rows")[0]
    (ledger,) = rows(
        warehouse,
        f"select * from raw.file_ledger where source_file_id = '{fact['source_file_id']}'",
    )
    assert (fact["source_path"], fact["source_version"], fact["source_checksum_sha256"]) == (
        ledger["path"], ledger["version"], ledger["checksum_sha256"])
    assert ledger["status"] == "loaded"
    (raw,) = rows(
        warehouse,
        "select * from raw.invoices "
        f"where source_file_id = '{fact['source_file_id']}' and source_row = {fact['source_row']}",
    )
    assert (raw["invoice_id"], raw["amount"]) == (fact["invoice_id"], fact["amount"])


def test_corrected_file_lineage_points_at_the_new_version(warehouse):
    i2 = invoices_by_id(warehouse)["I2"]
    assert (i2["source_path"], i2["source_version"], i2["source_row"]) == (
        "erp/invoices/invoices_2026-10-01.csv", 2, 2)
    assert i2["source_checksum_sha256"] == checksum("erp/invoices/invoices_2026-10-01.csv", 2)


def test_customers_come_from_the_newest_snapshot_with_contacts(warehouse):
    got = {r["customer_id"]: r for r in rows(warehouse, "select * from main.dim_customers")}
    assert set(got) == {"C1", "C2", "C3", "C4"}  # C9 only in the older snapshot
    assert got["C1"]["billing_emails"] == "ap@c1.example.com"
    assert got["C1"]["escalation_emails"] == "cfo@c1.example.com"
    assert got["C2"]["do_not_dun"] and not got["C1"]["do_not_dun"]


def test_dbt_build_passes_on_an_empty_warehouse(tmp_path):
    db_path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(db_path))
    for statement in all_ddl():
        con.execute(statement)
    con.close()
    dbt_build(db_path, tmp_path, AS_OF)
