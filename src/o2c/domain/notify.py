"""Who is told about an AR event, how, and the delivery state machine (pure).

Routing: an event goes to the customer's account owner, CSM and collector (the roles named in
the config), each address once; a customer with none of them goes to the team address.
Preferences: severe events are sent at once (Slack, or e-mail without Slack), the rest wait for
the recipient's daily digest; a recipient may choose other severities or channels.

Each delivery (event, channel, recipient) is a small state machine journaled in
`app.notifications`, one row per state, id `stable_id(event, channel, recipient, state)`:

    pending ──> sending ──> sent | failed | unknown

`sending` is journaled before the provider is called; a delivery found still `sending` by a
later run was cut off after (or during) the call, so it becomes `unknown` and is never resent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from o2c.domain.ids import stable_id

ROLES = ("account_owner", "csm", "collector")
SEVERITIES = ("high", "medium", "low")
CHANNELS = ("slack", "email")
STATES = ("pending", "sending", "sent", "failed", "unknown")
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"pending"}),
    "pending": frozenset({"sending"}),
    "sending": frozenset({"sent", "failed", "unknown"}),
    "sent": frozenset(),
    "failed": frozenset(),
    "unknown": frozenset(),
}


class IllegalTransition(ValueError):
    pass


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    severity: str
    customer_id: str
    customer_name: str | None
    invoice_id: str | None
    occurred_on: date
    summary: str
    action: str


@dataclass(frozen=True)
class Owners:
    """The people on a customer's account (e-mail addresses, any may be missing)."""

    account_owner: str | None = None
    csm: str | None = None
    collector: str | None = None

    def of(self, role: str) -> str | None:
        return getattr(self, role)


@dataclass(frozen=True)
class Preference:
    """How one recipient wants to hear: `realtime` severities at once on `realtime_channel`,
    everything else in the daily digest on `digest_channel`."""

    realtime: frozenset[str] = frozenset({"high"})
    realtime_channel: str = "slack"
    digest_channel: str = "email"


@dataclass(frozen=True)
class Delivery:
    event: Event
    recipient: str
    channel: str
    mode: str  # realtime | digest

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.event.event_id, self.channel, self.recipient)


@dataclass(frozen=True)
class RoutingConfig:
    roles: tuple[str, ...] = ROLES
    team_address: str = "ar-team@o2c.example"
    default: Preference = Preference()
    preferences: Mapping[str, Preference] = field(default_factory=dict)  # by lower-case e-mail
    slack_enabled: bool = True


def recipients(owners: Owners | None, roles: Iterable[str], team_address: str) -> list[str]:
    """The addresses an event of this customer goes to, each once, in role order."""
    found: list[str] = []
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"unknown notification role {role!r}; roles are {', '.join(ROLES)}")
        address = (owners.of(role) if owners else None) or ""
        address = address.strip().lower()
        if address and address not in found:
            found.append(address)
    return found or [team_address.strip().lower()]


def route(event: Event, owners: Owners | None, config: RoutingConfig) -> list[Delivery]:
    """Deliveries of one event: per recipient, at once or in the digest, on which channel."""
    out = []
    for address in recipients(owners, config.roles, config.team_address):
        pref = config.preferences.get(address, config.default)
        if event.severity in pref.realtime:
            channel, mode = pref.realtime_channel, "realtime"
        else:
            channel, mode = pref.digest_channel, "digest"
        if channel == "slack" and not config.slack_enabled:
            channel = "email"
        out.append(Delivery(event, address, channel, mode))
    return out


def plan(events: Iterable[Event], owners: Mapping[str, Owners], config: RoutingConfig,
         go_live: date | None) -> list[Delivery]:
    """Every delivery of the events that occurred on or after go-live."""
    return [d for e in events if go_live is None or e.occurred_on >= go_live
            for d in route(e, owners.get(e.customer_id), config)]


def check(key: tuple[str, str, str], current: str | None, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        nxt = sorted(TRANSITIONS.get(current, frozenset()))
        raise IllegalTransition(
            f"notification {'/'.join(key)}: cannot go from {current or 'nothing'} to {target}; "
            f"next states are {nxt or 'none (final)'}")


def notification_event_id(event_id: str, channel: str, recipient: str, state: str) -> str:
    return stable_id("NTF", event_id, channel, recipient, state)


def digest_text(recipient: str, events: list[Event], link: str) -> tuple[str, str]:
    """Subject and body of a recipient's digest, events grouped by customer."""
    lines = [f"AR events for your accounts ({len(events)}):", ""]
    by_customer: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: (e.customer_id, e.occurred_on, e.event_id)):
        by_customer.setdefault(event.customer_id, []).append(event)
    for customer_id, items in by_customer.items():
        name = items[0].customer_name or customer_id
        lines.append(f"{name} ({customer_id}) - {link_for(link, customer_id, None)}")
        for e in items:
            where = f" {link_for(link, customer_id, e.invoice_id)}" if e.invoice_id else ""
            lines.append(f"  - {e.occurred_on} [{e.severity}] {e.summary}{where}")
            lines.append(f"    What to do: {e.action}")
        lines.append("")
    subject = f"AR digest: {len(events)} event(s) on {len(by_customer)} account(s)"
    return subject, "\n".join(lines)


def message_text(event: Event, link: str) -> str:
    name = event.customer_name or event.customer_id
    target = link_for(link, event.customer_id, event.invoice_id)
    return (f"*{name}* ({event.customer_id}): {event.summary}\n"
            f"What to do: {event.action}\n<{target}|Open in o2c>")


def link_for(base: str, customer_id: str, invoice_id: str | None) -> str:
    base = base.rstrip("/")
    if invoice_id:
        return f"{base}/customers/{customer_id}/invoices/{invoice_id}"
    return f"{base}/customers/{customer_id}"
