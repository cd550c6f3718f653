"""Notifications through the official `slack_sdk` against a Slack stand-in on 127.0.0.1
(incoming webhook and Web API), e-mail digests through the .eml outbox: each account owner gets
exactly the events of their accounts, a 429 is asked again after Retry-After, a 500 is
`unknown` and a 400 `failed` (neither resent), a crash right after the post leaves `unknown`,
and a re-run delivers nothing twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from o2c.adapters import warehouse
from o2c.adapters.chat import SlackBotChat, SlackWebhookChat, chat_from_settings
from o2c.adapters.email import mailer_from_settings
from o2c.notify import store
from o2c.notify.run import notify
from o2c.settings import Settings

pytestmark = pytest.mark.integration
AS_OF = date(2026, 11, 20)


class FakeSlack:
    """Answers each path from a script (status, headers, body); then 200 ok. Records posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.script: dict[str, list[tuple[int, dict, str]]] = {}
        self.url = ""

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                fake.posts.append((self.path, body))
                status, headers, text = (fake.script.get(self.path) or [(200, {}, "")]).pop(0) \
                    if fake.script.get(self.path) else (200, {}, "")
                if not text:
                    text = self.default(self.path, body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(text.encode())))
                self.end_headers()
                self.wfile.write(text.encode())

            def default(self, path, body):
                if path.endswith("users.lookupByEmail"):
                    return json.dumps({"ok": True, "user": {"id": "U" + body["email"][:3]}})
                if path.endswith("chat.postMessage"):
                    return json.dumps({"ok": True, "ts": f"17000.{len(fake.posts)}"})
                return "ok"

        return Handler

    def texts(self, path="/webhook") -> list[str]:
        return [b.get("text", "") for p, b in self.posts if p == path]


@contextmanager
def serve() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


CUSTOMERS = [("C1", "a.owner@x.test", "c.sm@x.test", None),
             ("C2", "b.owner@x.test", None, None),
             ("C3", None, None, None)]
EVENTS = [  # event_id, type, severity, customer, invoice, occurred_on
    ("E1", "promise_broken", "high", "C1", "I1", date(2026, 11, 19)),
    ("E2", "due_date_missed", "medium", "C1", "I2", date(2026, 11, 18)),
    ("E3", "credit_limit_exceeded", "high", "C2", None, date(2026, 11, 20)),
    ("E4", "invoice_paid_full", "low", "C2", "I4", date(2026, 11, 20)),
    ("E5", "due_date_missed", "medium", "C3", "I5", date(2026, 11, 20)),
    ("E0", "due_date_missed", "medium", "C1", "I0", date(2024, 1, 5)),  # before go-live
]


def write_marts(settings: Settings, events=EVENTS) -> None:
    with warehouse.writer(settings) as con:
        con.execute("create or replace table main.dim_customers (customer_id varchar, "
                    "name varchar, account_owner_email varchar, csm_email varchar, "
                    "collector_email varchar)")
        con.executemany("insert into main.dim_customers values (?, ?, ?, ?, ?)",
                        [(c, f"Customer {c}", a, s, k) for c, a, s, k in CUSTOMERS])
        con.execute("create or replace table main.fct_ar_events (event_id varchar, "
                    "event_type varchar, severity varchar, customer_id varchar, "
                    "customer_name varchar, invoice_id varchar, occurred_on date, "
                    "summary varchar, action varchar)")
        con.executemany("insert into main.fct_ar_events values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(e, t, s, c, f"Customer {c}", i, d, f"{t} on {i or c}", "Act now.")
                         for e, t, s, c, i, d in events])


