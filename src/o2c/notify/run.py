"""One notification run: plan deliveries from the day's events, post the real-time ones to
Slack, send e-mail (real-time and digests) through the outbox, journal every state.

The warehouse writer is held only for the bookkeeping around each provider call, never during it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from o2c.adapters import warehouse
from o2c.adapters.chat import Chat, ChatRejected, ChatUncertain
from o2c.adapters.email import Mailer, OutgoingEmail
from o2c.domain.notify import Delivery, digest_text, message_text, plan
from o2c.notify import config, store
from o2c.notify.store import Key
from o2c.outbox import deliver as outbox_deliver
from o2c.outbox import machine as outbox_machine
from o2c.outbox import store as outbox_store
from o2c.settings import Settings

MIRRORED = {"sent": "sent", "failed": "failed", "unknown": "unknown", "bounced": "sent",
            "withdrawn": "failed"}


@dataclass
class NotifyReport:
    events: int = 0
    planned: int = 0
    rows: list[dict] = field(default_factory=list)  # one per delivery that changed state
    interrupted: list[Key] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row["state"]] += 1
        return {"events": self.events, "planned": self.planned,
                "interrupted": len(self.interrupted), **counts}


def notify(settings: Settings, chat: Chat | None, mailer: Mailer, as_of: date,
           run_id: str | None, send_digest: bool = True, now: datetime | None = None,
           ) -> NotifyReport:
    now = now or datetime.now(UTC)
    report = NotifyReport()
    routing = config.routing_config(settings, slack_enabled=chat is not None)
    with warehouse.writer(settings) as con:
        events = store.events(con)
        deliveries = plan(events, store.owners(con), routing, config.go_live(settings, as_of))
        report.events, report.planned = len(events), len(deliveries)
        report.interrupted = _mark_interrupted(con, now, settings, run_id)
        store.transition(con, [d.key for d in deliveries if d.key not in store.current(con)],
                         "pending", run_id=run_id)
        states = store.current(con)
    waiting = [d for d in deliveries if states[d.key][0] == "pending"]
    for d in waiting:
        if d.channel == "slack" and chat is not None:
            _post(settings, chat, d, run_id, report)
    emails = [d for d in waiting if d.channel == "email" and (send_digest or d.mode == "realtime")]
    _send_emails(settings, mailer, emails, as_of, run_id, report)
    return report


def _mark_interrupted(con, now: datetime, settings: Settings, run_id: str | None) -> list[Key]:
    """Slack deliveries left `sending` were cut off around the post: `unknown`, never resent.
    E-mail ones whose outbox message exists are finished by the outbox instead."""
    cutoff = now.replace(tzinfo=None) - timedelta(minutes=settings.notify_stale_minutes)
    queued = outbox_store.current_states(con)
    stuck = [k for k, (state, since, detail) in store.current(con).items()
             if state == "sending" and since <= cutoff
             and not (k[1] == "email" and detail in queued)]
    return store.transition(con, stuck, "unknown", run_id=run_id,
                            detail="interrupted after `sending` was recorded: it may have been "
                                   "delivered; check before sending again")


def _post(settings: Settings, chat: Chat, d: Delivery, run_id: str | None,
          report: NotifyReport) -> None:
    with warehouse.writer(settings) as con:
        if not store.transition(con, [d.key], "sending", run_id=run_id, detail=chat.name):
            return  # another run holds it
    try:
        provider_id = chat.post(d.recipient, message_text(d.event, settings.notify_link_base))
        state, detail = "sent", provider_id or None
    except ChatRejected as err:
        state, detail = "failed", str(err)
    except ChatUncertain as err:
        state, detail = "unknown", f"{err}; it may have been posted: check before resending"
    with warehouse.writer(settings) as con:
        store.transition(con, [d.key], state, run_id=run_id, detail=detail)
    report.rows.append(_row(d, state))


def _send_emails(settings: Settings, mailer: Mailer, emails: list[Delivery], as_of: date,
                 run_id: str | None, report: NotifyReport) -> None:
    groups: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for d in emails:
        groups[(d.recipient, d.mode if d.mode == "digest" else d.event.event_id)].append(d)
    with warehouse.writer(settings) as con:
        for (recipient, _), items in sorted(groups.items()):
            message = _email(settings, recipient, items, as_of)
            store.transition(con, [d.key for d in items], "sending", run_id=run_id,
                             detail=message.message_id)
            outbox_store.enqueue(con, message, kind="notification", draft_id=None,
                                 customer_id=None, run_id=run_id)
        sending = {k: detail for k, (state, _, detail) in store.current(con).items()
                   if state == "sending" and k[1] == "email"}
    if not sending:
        return
    outbox_deliver.deliver(settings, mailer, run_id, message_ids=sorted(set(sending.values())))
    by_key = {d.key: d for d in emails}
    with warehouse.writer(settings) as con:
        outcome = outbox_store.current_states(con, sorted(set(sending.values())))
        for key, message_id in sending.items():
            state = MIRRORED.get(outcome.get(message_id, ("",))[0])
            if state and store.transition(con, [key], state, run_id=run_id, detail=message_id):
                d = by_key.get(key)
                report.rows.append(_row(d, state) if d else
                                   {"event_id": key[0], "channel": key[1], "recipient": key[2],
                                    "state": state})


def _email(settings: Settings, recipient: str, items: list[Delivery], as_of: date,
           ) -> OutgoingEmail:
    events = [d.event for d in items]
    mid = outbox_machine.message_id("notify", recipient, *sorted(e.event_id for e in events))
    if len(items) == 1 and items[0].mode == "realtime":
        e = events[0]
        subject = f"{e.customer_name or e.customer_id}: {e.summary}"[:150]
        body = message_text(e, settings.notify_link_base).replace("*", "")
    else:
        subject, body = digest_text(recipient, events, settings.notify_link_base)
        subject = f"{subject} ({as_of})"
    domain = settings.mail_from.rpartition("@")[2] or "o2c.local"
    return OutgoingEmail(message_id=mid, from_addr=settings.mail_from, to=(recipient,),
                         subject=subject, body=body, rfc_message_id=f"<{mid}@{domain}>")


def _row(d: Delivery, state: str) -> dict:
    return {"event_id": d.event.event_id, "event_type": d.event.event_type,
            "customer_id": d.event.customer_id, "recipient": d.recipient,
            "channel": d.channel, "mode": d.mode, "state": state}
