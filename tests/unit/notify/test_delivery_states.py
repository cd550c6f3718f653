"""The delivery state machine: pending -> sending -> sent | failed | unknown, each state once,
nothing after a final state (an `unknown` delivery is never resent)."""

from __future__ import annotations

import duckdb
import pytest

from o2c.adapters.schema import JOURNALS
from o2c.domain.notify import IllegalTransition, check, notification_event_id
from o2c.notify import store

KEY = ("E1", "slack", "a@x.test")


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema app")
    con.execute(JOURNALS["notifications"].ddl())
    yield con
    con.close()


def test_the_machine_allows_only_forward_moves():
    check(KEY, None, "pending")
    check(KEY, "pending", "sending")
    for final in ("sent", "failed", "unknown"):
        check(KEY, "sending", final)
        with pytest.raises(IllegalTransition, match=f"from {final} to sending"):
            check(KEY, final, "sending")
    with pytest.raises(IllegalTransition, match="from pending to sent"):
        check(KEY, "pending", "sent")


def test_ids_are_stable_per_delivery_and_state():
    assert notification_event_id(*KEY, "sent") == notification_event_id(*KEY, "sent")
    assert notification_event_id(*KEY, "sent") != notification_event_id(*KEY, "sending")


def test_each_state_is_journaled_once_and_a_second_claim_loses(con):
    assert store.transition(con, [KEY], "pending", run_id="r1") == [KEY]
    assert store.transition(con, [KEY], "pending", run_id="r2") == []
    assert store.transition(con, [KEY], "sending", run_id="r1") == [KEY]
    assert store.transition(con, [KEY], "sending", run_id="r2") == []  # another run holds it
    assert store.transition(con, [KEY], "unknown", run_id="r1") == [KEY]
    with pytest.raises(IllegalTransition):
        store.transition(con, [KEY], "sending", run_id="r3")
    rows = con.execute("select state from app.notifications order by seq").fetchall()
    assert rows == [("pending",), ("sending",), ("unknown",)]
    assert store.current(con)[KEY][0] == "unknown"