@pytest.fixture
def slack():
    with serve() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path, monkeypatch, slack):
    monkeypatch.setenv("O2C_HOME", str(tmp_path / "o2c"))
    for var in ("O2C_DUCKDB_PATH", "O2C_SENDGRID_API_KEY", "O2C_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("O2C_SLACK_WEBHOOK_URL", f"{slack.url}/webhook")
    monkeypatch.setenv("O2C_NOTIFY_TEAM_ADDRESS", "team@x.test")
    built = Settings()
    write_marts(built)
    return built


def run(settings: Settings, chat=None, now: datetime | None = None, digest: bool = True):
    chat = chat or chat_from_settings(settings)
    return notify(settings, chat, mailer_from_settings(settings), AS_OF, run_id="r",
                  send_digest=digest, now=now)


def emails(settings: Settings) -> dict[str, list[str]]:
    """Recipient -> bodies of the .eml files the outbox wrote."""
    found: dict[str, list[str]] = {}
    for path in sorted(settings.outbox_dir.rglob("*.eml")):
        msg = message_from_bytes(path.read_bytes())
        found.setdefault(msg["To"], []).append(msg.get_payload(decode=True).decode())
    return found


def states(settings: Settings) -> dict[tuple[str, str, str], str]:
    with warehouse.writer(settings) as con:
        return {k: v[0] for k, v in store.current(con).items()}


def test_each_owner_receives_exactly_their_accounts_events_once(settings, slack):
    run(settings)
    posts = slack.texts()
    # high severity at once on Slack: E1 to C1's owner and CSM, E3 to C2's owner
    assert sorted(t.splitlines()[0] for t in posts) == [
        "For a.owner@x.test:", "For b.owner@x.test:", "For c.sm@x.test:"]
    assert all("/customers/" in t and "What to do:" in t for t in posts)
    got = emails(settings)
    assert set(got) == {"a.owner@x.test", "c.sm@x.test", "b.owner@x.test", "team@x.test"}
    assert "I2" in got["a.owner@x.test"][0] and "I4" not in got["a.owner@x.test"][0]
    assert "I4" in got["b.owner@x.test"][0] and "I2" not in got["b.owner@x.test"][0]
    assert "I5" in got["team@x.test"][0]  # C3 has nobody: the team address
    assert not any("I0" in b for bodies in got.values() for b in bodies)  # before go-live
    assert set(states(settings).values()) == {"sent"}

    run(settings)
    run(settings, now=datetime.now(UTC) + timedelta(days=1))
    assert len(slack.texts()) == 3
    assert sum(len(v) for v in emails(settings).values()) == 4


def test_realtime_only_runs_keep_the_digest_for_later(settings, slack):
    run(settings, digest=False)
    assert len(slack.texts()) == 3 and emails(settings) == {}
    assert "pending" in states(settings).values()
    run(settings)
    assert len(emails(settings)) == 4 and len(slack.texts()) == 3


def test_rate_limited_post_is_asked_again_after_retry_after(settings, slack):
    slack.script["/webhook"] = [(429, {"Retry-After": "1"}, "rate_limited")]
    run(settings)
    assert len(slack.texts()) == 4  # one 429, then the three posts
    assert {s for (e, c, r), s in states(settings).items() if c == "slack"} == {"sent"}


def test_server_error_is_unknown_and_a_client_error_failed_neither_resent(settings, slack):
    slack.script["/webhook"] = [(500, {}, "oops"), (400, {}, "invalid_payload")]
    run(settings)
    slack_states = sorted(s for (e, c, r), s in states(settings).items() if c == "slack")
    assert slack_states == ["failed", "sent", "unknown"]
    run(settings, now=datetime.now(UTC) + timedelta(hours=2))
    assert len(slack.texts()) == 3


class CrashAfterPost(SlackWebhookChat):
    """The process dies right after Slack took the message, before the outcome is journaled."""

    def post(self, recipient: str, text: str) -> str:
        super().post(recipient, text)
        raise SystemExit("killed")


def test_a_crash_right_after_the_post_leaves_unknown_and_is_not_resent(settings, slack):
    with pytest.raises(SystemExit):
        run(settings, chat=CrashAfterPost(f"{slack.url}/webhook"))
    assert len(slack.texts()) == 1
    assert "sending" in states(settings).values()
    run(settings)  # too soon to call it stale: left alone, not resent
    assert "sending" in states(settings).values()
    report = run(settings, now=datetime.now(UTC) + timedelta(hours=1))
    assert len(report.interrupted) == 1
    assert sorted(s for (e, c, r), s in states(settings).items() if c == "slack") == [
        "sent", "sent", "unknown"]
    assert len(slack.texts()) == 3  # the crashed post went out once; the other two after


def test_bot_token_sends_direct_messages_by_e_mail_lookup(settings, slack):
    chat = SlackBotChat("xoxb-test", base_url=f"{slack.url}/api/")
    run(settings, chat=chat)
    paths = [p for p, _ in slack.posts]
    assert paths.count("/api/chat.postMessage") == 3
    assert paths.count("/api/users.lookupByEmail") == 3
    channels = {b["channel"] for p, b in slack.posts if p == "/api/chat.postMessage"}
    assert channels == {"Ua.o", "Ub.o", "Uc.s"}
    run(settings, chat=chat)
    assert [p for p, _ in slack.posts].count("/api/chat.postMessage") == 3
