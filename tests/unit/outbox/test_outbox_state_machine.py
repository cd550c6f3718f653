"""The outbox never sends a message twice: not on a re-run, not after a crash between the
provider call and the bookkeeping (that message becomes `unknown` for a person), and bounces
read back mark the message and tell the account owner once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from o2c.adapters import journal, warehouse
from o2c.adapters.email import FileMailer, OutgoingEmail, SendRejected, SendUncertain, Suppression
from o2c.outbox import machine, store
from o2c.outbox.bounces import read_back
from o2c.outbox.deliver import deliver


class Recorder:
    """A mailer that records calls and answers as scripted."""

    name = "recorder"

    def __init__(self, *outcomes: Exception | None, suppressions=()) -> None:
        self.calls: list[str] = []
        self.outcomes = list(outcomes)
        self._suppressions = list(suppressions)

    def send(self, message: OutgoingEmail) -> str:
        self.calls.append(message.message_id)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return f"prov-{len(self.calls)}"

    def suppressions(self, since: datetime) -> list[Suppression]:
        return self._suppressions


class Crash(BaseException):
    """The process dies right after the provider accepted the message."""


class CrashAfterSend(Recorder):
    def send(self, message: OutgoingEmail) -> str:
        super().send(message)
        raise Crash


def email(n: int = 1, to: str = "ap@globex.example") -> OutgoingEmail:
    mid = machine.message_id("draft", n)
    return OutgoingEmail(mid, "ar@kestrel.example", (to,), f"Reminder {n}", "Please pay.",
                         rfc_message_id=f"<{mid}@kestrel.example>")


def queue(settings, *emails: OutgoingEmail) -> None:
    with warehouse.writer(settings) as con:
        for e in emails:
            store.enqueue(con, e, kind="reminder", draft_id=None, customer_id="C1", run_id="r0")


def states(settings) -> dict[str, str]:
    with warehouse.writer(settings) as con:
        return {m: s for m, (s, _) in store.current_states(con).items()}


def history(settings, message_id: str) -> list[str]:
    with warehouse.writer(settings) as con:
        return [r[0] for r in con.execute("select state from app.outbox where message_id = ? "
                                          "order by seq", [message_id]).fetchall()]


def test_a_message_is_sent_once_however_often_delivery_runs(settings):
    queue(settings, email(1), email(2))
    mailer = Recorder()
    first = deliver(settings, mailer, "r1")
    queue(settings, email(1))  # enqueued again (a retried task): nothing new
    second = deliver(settings, mailer, "r2")
    assert sorted(first.sent) == sorted([email(1).message_id, email(2).message_id])
    assert second.summary()["sent"] == 0 and len(mailer.calls) == 2
    assert history(settings, email(1).message_id) == ["approved", "sending", "sent"]
    with warehouse.writer(settings) as con:
        assert journal.verify(con, "outbox").ok


def test_a_crash_between_the_call_and_the_bookkeeping_leaves_it_unknown_never_resent(settings):
    queue(settings, email(1))
    mailer = CrashAfterSend()
    with pytest.raises(Crash):
        deliver(settings, mailer, "r1")
    assert states(settings) == {email(1).message_id: "sending"}

    later = datetime.now(UTC) + timedelta(hours=1)
    report = deliver(settings, Recorder(), "r2", now=later)
    assert report.interrupted == [email(1).message_id] and report.sent == []
    assert history(settings, email(1).message_id) == ["approved", "sending", "unknown"]
    assert len(mailer.calls) == 1


def test_a_fresh_sending_row_is_left_to_the_run_that_holds_it(settings):
    queue(settings, email(1))
    with warehouse.writer(settings) as con:
        store.transition(con, email(1).message_id, "sending", run_id="other-run")
    mailer = Recorder()
    report = deliver(settings, mailer, "r2")
    assert report.interrupted == [] and mailer.calls == []
    assert states(settings)[email(1).message_id] == "sending"


def test_refused_is_failed_and_ambiguous_is_unknown(settings):
    queue(settings, email(1), email(2))
    ordered = sorted([email(1).message_id, email(2).message_id])
    mailer = Recorder(SendRejected("400 bad request"), SendUncertain("500 from provider"))
    report = deliver(settings, mailer, "r1")
    assert (report.failed, report.unknown) == ([ordered[0]], [ordered[1]])
    deliver(settings, Recorder(), "r2")
    assert states(settings) == {ordered[0]: "failed", ordered[1]: "unknown"}


def test_a_message_whose_facts_changed_is_withdrawn_not_sent(settings):
    queue(settings, email(1), email(2))
    changed = {email(1).message_id: ["INV-1: now paid or credited"]}
    mailer = Recorder()
    report = deliver(settings, mailer, "r1", recheck={
        "reminder": lambda queued: {q.email.message_id: changed.get(q.email.message_id, [])
                                    for q in queued}})
    assert report.withdrawn == changed and mailer.calls == [email(2).message_id]
    assert states(settings)[email(1).message_id] == "withdrawn"


def test_illegal_transitions_are_refused_with_the_allowed_ones_named():
    with pytest.raises(machine.IllegalTransition, match="from approved the next states are"):
        machine.check("MSG_1", "approved", "sent")
    with pytest.raises(machine.IllegalTransition, match="none \\(final\\)"):
        machine.check("MSG_1", "failed", "sending")


def test_bounces_mark_the_message_and_tell_the_account_owner_once(settings):
    queue(settings, email(1, to="gone@globex.example"), email(2))
    deliver(settings, Recorder(), "r1")
    bounce = Suppression("gone@globex.example", "bounces", "550 5.1.1 user unknown",
                         datetime.now(UTC))
    owners = {"C1": ("owner@kestrel.example", "Globex GmbH")}.get
    since = datetime.now(UTC) - timedelta(days=1)
    first = read_back(settings, Recorder(suppressions=[bounce]), since, owners, "r2")
    again = read_back(settings, Recorder(suppressions=[bounce]), since, owners, "r3")
    assert first.bounced == [email(1).message_id] and len(first.notices) == 1
    assert again.bounced == [] and again.notices == []
    assert states(settings)[email(1).message_id] == "bounced"

    mailer = FileMailer(settings.outbox_dir)
    deliver(settings, mailer, "r4")
    [notice] = settings.outbox_dir.glob("*.eml")
    text = notice.read_text()
    assert "To: owner@kestrel.example" in text and "gone@globex.example" in text
    assert "550 5.1.1 user unknown" in text
