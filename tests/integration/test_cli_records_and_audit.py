"""The collector's CLI records land like any extract; `o2c audit verify` catches an edit."""

from datetime import datetime
from decimal import Decimal

import pandas as pd
from typer.testing import CliRunner

from o2c.adapters import journal, warehouse
from o2c.adapters.landing import LocalLanding
from o2c.cli import app
from o2c.ingest.erp import load_file, pending

INVOICES = (
    "invoice_id,entity_id,customer_id,issue_date,due_date,currency,amount,status,po_number,"
    "is_disputed,is_paperless\n"
    "INV-7,E1,C9,2026-10-01,2026-10-31,EUR,1200.00,open,,false,true\n"
)
runner = CliRunner()


def _load_invoices(settings):
    landing = LocalLanding(settings.landing_url)
    landing.write("erp/invoices/invoices.csv", INVOICES.encode())
    with warehouse.writer(settings) as con:
        for landed in pending(con, list(landing.list("erp/"))):
            load_file(con, landed, landing.read(landed.key))


def test_a_promise_recorded_from_the_cli_is_a_loaded_file_with_lineage(settings):
    _load_invoices(settings)
    result = runner.invoke(app, ["record", "promise", "INV-7", "--promised-date", "2026-12-01",
                                 "--amount", "600.00", "--by", "j.doe", "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    with warehouse.writer(settings) as con:
        row = con.execute(
            "select p.customer_id, p.currency, cast(p.amount as varchar), p.status, f.path "
            "from raw.promises p join raw.file_ledger f using (source_file_id)").fetchone()
    assert row[:4] == ("C9", "EUR", "600.0000", "open")
    assert row[4].startswith("erp/promises/collector_PTP_")
    again = runner.invoke(app, ["record", "promise", "INV-7", "--promised-date", "2026-12-01",
                                "--amount", "600.00", "--by", "j.doe", "--as-of", "2026-11-20"])
    assert again.exit_code == 0 and "already recorded" in again.output
    with warehouse.writer(settings) as con:
        assert con.execute("select count(*) from raw.promises").fetchone() == (1,)


def test_a_dispute_for_an_unknown_invoice_is_refused(settings):
    _load_invoices(settings)
    result = runner.invoke(app, ["record", "dispute", "INV-404", "--reason", "wrong price",
                                 "--by", "j.doe"])
    assert result.exit_code != 0
    assert "INV-404 is not in the warehouse" in str(result.exception)


def test_audit_verify_passes_an_intact_chain_and_fails_an_edited_row(settings):
    rows = pd.DataFrame([{
        "application_id": f"A{i}", "currency": "EUR", "cash_applied": Decimal("10"),
        "write_off": Decimal(0), "discount": Decimal(0), "status": "auto",
        "decided_by": "engine", "decided_at": datetime(2026, 11, 20, 9)} for i in range(3)])
    with warehouse.writer(settings) as con:
        journal.append(con, "cash_applications", rows)
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "app.cash_applications: 3 row(s), chain intact" in ok.output
    with warehouse.writer(settings) as con:
        con.execute("update app.cash_applications set cash_applied = 11 where seq = 2")
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "app.cash_applications: BROKEN at seq 2: row content changed" in broken.output
