"""CRM sync rules: only changed fields are sent, batches keep the API's limit, and the journal
rows let a re-run add nothing while a value that comes back is sent again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from o2c.crm.config import load_field_map
from o2c.domain.crm import (
    AccountUpdate,
    Acknowledged,
    CustomerStatus,
    RecordResult,
    batches,
    changes_for,
    field_values,
    journal_rows,
)

LINK = "https://o2c.example/app"
FIELDS = {"open_balance": "Open__c", "risk_tier": "Tier__c", "last_payment_date": "Paid__c"}


def status(customer="C1", account="001A", open_balance="1200.5", tier="high", paid=None,
           currency="EUR"):
    return CustomerStatus(customer, account, currency, Decimal(open_balance), Decimal("0"), 0,
                          tier, paid, None, None)


def acked(values: dict[str, str | None], account="001A") -> dict:
    return {(account, f): Acknowledged(v, f"ack-{f}") for f, v in values.items()}


def test_values_are_canonical_text_rounded_to_the_currency():
    values = field_values(status(open_balance="1200.505", paid=date(2026, 11, 9)), LINK)
    assert values["open_balance"] == "1200.50"  # banker's rounding to cents
    assert values["last_payment_date"] == "2026-11-09"
    assert values["oldest_overdue_days"] == "0"
    assert values["link"] == "https://o2c.example/app/customers/C1"
    yen = field_values(status(open_balance="1200.6", currency="JPY"), LINK)
    assert yen["open_balance"] == "1201"


def test_first_push_sends_every_field_with_a_value():
    updates, skipped = changes_for([status()], {}, FIELDS, LINK)
    assert skipped == []
    [update] = updates
    assert [(c.crm_field, c.value, c.follows) for c in update.changes] == [
        ("Open__c", "1200.50", None), ("Tier__c", "high", None)]  # no payment yet: not sent


def test_only_fields_that_differ_from_the_last_acknowledged_value_are_sent():
    updates, _ = changes_for([status(tier="critical")], acked(
        {"Open__c": "1200.50", "Tier__c": "high"}), FIELDS, LINK)
    [update] = updates
    assert [(c.crm_field, c.value, c.follows) for c in update.changes] == [
        ("Tier__c", "critical", "ack-Tier__c")]


def test_nothing_is_sent_when_everything_was_acknowledged():
    updates, _ = changes_for([status()], acked({"Open__c": "1200.50", "Tier__c": "high"}),
                             FIELDS, LINK)
    assert updates == []


def test_a_value_that_became_empty_clears_the_crm_field():
    updates, _ = changes_for([status(tier=None)], acked(
        {"Open__c": "1200.50", "Tier__c": "high"}), FIELDS, LINK)
    assert [(c.crm_field, c.value) for c in updates[0].changes] == [("Tier__c", None)]


def test_an_account_shared_by_two_customers_is_skipped_and_said_why():
    updates, skipped = changes_for([status("C1"), status("C2"), status("C3", "001B")], {},
                                   FIELDS, LINK)
    assert [u.customer_id for u in updates] == ["C3"]
    assert {s.customer_id for s in skipped} == {"C1", "C2"}
    assert "several customers (C1, C2)" in skipped[0].reason


def test_batches_keep_the_size_and_the_order():
    updates = [AccountUpdate(f"C{i}", f"A{i}", ()) for i in range(5)]
    assert [[u.customer_id for u in b] for b in batches(updates, 2)] == [
        ["C0", "C1"], ["C2", "C3"], ["C4"]]
    with pytest.raises(ValueError):
        batches(updates, 0)


def _rows(value_changes, results, attempt="run-1"):
    return journal_rows("salesforce", value_changes, results, "run-1", attempt)


def test_an_acknowledgement_written_twice_has_one_id_and_a_returning_value_a_new_one():
    first, _ = changes_for([status(tier="high")], {}, {"risk_tier": "Tier__c"}, LINK)
    ok = {"001A": RecordResult("001A", "acknowledged")}
    a1 = _rows(first, ok)
    assert a1 == _rows(first, ok, attempt="run-2")  # retried write: same row, same id
    second, _ = changes_for([status(tier="low")], acked_from(a1), {"risk_tier": "Tier__c"}, LINK)
    b = _rows(second, ok)
    back, _ = changes_for([status(tier="high")], acked_from(b), {"risk_tier": "Tier__c"}, LINK)
    a2 = _rows(back, ok)
    assert a2[0]["value"] == a1[0]["value"] == "high"
    assert a2[0]["crm_sync_event_id"] != a1[0]["crm_sync_event_id"]
    assert a2[0]["follows_event_id"] == b[0]["crm_sync_event_id"]


def acked_from(rows):
    return {(r["crm_account_id"], r["crm_field"]): Acknowledged(r["value"], r["crm_sync_event_id"])
            for r in rows}


def test_refusals_are_recorded_per_attempt_and_an_unanswered_record_is_rejected():
    updates, _ = changes_for([status(), status("C2", "001B")], {}, {"risk_tier": "Tier__c"}, LINK)
    results = {"001A": RecordResult("001A", "unknown_id", "INVALID_CROSS_REFERENCE_KEY")}
    one, two = _rows(updates, results, "run-1"), _rows(updates, results, "run-2")
    assert [r["state"] for r in one] == ["unknown_id", "rejected"]
    assert "did not mention" in one[1]["detail"]
    assert {r["crm_sync_event_id"] for r in one}.isdisjoint(r["crm_sync_event_id"] for r in two)


def test_the_shipped_field_map_covers_every_field_and_a_bad_one_says_what_to_fix(tmp_path):
    assert load_field_map("salesforce").object_name == "Account"
    assert len(load_field_map("hubspot").fields) == 9
    bad = tmp_path / "fields.yaml"
    bad.write_text("hubspot:\n  fields:\n    open_balanse: x\n")
    with pytest.raises(ValueError, match="fields.yaml: hubspot.fields: unknown o2c field.*"
                                         "open_balanse"):
        load_field_map("hubspot", bad)
    with pytest.raises(ValueError, match="no `salesforce: fields:`"):
        load_field_map("salesforce", bad)
