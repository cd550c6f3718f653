"""The outbox state machine. Each transition is a new `app.outbox` row whose id is
`stable_id(message_id, state)`, so a state is entered at most once per message and a retried
write adds nothing; the current state is the message's latest row.

    approved ──> sending ──> sent ──> bounced
       │            ├──────> failed
       │            └──────> unknown ──> sent | failed   (a person checked the provider)
       └──> withdrawn   (its facts changed before sending: back to approval)

`sending` is journaled before the provider is called and only by the run that added that row,
so there is one call per message at most. A crash after the call leaves `sending`; the next
delivery marks such rows `unknown` for a person and never calls the provider for them again.
"""

from __future__ import annotations

from o2c.domain.ids import stable_id

STATES = ("approved", "withdrawn", "sending", "sent", "failed", "unknown", "bounced")
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"approved"}),
    "approved": frozenset({"sending", "withdrawn"}),
    "sending": frozenset({"sent", "failed", "unknown"}),
    "unknown": frozenset({"sent", "failed"}),
    "sent": frozenset({"bounced"}),
    "failed": frozenset(),
    "withdrawn": frozenset(),
    "bounced": frozenset(),
}
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if s and not nxt)


class IllegalTransition(ValueError):
    pass


def check(message_id: str, current: str | None, target: str) -> None:
    if target not in STATES:
        raise IllegalTransition(f"{message_id}: unknown outbox state {target!r}; "
                                f"states are {', '.join(STATES)}")
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(f"{message_id}: cannot go from {current or 'nothing'} to "
                                f"{target}; from {current} the next states are "
                                f"{sorted(TRANSITIONS[current]) or 'none (final)'}")


def event_id(message_id: str, state: str) -> str:
    return stable_id("OBX", message_id, state)


def message_id(*parts: object) -> str:
    """Our id of an outgoing message: the same facts give the same message, sent once."""
    return stable_id("MSG", *parts)
