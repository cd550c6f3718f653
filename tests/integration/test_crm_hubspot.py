"""CRM sync through the official `hubspot-api-client` against a HubSpot stand-in on 127.0.0.1
over HTTPS (test CA): only changed properties are sent and a re-run sends nothing; an outage
after the first batch resumes on the next run without duplicates or lost updates; a 429 is asked
again after Retry-After; a 207 multi-status answer's errors and a 400 naming unknown ids are
reported, journaled and retried, never fatal."""

from __future__ import annotations

import time
from datetime import date

import pytest
from crm_fakes import HUBSPOT_TOKEN, serve, write_marts

from o2c.adapters import warehouse
from o2c.adapters.crm import crm_from_settings, retry_policy
from o2c.crm.config import load_field_map
from o2c.crm.run import sync
from o2c.settings import Settings

pytestmark = pytest.mark.integration

CUSTOMERS = [  # customer, crm id, crm system, open balance, tier, last payment
    ("C1", "101", "hubspot", "1200.50", "low", date(2026, 11, 9)),
    ("C2", "102", None, "300", "high", None),
    ("C3", "103", None, "0", None, None),
    ("C4", "0015g0000001", "salesforce", "10", "low", None),  # another CRM's account
]


@pytest.fixture
def hubspot(tmp_path):
    with serve("hubspot", tmp_path) as fake:
        fake.accounts = {a: {} for a in ("101", "102", "103", "104", "105")}
        yield fake


@pytest.fixture
def settings(tmp_path, monkeypatch, hubspot):
    monkeypatch.setenv("O2C_HOME", str(tmp_path / "o2c"))
    monkeypatch.delenv("O2C_DUCKDB_PATH", raising=False)
    monkeypatch.setenv("O2C_CRM_SYSTEM", "hubspot")
    monkeypatch.setenv("O2C_CRM_BASE_URL", hubspot.url)
    monkeypatch.setenv("O2C_CRM_CA_BUNDLE", str(hubspot.ca_path))
    monkeypatch.setenv("O2C_CRM_HUBSPOT_ACCESS_TOKEN", HUBSPOT_TOKEN)
    built = Settings()
    write_marts(built, CUSTOMERS)
    return built


def run(settings: Settings):
    field_map = load_field_map("hubspot")
    crm = crm_from_settings(settings, retry=retry_policy(retries=2, backoff_seconds=0.01))
    return sync(settings, crm, field_map, run_id=None)


def journal_states(settings: Settings) -> list[tuple[str, str]]:
    with warehouse.writer(settings) as con:
        return con.execute("select distinct crm_account_id, state from app.crm_sync "
                           "order by all").fetchall()


def test_only_changed_properties_are_sent_and_a_rerun_sends_nothing(settings, hubspot):
    report = run(settings)
    assert report.stopped is None
    assert hubspot.calls == [["101", "102", "103"]]
    assert hubspot.accounts["101"]["o2c_open_balance"] == "1200.50"
    assert hubspot.accounts["101"]["o2c_last_payment_date"] == "2026-11-09"
    assert "o2c_risk_tier" not in hubspot.accounts["103"]  # empty and never pushed

    assert run(settings).rows == [] and len(hubspot.calls) == 1

    cleared = [(c, i, s, b, None if c == "C1" else t, p) for c, i, s, b, t, p in CUSTOMERS]
    write_marts(settings, cleared)
    run(settings)
    assert hubspot.calls[1:] == [["101"]]
    assert hubspot.applied[-1] == ("101", "o2c_risk_tier", "")  # an empty string clears it


def test_an_outage_mid_batch_resumes_on_the_next_run_without_duplicates_or_lost_updates(
        settings, hubspot, monkeypatch):
    monkeypatch.setenv("O2C_CRM_BATCH_SIZE", "2")
    settings = Settings()
    customers = [(f"C{n}", f"10{n}", None, f"{n}00", "low", None) for n in range(1, 6)]
    write_marts(settings, customers)
    hubspot.fail_after = 1

    report = run(settings)
    assert report.stopped and "503" in report.stopped
    assert [r["crm_account_id"] for r in report.rows if r["result"] == "not_sent"] == [
        "103", "104", "105"]

    hubspot.fail_after, hubspot.calls = None, []
    run(settings)
    assert hubspot.calls == [["103", "104"], ["105"]]

    write_marts(settings, [(c, i, s, "42" if c == "C5" else b, t, p)
                           for c, i, s, b, t, p in customers])
    hubspot.calls = []
    run(settings)
    run(settings)
    assert hubspot.calls == [["105"]]
    balances = [(a, v) for a, f, v in hubspot.applied if f == "o2c_open_balance"]
    assert sorted(balances) == [("101", "100.00"), ("102", "200.00"), ("103", "300.00"),
                                ("104", "400.00"), ("105", "42.00"), ("105", "500.00")]
    assert len(hubspot.applied) == len(set(hubspot.applied))


def test_rate_limit_is_asked_again_after_retry_after(settings, hubspot):
    hubspot.script = [(429, {"Retry-After": "1"})]
    started = time.monotonic()
    report = run(settings)
    assert time.monotonic() - started >= 1
    assert report.stopped is None and len(hubspot.calls) == 2
    assert {r["result"] for r in report.rows} == {"acknowledged"}


def test_multi_status_errors_and_unknown_ids_are_reported_journaled_and_retried(
        settings, hubspot):
    del hubspot.accounts["102"]  # the whole batch is refused naming it; the rest is resent
    hubspot.record_errors["103"] = ("VALIDATION_ERROR", "o2c_oldest_overdue_days: not a number")

    report = run(settings)
    assert report.stopped is None
    assert hubspot.calls == [["101", "102", "103"], ["101", "103"]]
    results = {r["crm_account_id"]: r["result"] for r in report.rows}
    assert results == {"101": "acknowledged", "102": "unknown_id", "103": "rejected"}
    assert "not a number" in next(r["detail"] for r in report.rows if r["crm_account_id"] == "103")
    assert journal_states(settings) == [("101", "acknowledged"), ("102", "unknown_id"),
                                        ("103", "rejected")]

    hubspot.record_errors = {}
    hubspot.calls = []
    report = run(settings)  # 102 is still unknown: reported again, 103 goes through
    assert hubspot.calls == [["102", "103"], ["103"]]
    assert {r["crm_account_id"]: r["result"] for r in report.rows} == {
        "102": "unknown_id", "103": "acknowledged"}
