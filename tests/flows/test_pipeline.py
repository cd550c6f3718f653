"""The pipeline flow on a generated company: loads, quarantines, builds the AR layer, traces
every mart row back to its file, loads nothing twice, and lets corrected files supersede.

The module shares one warehouse: the first pipeline run is a fixture, the tests read it, and
the last test delivers a corrected file and runs again (each run builds the whole dbt project).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from o2c.adapters import warehouse
from o2c.demo import write_manual_extract
from o2c.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")
AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from o2c.synth.cli import generate

    home = tmp_path_factory.mktemp("pipeline") / "o2c"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("O2C_HOME", str(home))
        for var in ("O2C_LANDING_URL", "O2C_DUCKDB_PATH", "O2C_S3_ENDPOINT_URL"):
            mp.delenv(var, raising=False)
        settings = Settings()
        generate(customers=25, seed=3, out=Path(settings.landing_url), fmt="csv", as_of=AS_OF)
        shutil.rmtree(Path(settings.landing_url) / "bank")  # bank files: test_ingest_bank.py
        write_manual_extract(Path(settings.landing_url))
        yield settings


@pytest.fixture(scope="module")
def first_run(settings, prefect_harness):
    from flows.pipeline import pipeline

    return pipeline(as_of=AS_OF)


def _rows(settings, sql, params=()):
    with warehouse.reader(settings) as con:
        return con.execute(sql, params).fetchall()


def _invoice_file(settings) -> Path:
    return next((Path(settings.landing_url) / "erp" / "invoices").glob("invoices_*.csv"))


def test_every_file_loads_and_bad_rows_are_quarantined_with_reasons(first_run, settings):
    statuses = {f["key"]: f["status"] for f in first_run["files"]}  # ERP files
    assert len(statuses) == 12 and set(statuses.values()) == {"loaded"}
    assert _rows(settings, "select source_row, reason from raw.quarantine order by 1") == [
        (1, "amount: greater_than(0)"), (2, "currency: isin(ISO 4217)"),
        (3, "due_date: on_or_after(issue_date)")]


def test_the_ar_layer_holds_every_good_invoice_and_the_aging_report(first_run, settings):
    generated = sum(1 for _ in csv.DictReader(_invoice_file(settings).open()))
    [(n_invoices, n_open)] = _rows(settings, "select count(*), count(*) filter (where is_open) "
                                             "from fct_invoices")
    assert n_invoices == generated + 2  # two of the manual rows were good
    assert 0 < n_open < n_invoices
    [(open_total,)] = _rows(settings, "select sum(open_amount) from fct_invoices")
    assert sum(r["total"] for r in first_run["aging"]) == open_total


def test_any_invoice_traces_back_to_its_file_version_checksum_and_row(first_run, settings):
    rows = _rows(settings, "select invoice_id, source_file_id, source_row from fct_invoices")
    for invoice_id, source_file_id, source_row in random.Random(11).sample(rows, 5):
        [(path, version, checksum)] = _rows(
            settings, "select path, version, checksum_sha256 from raw.file_ledger "
                      "where source_file_id = ?", [source_file_id])
        data = (Path(settings.landing_url) / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == checksum
        assert version == 1
        row = list(csv.DictReader(io.StringIO(data.decode())))[source_row - 1]
        assert row["invoice_id"] == invoice_id


def test_a_rerun_loads_nothing_twice(first_run, settings):
    from flows.ingest_erp import ingest_erp

    assert ingest_erp() == []
    assert _rows(settings, "select count(*) from raw.file_deliveries "
                           "where path like 'erp/%'") == [(12,)]


def test_a_corrected_file_supersedes_the_earlier_version_by_business_key(first_run, settings):
    from flows.pipeline import pipeline

    path = _invoice_file(settings)
    rows = list(csv.DictReader(path.open()))
    target = next(r for r in rows if r["status"] == "open")
    target["amount"] = str(Decimal(target["amount"]) + 10)  # the ERP corrected it
    dropped = next(r for r in rows if r["status"] == "void")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(r for r in rows if r is not dropped)
    path.write_text(out.getvalue())

    result = pipeline(as_of=AS_OF)
    assert [(f["key"], f["version"]) for f in result["files"]] == [
        (f"erp/invoices/{path.name}", 2)]
    [(amount, version)] = _rows(settings, "select cast(amount as varchar), source_version "
                                          "from fct_invoices where invoice_id = ?",
                                [target["invoice_id"]])
    assert (amount, version) == (f"{Decimal(target['amount']):.4f}", 2)
    assert _rows(settings, "select count(*) from fct_invoices where invoice_id = ?",
                 [dropped["invoice_id"]]) == [(0,)]


def test_after_a_run_each_owner_is_told_exactly_their_accounts_events(first_run, settings):
    from flows.notify import notify
    from o2c.notify.config import go_live

    summary = notify(as_of=AS_OF)
    assert summary["sent"] > 0
    since = go_live(settings, AS_OF)
    events = _rows(settings, "select event_id, customer_id from fct_ar_events "
                             "where occurred_on >= ? and occurred_on <= ?", [since, AS_OF])
    owners = {c: {e for e in (a, s, k) if e} for c, a, s, k in _rows(
        settings, "select customer_id, account_owner_email, csm_email, collector_email "
                  "from dim_customers")}
    expected = {(e, r) for e, c in events
                for r in (owners.get(c) or {settings.notify_team_address})}
    with warehouse.writer(settings) as con:  # readers see the copy published by pipeline
        told = set(con.execute("select distinct event_id, recipient from app.notifications "
                               "where state = 'sent'").fetchall())
    assert events and told == expected
    assert notify(as_of=AS_OF).get("sent", 0) == 0  # a re-run tells nobody twice
