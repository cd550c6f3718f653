"""Cash application on a generated company (300 customers, messy remittance), end to end:
ERP and bank files ingested, dbt built, the engine run on the warehouse, dbt rebuilt.

Measured against the generator's truth on the receipts whose invoices the ERP still shows open.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pytest

from o2c.adapters.dbt import env_vars
from o2c.adapters.landing import LandedFile, LocalLanding
from o2c.adapters.warehouse import ensure_schema
from o2c.cashapp.service import reconcile

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = date(2026, 3, 2)
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def _dbt(warehouse: Path, *select: str) -> None:
    with env_vars({"O2C_DUCKDB_PATH": str(warehouse)}):  # later tests must not build this one
        _invoke_dbt(warehouse, select)


def _invoke_dbt(warehouse: Path, select: tuple[str, ...]) -> None:
    from dbt.cli.main import dbtRunner

    args = ["build", "--exclude-resource-type", "unit_test", "--project-dir", str(DBT_PROJECT),
            "--profiles-dir", str(DBT_PROJECT), "--vars", f'{{"as_of": "{AS_OF}"}}', "-q"]
    if select:
        args += ["--select", *select]
    assert dbtRunner().invoke(args).success


def _load(con: duckdb.DuckDBPyConnection, root: Path, prefix: str) -> None:
    from o2c.ingest.bank import is_bank_file, load_bank_file
    from o2c.ingest.erp import dataset_of, load_file

    land = LocalLanding(root)
    for f in land.list(prefix):
        if prefix == "bank" and is_bank_file(f.key):
            load_bank_file(con, f, land.read(f.key))
        elif prefix == "erp" and dataset_of(f.key):
            load_file(con, f, land.read(f.key))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("company")
    subprocess.run([str(Path(sys.executable).with_name("o2c")), "generate", "--customers", "300",
                    "--seed", "7", "--out", str(out), "--as-of", AS_OF.isoformat()],
                   check=True, capture_output=True)
    warehouse = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        _load(con, out, "erp")
        _load(con, out, "bank")
    _dbt(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        at = datetime.combine(AS_OF, time(9))
        first = reconcile(con, AS_OF, "run-1", truth_dir=out / "truth", decided_at=at)
        second = reconcile(con, AS_OF, "run-2", decided_at=at)
    _dbt(warehouse, "stg_app__cash_applications+")
    return {"out": out, "warehouse": warehouse, "first": first, "second": second}


def test_quality_against_truth(world):
    figures = world["first"].figures
    engine, baseline = figures["engine"], figures["baseline"]
    print({k: figures[k] for k in ("engine", "baseline", "never_auto")})  # shown with -s
    assert engine["receipts"] > 200
    assert engine["precision"] >= 0.995
    assert engine["invoice_rate"] >= 0.90
    assert engine["invoice_rate"] > baseline["invoice_rate"] + 0.4
    assert all(v == 0 for v in figures["never_auto"].values()), figures["never_auto"]
    # every invoice not auto-applied is accounted for by what happened to its receipt
    missed = engine["invoices"] - round(engine["invoice_rate"] * engine["invoices"])
    assert sum(figures["missed"].values()) == missed > 0
    assert "proposed: equal_amount_twins" in figures["missed"]


def test_rerun_applies_nothing_twice(world):
    assert world["first"].added["cash_applications"] > 200
    assert world["second"].added == {"cash_applications": 0, "cash_exceptions": 0}
    assert world["second"].reversed == 0


def test_bank_payment_shows_paid_before_the_erp_posts_it(world):
    with duckdb.connect(str(world["warehouse"]), read_only=True) as con:
        closed = con.execute("""
            select count(*), count(*) filter (where f.open_amount = 0)
            from app.cash_applications a join fct_invoices f using (invoice_id)
            where a.status = 'auto' and a.rule = 'ref_exact' and a.write_off = 0
              and f.erp_applied = 0 and f.credited = 0
              and a.application_id not in (select reverses_application_id
                                           from app.cash_applications
                                           where reverses_application_id is not null)
        """).fetchone()
    assert closed[0] > 50 and closed[0] == closed[1]


def test_returned_payment_reverses_and_reopens(world):
    with duckdb.connect(str(world["warehouse"]), read_only=True) as con:
        rows = con.execute("""
            select r.invoice_id, r.cash_applied, f.bank_applied, e.event_type
            from app.cash_applications r
            join fct_invoices f using (invoice_id)
            join app.cash_events e on e.application_id = r.reverses_application_id
            where r.status = 'reversed'
        """).fetchall()
    assert rows, "the generated company returns a few payments"
    for invoice_id, _amount, bank_applied, event in rows:
        assert event == "payment_returned"
        assert bank_applied == 0, invoice_id  # the reversal gave the amount back


def _erp_file(key: str, header: list[str], rows: list[list]) -> tuple[LandedFile, bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    return LandedFile(key, len(data), hashlib.sha256(data).hexdigest()[:12]), data


def test_erp_echo_replaces_our_application(world):
    from o2c.ingest.erp import load_file

    warehouse = world["warehouse"]
    with duckdb.connect(str(warehouse)) as con:
        app = con.execute("""
            select a.application_id, a.invoice_id, a.customer_id, a.currency, a.cash_applied,
                   f.entity_id, f.amount
            from app.cash_applications a join fct_invoices f using (invoice_id)
            where a.status = 'auto' and a.rule = 'ref_exact' and f.open_amount = 0
              and f.erp_applied = 0 and f.credited = 0 and a.write_off = 0
            order by a.application_id limit 1""").fetchone()
        app_id, invoice_id, customer_id, currency, cash, entity_id, amount = app
        receipt = "RCT-ECHO-1"
        for landed, data in (
            _erp_file("erp/receipts/receipts_echo.csv",
                      ["receipt_id", "entity_id", "customer_id", "received_date", "currency",
                       "amount", "bank_ref", "application_id"],
                      [[receipt, entity_id, customer_id, AS_OF, currency, cash, "", app_id]]),
            _erp_file("erp/receipt_applications/receipt_applications_echo.csv",
                      ["receipt_id", "invoice_id", "applied_date", "currency", "applied_amount"],
                      [[receipt, invoice_id, AS_OF, currency, cash]]),
        ):
            assert load_file(con, landed, data).status == "loaded"
    _dbt(warehouse, "stg_erp__receipts+", "stg_erp__receipt_applications+")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        erp_applied, bank_applied, open_amount = con.execute(
            "select erp_applied, bank_applied, open_amount from fct_invoices "
            "where invoice_id = ?", [invoice_id]).fetchone()
    assert (erp_applied, bank_applied, open_amount) == (cash, 0, 0)


def test_review_pages_confirm_reject_and_hold_proposals_once(world):
    from o2c.approval.suspend import Decision
    from o2c.cashapp import review

    with duckdb.connect(str(world["warehouse"])) as con:
        before = review.pending(con)
        every = review.review_items(before)
        # one item per receipt alternative: all its invoices decided together
        assert sum(len(i.id.split(";")) for i in every) == len(before)
        by_receipt = {i.title.split(" · ")[0]: i for i in reversed(every)}
        items = list(by_receipt.values())  # three different receipts
        assert len(items) >= 3, "the generated company leaves proposals for a person"
        at = datetime.combine(AS_OF, time(10))
        decisions = [Decision(item.id, choice, None, "Ada", None, "checked remittance", at,
                              "page-1")
                     for item, choice in zip(items[:3], ("confirm", "reject", "hold"),
                                             strict=True)]
        first = review.record_page(con, decisions)
        again = review.record_page(con, decisions)  # a resumed run re-reads the same page
        after = set(review.pending(con)["application_id"])
        confirmed = con.execute(
            "select count(*), min(decided_by) from app.cash_applications "
            "where status = 'confirmed'").fetchone()

    decided = set(items[0].id.split(";")) | set(items[1].id.split(";"))
    assert first == {"confirm": len(items[0].id.split(";")),
                     "reject": len(items[1].id.split(";"))}
    assert again == {"confirm": 0, "reject": 0}
    assert not decided & after
    assert set(items[2].id.split(";")) <= after  # held: still waiting
    assert confirmed == (len(items[0].id.split(";")), "Ada")


def test_a_credit_note_named_with_an_invoice_is_netted_once(world):
    from o2c.cashapp.sources import OPEN_CREDIT_NOTES
    from o2c.formats import BankTransaction
    from o2c.formats.writers import make_statement
    from o2c.formats.writers.camt import write_camt053
    from o2c.ingest.bank import load_bank_file

    warehouse = world["warehouse"]
    with duckdb.connect(str(warehouse)) as con:
        # an open invoice of a customer holding an open credit note worth less than it
        cm, invoice, currency, net, account = con.execute(f"""
            select c.credit_memo_id, f.invoice_id, f.currency, f.open_amount - c.open_amount,
                   (select account from fct_bank_transactions where currency = f.currency
                    limit 1)
            from ({OPEN_CREDIT_NOTES}) c
            join fct_invoices f on f.customer_id = c.customer_id and f.currency = c.currency
            where f.open_amount > c.open_amount and f.open_amount > 0 and c.open_amount > 0
            order by c.credit_memo_id, f.invoice_id limit 1""").fetchone()
        receipt = BankTransaction(
            account=account, currency=currency, amount=net, direction="credit",
            value_date=AS_OF, booking_date=AS_OF, bank_ref="NET-CM-1",
            counterparty_name="Someone new", remittance=f"{invoice} less credit note {cm}")
        buffer = io.BytesIO()
        write_camt053([make_statement(account, currency, "NET-1", AS_OF, net, [receipt])],
                      buffer)
        data = buffer.getvalue()
        landed = LandedFile("bank/camt/net-1.xml", len(data), hashlib.sha256(data).hexdigest())
        assert load_bank_file(con, landed, data).status == "loaded"
    _dbt(warehouse, "stg_bank__transactions+")
    with duckdb.connect(str(warehouse)) as con:
        at = datetime.combine(AS_OF, time(11))
        reconcile(con, AS_OF, "run-net", decided_at=at)
        again = reconcile(con, AS_OF, "run-net-again", decided_at=at)
        rows = dict(con.execute(
            "select invoice_id, cash_applied from app.cash_applications "
            "where receipt_ref = 'NET-CM-1' and status = 'auto'").fetchall())
        left = con.execute(f"select open_amount from ({OPEN_CREDIT_NOTES}) "
                           "where credit_memo_id = ?", [cm]).fetchone()[0]
    assert set(rows) == {invoice, cm}
    assert rows[cm] < 0 and rows[invoice] + rows[cm] == net
    assert left == 0  # used up: the next run does not net it again
    assert again.added["cash_applications"] == 0


def test_the_banks_own_interest_credits_are_left_out_of_cash_application(world):
    truth = world["out"] / "truth" / "bank_lines.csv"
    with duckdb.connect(str(world["warehouse"]), read_only=True) as con:
        rows = con.execute(f"""
            select l.category, b.is_bank_own_credit, count(*)
            from fct_bank_transactions b
            join read_csv('{truth}', all_varchar = true) l
              on l.bank_ref = b.bank_ref and l.account_number = b.account
            where b.direction = 'credit'
            group by all""").fetchall()
        queued = con.execute("""
            select count(*) from app.cash_exceptions e
            join fct_bank_transactions b using (bank_txn_id)
            where b.is_bank_own_credit""").fetchone()[0]
    assert {(category, own) for category, own, _ in rows if category == "interest"} == {
        ("interest", True)}, rows
    assert not any(own for category, own, _ in rows if category != "interest"), rows
    assert queued == 0  # the AR exceptions queue holds customer credits only
