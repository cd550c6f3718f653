"""CRM sync through the official `simple-salesforce` against a Salesforce stand-in on 127.0.0.1
over HTTPS (test CA): only changed fields are sent and a re-run sends nothing; an outage after
the first batch resumes on the next run without duplicates or lost updates; a 429 is asked again
after Retry-After and a 503 after a backoff; unknown ids and per-record errors in a successful
batch are reported, journaled and retried, never fatal."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from crm_fakes import SALESFORCE_TOKEN, serve, write_marts

from o2c.adapters import journal, warehouse
from o2c.adapters.crm import crm_from_settings, retry_policy
from o2c.crm.config import load_field_map
from o2c.crm.run import sync
from o2c.settings import Settings

pytestmark = pytest.mark.integration

CUSTOMERS = [  # customer, crm id, crm system, open balance, tier, last payment
    ("C1", "001A", None, "1200.50", "low", date(2026, 11, 9)),
    ("C2", "001B", "salesforce", "300", "high", None),
    ("C3", "001C", None, "0", None, None),
    ("C4", None, None, "10", "low", None),            # no CRM account: not synced
    ("C5", "12345", "hubspot", "10", "low", None),     # another CRM's account
]


@pytest.fixture
def salesforce(tmp_path):
    with serve("salesforce", tmp_path) as fake:
        fake.accounts = {a: {} for a in ("001A", "001B", "001C", "001D", "001E")}
        yield fake


@pytest.fixture
def settings(tmp_path, monkeypatch, salesforce):
    monkeypatch.setenv("O2C_HOME", str(tmp_path / "o2c"))
    monkeypatch.delenv("O2C_DUCKDB_PATH", raising=False)
    monkeypatch.setenv("O2C_CRM_SYSTEM", "salesforce")
    monkeypatch.setenv("O2C_CRM_BASE_URL", salesforce.url)
    monkeypatch.setenv("O2C_CRM_CA_BUNDLE", str(salesforce.ca_path))
    monkeypatch.setenv("O2C_CRM_SALESFORCE_SESSION_ID", SALESFORCE_TOKEN)
    monkeypatch.setenv("O2C_NOTIFY_LINK_BASE", "https://o2c.example/app")
    built = Settings()
    write_marts(built, CUSTOMERS)
    return built


def run(settings: Settings):
    field_map = load_field_map("salesforce")
    crm = crm_from_settings(settings, field_map.object_name,
                            retry=retry_policy(retries=2, backoff_seconds=0.01))
    return sync(settings, crm, field_map, run_id=None)


def journal_states(settings: Settings) -> list[tuple[str, str]]:
    with warehouse.writer(settings) as con:
        return con.execute("select distinct crm_account_id, state from app.crm_sync "
                           "order by all").fetchall()


def test_only_changed_fields_are_sent_and_a_rerun_sends_nothing(settings, salesforce):
    report = run(settings)
    assert report.stopped is None
    assert salesforce.calls == [["001A", "001B", "001C"]]  # one batch, this CRM's accounts only
    assert salesforce.accounts["001A"] == {
        "O2C_Open_Balance__c": Decimal("1200.50"), "O2C_Overdue_Balance__c": Decimal("600.25"),
        "O2C_Balance_Currency__c": "EUR", "O2C_Oldest_Overdue_Days__c": 12,
        "O2C_Risk_Tier__c": "low", "O2C_Last_Payment_Date__c": "2026-11-09",
        "O2C_Last_Payment_Amount__c": Decimal("100.10"), "O2C_Last_Payment_Currency__c": "EUR",
        "O2C_Link__c": "https://o2c.example/app/customers/C1"}
    assert "O2C_Risk_Tier__c" not in salesforce.accounts["001C"]  # empty and never pushed
    assert journal_states(settings) == [("001A", "acknowledged"), ("001B", "acknowledged"),
                                        ("001C", "acknowledged")]

    assert run(settings).rows == [] and len(salesforce.calls) == 1  # nothing changed

    changed = [(c, i, s, "999.99" if c == "C2" else b, t, p) for c, i, s, b, t, p in CUSTOMERS]
    write_marts(settings, changed)
    run(settings)
    assert salesforce.calls[1:] == [["001B"]]
    assert salesforce.applied[-2:] == [("001B", "O2C_Open_Balance__c", Decimal("999.99")),
                                       ("001B", "O2C_Overdue_Balance__c", Decimal("500.00"))]
    with warehouse.writer(settings) as con:
        assert all(r.ok for r in journal.verify_all(con))


def five_customers():
    return [(f"C{n}", f"001{chr(64 + n)}", None, f"{n}00", "low", None) for n in range(1, 6)]


def test_an_outage_mid_batch_resumes_on_the_next_run_without_duplicates_or_lost_updates(
        settings, salesforce, monkeypatch):
    monkeypatch.setenv("O2C_CRM_BATCH_SIZE", "2")
    settings = Settings()
    write_marts(settings, five_customers())
    salesforce.fail_after = 1  # the first batch lands, then the CRM goes down

    report = run(settings)
    assert report.stopped and "503" in report.stopped
    assert salesforce.calls[0] == ["001A", "001B"]
    assert {c for call in salesforce.calls[1:] for c in call} == {"001C", "001D"}  # retried
    assert {r["crm_account_id"]: r["result"] for r in report.rows} == {
        "001A": "acknowledged", "001B": "acknowledged", "001C": "not_sent",
        "001D": "not_sent", "001E": "not_sent"}

    salesforce.fail_after, salesforce.calls = None, []
    run(settings)
    assert salesforce.calls == [["001C", "001D"], ["001E"]]  # exactly the rest

    later = [(c, i, s, b, "high" if c == "C1" else t, p) for c, i, s, b, t, p in five_customers()]
    write_marts(settings, later)
    salesforce.calls = []
    run(settings)
    run(settings)
    assert salesforce.calls == [["001A"]]
    tiers = [(a, v) for a, f, v in salesforce.applied if f == "O2C_Risk_Tier__c"]
    assert sorted(tiers) == [("001A", "high"), ("001A", "low"), ("001B", "low"),
                             ("001C", "low"), ("001D", "low"), ("001E", "low")]  # each once
    assert len(salesforce.applied) == len(set(salesforce.applied))


def test_rate_limit_and_server_error_are_asked_again(settings, salesforce):
    salesforce.script = [(429, {"Retry-After": "1"}), (503, {})]
    started = time.monotonic()
    report = run(settings)
    assert time.monotonic() - started >= 1  # Retry-After honoured
    assert report.stopped is None
    assert len(salesforce.calls) == 3  # 429, 503, then taken
    assert {r["result"] for r in report.rows} == {"acknowledged"}


def test_unknown_ids_and_record_errors_are_reported_journaled_and_retried(settings, salesforce):
    del salesforce.accounts["001B"]  # the ERP's crm_id names no Account
    salesforce.record_errors["001C"] = ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "tier required")

    report = run(settings)
    assert report.stopped is None
    results = {r["crm_account_id"]: (r["result"], r["detail"]) for r in report.rows}
    assert results["001A"] == ("acknowledged", "")
    assert results["001B"][0] == "unknown_id"
    assert "INVALID_CROSS_REFERENCE_KEY" in results["001B"][1]
    assert results["001C"] == ("rejected", "FIELD_CUSTOM_VALIDATION_EXCEPTION: tier required")
    assert journal_states(settings) == [("001A", "acknowledged"), ("001B", "unknown_id"),
                                        ("001C", "rejected")]

    salesforce.accounts["001B"], salesforce.record_errors = {}, {}  # fixed in the CRM
    salesforce.calls = []
    run(settings)
    assert salesforce.calls == [["001B", "001C"]]  # retried; 001A not sent again
    run(settings)
    assert salesforce.calls == [["001B", "001C"]]
