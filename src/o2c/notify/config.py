"""Routing configuration from settings."""

from __future__ import annotations

import json
from datetime import date, timedelta

from o2c.domain.notify import CHANNELS, SEVERITIES, Preference, RoutingConfig
from o2c.settings import Settings


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _severities(values: object, where: str) -> frozenset[str]:
    found = frozenset(values if isinstance(values, list) else _split(str(values)))
    unknown = found - set(SEVERITIES)
    if unknown:
        raise ValueError(f"{where}: unknown severities {sorted(unknown)}; "
                         f"use {', '.join(SEVERITIES)}")
    return found


def _channel(value: str, where: str) -> str:
    if value not in CHANNELS:
        raise ValueError(f"{where}: unknown channel {value!r}; use {', '.join(CHANNELS)}")
    return value


def routing_config(settings: Settings, slack_enabled: bool) -> RoutingConfig:
    default = Preference(realtime=_severities(settings.notify_realtime_severities,
                                              "O2C_NOTIFY_REALTIME_SEVERITIES"))
    prefs: dict[str, Preference] = {}
    raw = json.loads(settings.notify_preferences) if settings.notify_preferences.strip() else {}
    for address, pref in raw.items():
        where = f"O2C_NOTIFY_PREFERENCES[{address!r}]"
        prefs[address.strip().lower()] = Preference(
            realtime=_severities(pref.get("realtime", sorted(default.realtime)), where),
            realtime_channel=_channel(pref.get("realtime_channel", "slack"), where),
            digest_channel=_channel(pref.get("digest_channel", "email"), where))
    return RoutingConfig(roles=_split(settings.notify_roles),
                         team_address=settings.notify_team_address, default=default,
                         preferences=prefs, slack_enabled=slack_enabled)


def go_live(settings: Settings, as_of: date) -> date:
    """Events before this day are never announced."""
    return settings.notify_go_live or as_of - timedelta(days=settings.notify_lookback_days)
