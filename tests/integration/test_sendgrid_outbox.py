"""The outbox through the official `sendgrid` SDK against a SendGrid v3 stand-in on 127.0.0.1:
the request carries Reply-To, BCC, threading headers, our message id and sandbox mode; a 202
is `sent` with SendGrid's X-Message-Id, a 429 is asked again, a 500 is `unknown` (never
resent), a 400 is `failed`; bounces read back reach the outbox and the account owner."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from o2c.adapters import warehouse
from o2c.adapters.email import OutgoingEmail, SendGridMailer, mailer_from_settings
from o2c.outbox import machine, store
from o2c.outbox.bounces import read_back
from o2c.outbox.deliver import deliver

pytestmark = pytest.mark.integration


def _server_module():
    path = Path(__file__).parents[1] / "e2e" / "sendgrid_server.py"
    spec = importlib.util.spec_from_file_location("sendgrid_server", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sendgrid_server", module)
    spec.loader.exec_module(module)
    return module


fake = _server_module()


@pytest.fixture
def sendgrid():
    with fake.serve() as server:
        yield server


@pytest.fixture
def mailer(sendgrid, monkeypatch):
    monkeypatch.setenv("O2C_SENDGRID_API_KEY", fake.API_KEY)
    monkeypatch.setenv("O2C_SENDGRID_HOST", sendgrid.url)
    monkeypatch.setenv("O2C_SENDGRID_SANDBOX", "true")
    from o2c.settings import Settings

    built = mailer_from_settings(Settings())
    assert isinstance(built, SendGridMailer)
    return built


def email(n: int, to: str = "ap@globex.example") -> OutgoingEmail:
    mid = machine.message_id("draft", n)
    return OutgoingEmail(
        mid, "ar@kestrel.example", (to,), f"Payment reminder {n}", "Please pay.",
        cc=("cfo@globex.example",), bcc=("owner@kestrel.example",),
        reply_to="collect@kestrel.example", rfc_message_id=f"<{mid}@kestrel.example>",
        in_reply_to="<MSG_earlier@kestrel.example>", references=("<MSG_earlier@kestrel.example>",),
        from_name="Kestrel GmbH")


def queue(settings, *emails):
    with warehouse.writer(settings) as con:
        for e in emails:
            store.enqueue(con, e, kind="reminder", draft_id=None, customer_id="C1", run_id="r0")


def states(settings):
    with warehouse.writer(settings) as con:
        return {m: s for m, (s, _) in store.current_states(con).items()}


def test_the_sdk_request_carries_everything_a_reminder_needs(settings, mailer, sendgrid):
    queue(settings, email(1))
    report = deliver(settings, mailer, "r1")
    [body] = sendgrid.accepted
    assert report.sent == [email(1).message_id]
    assert body["reply_to"] == {"email": "collect@kestrel.example"}
    assert body["from"] == {"email": "ar@kestrel.example", "name": "Kestrel GmbH"}
    [personalization] = body["personalizations"]
    assert personalization["cc"] == [{"email": "cfo@globex.example"}]
    assert personalization["bcc"] == [{"email": "owner@kestrel.example"}]
    assert body["headers"]["Message-ID"] == f"<{email(1).message_id}@kestrel.example>"
    assert body["headers"]["In-Reply-To"] == "<MSG_earlier@kestrel.example>"
    assert body["custom_args"] == {"o2c_message_id": email(1).message_id}
    assert body["mail_settings"] == {"sandbox_mode": {"enable": True}}
    with warehouse.writer(settings) as con:
        [(provider_id,)] = con.execute("select provider_message_id from app.outbox "
                                       "where state = 'sent'").fetchall()
    assert provider_id == "sg-0001"


def test_a_rate_limit_is_asked_again_and_sent_once(settings, mailer, sendgrid):
    sendgrid.script = [429, 429]
    queue(settings, email(1))
    report = deliver(settings, mailer, "r1")
    assert report.sent == [email(1).message_id] and len(sendgrid.accepted) == 1
    assert sendgrid.requests.count(("POST", "/v3/mail/send")) == 3


def test_a_server_error_is_unknown_and_never_sent_again(settings, mailer, sendgrid):
    sendgrid.script = [500]
    queue(settings, email(1))
    first = deliver(settings, mailer, "r1")
    second = deliver(settings, mailer, "r2", now=datetime.now(UTC) + timedelta(days=1))
    assert first.unknown == [email(1).message_id] and second.summary()["sent"] == 0
    assert sendgrid.requests.count(("POST", "/v3/mail/send")) == 1
    assert states(settings) == {email(1).message_id: "unknown"}


def test_a_bad_request_is_failed(settings, mailer, sendgrid):
    sendgrid.script = [400]
    queue(settings, email(1))
    assert deliver(settings, mailer, "r1").failed == [email(1).message_id]


def test_bounces_read_back_tell_the_account_owner(settings, mailer, sendgrid):
    queue(settings, email(1, to="gone@globex.example"), email(2))
    deliver(settings, mailer, "r1")
    now = int(datetime.now(UTC).timestamp())
    sendgrid.suppressions = {
        "bounces": [{"created": now, "email": "gone@globex.example",
                     "reason": "550 5.1.1 The email account does not exist", "status": "5.1.1"}],
        "invalid_emails": [{"created": now, "email": "nobody@elsewhere.example",
                            "reason": "Mail domain mentioned in email address is unknown"}]}
    owners = {"C1": ("owner@kestrel.example", "Globex GmbH")}.get
    report = read_back(settings, mailer, datetime.now(UTC) - timedelta(days=1), owners, "r2")
    assert report.suppressions == 2 and report.bounced == [email(1).message_id]
    assert any(p.startswith("/v3/suppression/bounces?start_time=") for _, p in sendgrid.requests)
    deliver(settings, mailer, "r3")
    notice = sendgrid.accepted[-1]
    assert notice["personalizations"][0]["to"] == [{"email": "owner@kestrel.example"}]
    assert "gone@globex.example" in notice["content"][0]["value"]
    assert states(settings)[email(1).message_id] == "bounced"
