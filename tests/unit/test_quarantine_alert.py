"""A load that quarantines many rows, or a large share of them, raises the event the
`o2c ERP quarantine spike` automation (infra/automations.yaml) alerts on."""

from __future__ import annotations

import pytest

from o2c.domain.quarantine import is_quarantine_spike


def test_quarantine_spike_is_many_rows_or_a_large_share():
    assert not is_quarantine_spike(0, 1000, 100, 0.05)
    assert not is_quarantine_spike(3, 1000, 100, 0.05)  # the odd typo
    assert is_quarantine_spike(100, 100_000, 100, 0.05)  # many rows
    assert is_quarantine_spike(6, 100, 100, 0.05)  # a large share of a small load


@pytest.fixture
def emitted(monkeypatch):
    import flows.ingest_erp as ingest_erp

    events: list[dict] = []
    monkeypatch.setattr(ingest_erp, "emit_event", lambda **kw: events.append(kw))
    return events


def outcome(key: str, loaded: int, quarantined: int) -> dict:
    return {"key": key, "rows_loaded": loaded, "rows_quarantined": quarantined}


def test_a_load_with_quarantined_rows_emits_their_count(emitted, o2c_home):
    from flows.ingest_erp import QUARANTINE_EVENT, announce_quarantine

    spike = announce_quarantine.fn([outcome("erp/invoices/a.csv", 90, 10),
                                    outcome("erp/customers/b.csv", 50, 0)])
    [event] = emitted
    assert spike is True and event["event"] == QUARANTINE_EVENT
    assert event["payload"] == {"rows_quarantined": 10, "rows_loaded": 140,
                                "files": ["erp/invoices/a.csv"]}
    assert event["resource"]["o2c.quarantine.spike"] == "true"


def test_a_clean_load_emits_nothing_and_a_typo_is_no_spike(emitted, o2c_home):
    from flows.ingest_erp import announce_quarantine

    assert announce_quarantine.fn([outcome("erp/invoices/a.csv", 500, 0)]) is False
    assert emitted == []
    assert announce_quarantine.fn([outcome("erp/invoices/a.csv", 5000, 1)]) is False
    assert emitted[0]["resource"]["o2c.quarantine.spike"] == "false"
