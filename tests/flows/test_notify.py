"""The notify flow on a warehouse with events and owners: e-mail only (no Slack configured),
every event reaches its owner once, the artifact says what went to whom, a re-run sends
nothing; with a CRM configured it then pushes the changed AR fields, with an artifact of what
was pushed, and a CRM outage fails the run after journaling what got through."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from o2c.adapters import warehouse
from o2c.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")
AS_OF = date(2026, 11, 20)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("O2C_HOME", str(tmp_path / "o2c"))
    for var in ("O2C_DUCKDB_PATH", "O2C_SENDGRID_API_KEY", "O2C_SLACK_BOT_TOKEN",
                "O2C_SLACK_WEBHOOK_URL"):
        monkeypatch.delenv(var, raising=False)
    built = Settings()
    with warehouse.writer(built) as con:
        con.execute("create table main.dim_customers as select * from (values "
                    "('C1', 'one@x.test', null, null), ('C2', 'two@x.test', null, null)) "
                    "t(customer_id, account_owner_email, csm_email, collector_email)")
        con.execute("create table main.fct_ar_events as select * from (values "
                    "('E1', 'promise_broken', 'high', 'C1', 'Acme', 'I1', date '2026-11-19', "
                    " 'Promise broken.', 'Call.'), "
                    "('E2', 'invoice_paid_full', 'low', 'C2', 'Beta', 'I2', date '2026-11-20', "
                    " 'Paid.', 'None.')) t(event_id, event_type, severity, customer_id, "
                    "customer_name, invoice_id, occurred_on, summary, action)")
    return built


def test_notify_flow_sends_each_event_to_its_owner_once(settings):
    from prefect.artifacts import Artifact

    from flows.notify import notify

    first = notify(as_of=AS_OF)
    assert first["sent"] == 2 and first["planned"] == 2
    artifact = Artifact.get("notifications-sent")
    assert artifact is not None and "one@x.test" in str(artifact.data)
    with warehouse.writer(settings) as con:
        sent = con.execute("select event_id, recipient from app.notifications "
                           "where state = 'sent' order by event_id").fetchall()
    assert sent == [("E1", "one@x.test"), ("E2", "two@x.test")]
    second = notify(as_of=AS_OF)
    assert second.get("sent", 0) == 0
    assert len(list(settings.outbox_dir.rglob("*.eml"))) == 2
    assert first["crm"]["crm_system"] == "none"  # no CRM configured: skipped


def _crm_fakes():
    path = Path(__file__).parents[1] / "integration" / "crm_fakes.py"
    spec = importlib.util.spec_from_file_location("crm_fakes", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crm_fakes", module)
    spec.loader.exec_module(module)
    return module


def test_notify_flow_pushes_changed_fields_to_the_crm_after_deliveries(settings, tmp_path,
                                                                       monkeypatch):
    from prefect.artifacts import Artifact

    from flows.notify import notify

    fakes = _crm_fakes()
    with fakes.serve("salesforce", tmp_path) as salesforce:
        salesforce.accounts = {"001A": {}, "001B": {}}
        monkeypatch.setenv("O2C_CRM_SYSTEM", "salesforce")
        monkeypatch.setenv("O2C_CRM_BASE_URL", salesforce.url)
        monkeypatch.setenv("O2C_CRM_CA_BUNDLE", str(salesforce.ca_path))
        monkeypatch.setenv("O2C_CRM_SALESFORCE_SESSION_ID", fakes.SALESFORCE_TOKEN)
        fakes.write_marts(settings, [("C1", "001A", None, "100", "low", None),
                                     ("C2", "001B", None, "200", "high", None)])
        first = notify(as_of=AS_OF)
        assert first["crm"]["acknowledged"] == 2
        artifact = Artifact.get("crm-fields-pushed")
        assert artifact is not None and "O2C_Risk_Tier__c=high" in str(artifact.data)
        assert notify(as_of=AS_OF)["crm"] == {"crm_system": "salesforce", "accounts": 2}

        fakes.write_marts(settings, [("C1", "001A", None, "100", "high", None),
                                     ("C2", "001B", None, "200", "high", None)])
        salesforce.fail_after = salesforce.accepted_calls  # the CRM is down
        monkeypatch.setenv("O2C_CRM_BATCH_SIZE", "1")
        with pytest.raises(Exception, match="503"):
            notify(as_of=AS_OF)
        salesforce.fail_after = None
        assert notify(as_of=AS_OF)["crm"]["acknowledged"] == 1
