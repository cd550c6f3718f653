"""Routing and preferences: who hears about an event, at once or in the digest."""

from __future__ import annotations

from datetime import date

import pytest

from o2c.domain.notify import (
    Event,
    Owners,
    Preference,
    RoutingConfig,
    digest_text,
    plan,
    recipients,
    route,
)


def event(severity="high", customer="C1", occurred=date(2026, 11, 20), event_id="E1"):
    return Event(event_id, "promise_broken", severity, customer, "Acme", "I1", occurred,
                 "Promise broken.", "Call the customer.")


def test_recipients_are_the_roles_each_once_else_the_team():
    owners = Owners("Ann@X.test", "ann@x.test", "bob@x.test")
    assert recipients(owners, ("account_owner", "csm", "collector"), "team@x") == [
        "ann@x.test", "bob@x.test"]
    assert recipients(owners, ("collector",), "team@x") == ["bob@x.test"]
    assert recipients(Owners(), ("account_owner",), "Team@X") == ["team@x"]
    assert recipients(None, ("account_owner",), "team@x") == ["team@x"]
    with pytest.raises(ValueError, match="unknown notification role 'boss'"):
        recipients(owners, ("boss",), "team@x")


def test_severe_events_go_at_once_the_rest_to_the_digest():
    config = RoutingConfig()
    owners = Owners("a@x.test")
    assert [(d.channel, d.mode) for d in route(event("high"), owners, config)] == [
        ("slack", "realtime")]
    assert [(d.channel, d.mode) for d in route(event("medium"), owners, config)] == [
        ("email", "digest")]


def test_without_slack_realtime_goes_by_e_mail():
    config = RoutingConfig(slack_enabled=False)
    assert [(d.channel, d.mode) for d in route(event("high"), Owners("a@x.test"), config)] == [
        ("email", "realtime")]


def test_a_recipient_preference_overrides_the_default():
    config = RoutingConfig(preferences={"a@x.test": Preference(
        realtime=frozenset({"high", "medium"}), realtime_channel="email")})
    got = route(event("medium"), Owners("a@x.test", "b@x.test"), config)
    assert [(d.recipient, d.channel, d.mode) for d in got] == [
        ("a@x.test", "email", "realtime"), ("b@x.test", "email", "digest")]


def test_plan_leaves_out_events_before_go_live():
    events = [event(occurred=date(2026, 1, 1), event_id="OLD"), event(event_id="NEW")]
    planned = plan(events, {"C1": Owners("a@x.test")}, RoutingConfig(), date(2026, 11, 1))
    assert [d.event.event_id for d in planned] == ["NEW"]


def test_digest_names_customer_link_and_what_to_do():
    subject, body = digest_text("a@x.test", [event(), event(event_id="E2", customer="C2")],
                                "https://ar.test/")
    assert subject == "AR digest: 2 event(s) on 2 account(s)"
    assert "https://ar.test/customers/C1/invoices/I1" in body
    assert body.count("What to do: Call the customer.") == 2
