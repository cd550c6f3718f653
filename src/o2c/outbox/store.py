"""Reading and writing the outbox journals: `app.outbox_messages` (what a message says, written
once) and `app.outbox` (its states, one row per transition)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from o2c.adapters import journal
from o2c.adapters.email import OutgoingEmail
from o2c.outbox import machine


@dataclass(frozen=True)
class Queued:
    """A message with its current state."""

    email: OutgoingEmail
    kind: str  # reminder | notice | ...
    draft_id: str | None
    customer_id: str | None
    state: str
    since: datetime  # when it entered the state (UTC)


def current_states(con: duckdb.DuckDBPyConnection,
                   message_ids: list[str] | None = None) -> dict[str, tuple[str, datetime]]:
    where, params = "", []
    if message_ids is not None:
        if not message_ids:
            return {}
        where, params = "where message_id in (select unnest(?))", [message_ids]
    rows = con.execute(
        f"select message_id, arg_max(state, seq), arg_max(recorded_at, seq) from app.outbox "
        f"{where} group by message_id", params).fetchall()
    return {m: (s, t) for m, s, t in rows}


def transition(con: duckdb.DuckDBPyConnection, queued_or_id: Queued | str, target: str, *,
               run_id: str | None, detail: str | None = None,
               provider_message_id: str | None = None) -> bool:
    """Enter `target` if the machine allows it from the current state; True if this call
    wrote the row (False: the row was already there, e.g. another run claimed it first)."""
    message_id = queued_or_id if isinstance(queued_or_id, str) else queued_or_id.email.message_id
    current = current_states(con, [message_id]).get(message_id, (None, None))[0]
    if current == target:
        return False
    machine.check(message_id, current, target)
    row = con.execute(
        "select draft_id, customer_id, kind, to_addrs, cc_addrs, bcc_addrs, subject "
        "from app.outbox_messages where message_id = ?", [message_id]).fetchone()
    if row is None:
        raise KeyError(f"{message_id}: no such outbox message")
    draft_id, customer_id, kind, to, cc, bcc, subject = row
    recipients = json.dumps({"to": json.loads(to), "cc": json.loads(cc or "[]"),
                             "bcc": json.loads(bcc or "[]")})
    added = journal.append(con, "outbox", pd.DataFrame([{
        "outbox_event_id": machine.event_id(message_id, target), "message_id": message_id,
        "draft_id": draft_id, "customer_id": customer_id, "channel": f"email:{kind}",
        "state": target, "recipients": recipients, "subject": subject,
        "provider_message_id": provider_message_id, "detail": detail, "run_id": run_id}]))
    return added == 1


def enqueue(con: duckdb.DuckDBPyConnection, email: OutgoingEmail, *, kind: str,
            draft_id: str | None, customer_id: str | None, run_id: str | None,
            detail: str | None = None) -> bool:
    """Store the message and put it in `approved`; nothing happens if it is already there."""
    journal.append(con, "outbox_messages", pd.DataFrame([{
        "message_id": email.message_id, "draft_id": draft_id, "customer_id": customer_id,
        "kind": kind, "from_addr": email.from_addr, "from_name": email.from_name,
        "reply_to": email.reply_to,
        "to_addrs": json.dumps(list(email.to)), "cc_addrs": json.dumps(list(email.cc)),
        "bcc_addrs": json.dumps(list(email.bcc)), "subject": email.subject,
        "body": email.body, "rfc_message_id": email.rfc_message_id,
        "in_reply_to": email.in_reply_to, "thread_references": json.dumps(
            list(email.references)), "run_id": run_id}]))
    if email.message_id in current_states(con, [email.message_id]):
        return False
    return transition(con, email.message_id, "approved", run_id=run_id, detail=detail)


def queued(con: duckdb.DuckDBPyConnection, states: tuple[str, ...]) -> list[Queued]:
    rows = con.execute(
        "with now_in as (select message_id, arg_max(state, seq) state, "
        "  arg_max(recorded_at, seq) since from app.outbox group by message_id) "
        "select m.message_id, m.kind, m.draft_id, m.customer_id, m.from_addr, m.from_name, "
        "  m.reply_to, "
        "  m.to_addrs, m.cc_addrs, m.bcc_addrs, m.subject, m.body, m.rfc_message_id, "
        "  m.in_reply_to, m.thread_references, n.state, n.since "
        "from app.outbox_messages m join now_in n using (message_id) "
        "where n.state in (select unnest(?)) order by m.message_id", [list(states)]).fetchall()
    out = []
    for (mid, kind, draft_id, customer_id, from_addr, from_name, reply_to, to, cc, bcc,
         subject, body, rfc, in_reply_to, refs, state, since) in rows:
        email = OutgoingEmail(
            message_id=mid, from_addr=from_addr, to=tuple(json.loads(to)), subject=subject,
            body=body, cc=tuple(json.loads(cc or "[]")), bcc=tuple(json.loads(bcc or "[]")),
            reply_to=reply_to, rfc_message_id=rfc, in_reply_to=in_reply_to,
            references=tuple(json.loads(refs or "[]")), from_name=from_name)
        out.append(Queued(email, kind, draft_id, customer_id, state, since))
    return out


def thread_of(con: duckdb.DuckDBPyConnection, customer_id: str, kind: str = "reminder",
              ) -> list[str]:
    """Message-IDs already sent to this customer (oldest first): the thread a new one joins."""
    rows = con.execute(
        "select m.rfc_message_id from app.outbox_messages m join app.outbox o using "
        "(message_id) where m.customer_id = ? and m.kind = ? and o.state = 'sent' "
        "order by o.seq", [customer_id, kind]).fetchall()
    return [r[0] for r in rows]


def mark_interrupted(con: duckdb.DuckDBPyConnection, now: datetime,
                     stale_after: timedelta, run_id: str | None) -> list[str]:
    """`sending` rows older than `stale_after` were cut off between the provider call and the
    bookkeeping: mark them `unknown` (a person checks the provider); never send them again."""
    cutoff = now.replace(tzinfo=None) - stale_after
    stuck = [q for q in queued(con, ("sending",)) if q.since <= cutoff]
    for q in stuck:
        transition(con, q, "unknown", run_id=run_id,
                   detail="interrupted after `sending` was recorded: the provider may have "
                          "sent it; check before resending")
    return [q.email.message_id for q in stuck]
