"""Deliver approved messages: re-check, claim (`sending`), call the provider, record the outcome.

The warehouse writer is held only for the bookkeeping around each call, never during it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from o2c.adapters import warehouse
from o2c.adapters.email import Mailer, SendRejected, SendUncertain
from o2c.outbox import store
from o2c.outbox.store import Queued
from o2c.settings import Settings

# messages whose facts changed since approval -> what changed (empty: send it)
Recheck = Callable[[list[Queued]], dict[str, list[str]]]
STALE_SENDING = timedelta(minutes=15)


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    withdrawn: dict[str, list[str]] = field(default_factory=dict)  # message -> what changed
    interrupted: list[str] = field(default_factory=list)  # found in `sending`, now unknown

    def summary(self) -> dict[str, int]:
        return {"sent": len(self.sent), "failed": len(self.failed),
                "unknown": len(self.unknown), "withdrawn": len(self.withdrawn),
                "interrupted": len(self.interrupted)}


def deliver(settings: Settings, mailer: Mailer, run_id: str | None,
            recheck: dict[str, Recheck] | None = None, message_ids: list[str] | None = None,
            now: datetime | None = None, stale_after: timedelta = STALE_SENDING,
            ) -> DeliveryReport:
    """Send every approved message (or those in `message_ids`) once.

    `recheck` maps a message kind to a function that names what changed since approval; a
    message with changes is `withdrawn` instead of sent.
    """
    report = DeliveryReport()
    with warehouse.writer(settings) as con:
        report.interrupted = store.mark_interrupted(con, now or datetime.now(UTC),
                                                    stale_after, run_id)
        waiting = [q for q in store.queued(con, ("approved",))
                   if message_ids is None or q.email.message_id in message_ids]
    changes = _rechecked(waiting, recheck or {})
    for q in waiting:
        if changes.get(q.email.message_id):
            report.withdrawn[q.email.message_id] = changes[q.email.message_id]
            with warehouse.writer(settings) as con:
                store.transition(con, q, "withdrawn", run_id=run_id,
                                 detail=json.dumps(changes[q.email.message_id]))
            continue
        with warehouse.writer(settings) as con:
            claimed = store.transition(con, q, "sending", run_id=run_id, detail=mailer.name)
        if not claimed:
            continue  # another run holds it
        state, provider_id, detail = _send(mailer, q)
        with warehouse.writer(settings) as con:
            store.transition(con, q, state, run_id=run_id, detail=detail,
                             provider_message_id=provider_id)
        getattr(report, state).append(q.email.message_id)
    return report


def _rechecked(waiting: list[Queued], recheck: dict[str, Recheck]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for kind, check in recheck.items():
        of_kind = [q for q in waiting if q.kind == kind]
        if of_kind:
            changes.update(check(of_kind))
    return changes


def _send(mailer: Mailer, q: Queued) -> tuple[str, str | None, str | None]:
    try:
        return "sent", mailer.send(q.email) or None, None
    except SendRejected as err:
        return "failed", None, str(err)
    except SendUncertain as err:
        return "unknown", None, f"{err}; the provider may have sent it: check before resending"
