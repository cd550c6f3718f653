"""What never reaches a reminder, and why every customer left out is listed with a reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dunning_builders import AS_OF, customer, item

from o2c.domain.dunning import plan_reminders
from o2c.domain.dunning_records import Contact, LastReminder
from o2c.dunning import load_policy


def _invoices(plan):
    return {i.invoice_id for m in plan.messages for i in m.items}


def test_paid_credited_void_disputed_and_promised_invoices_never_appear(calendar_policy,
                                                                         calendars):
    items = [
        item("OPEN", days_past_due=20),
        item("PAID", days_past_due=40, status="paid", open_amount="0"),
        item("CREDITED", days_past_due=40, open_amount="0"),  # credit memo took it to zero
        item("VOID", days_past_due=40, status="void"),
        item("DISPUTED", days_past_due=40, is_disputed=True),
        item("PROMISED", days_past_due=40, promise_status="open",
             promised_date=AS_OF + timedelta(days=3)),
    ]
    plan = plan_reminders(items, [customer()], AS_OF, calendar_policy, calendars)
    assert _invoices(plan) == {"OPEN"}
    message = plan.messages[0]
    assert message.anchor_invoice_id == "OPEN" and message.stage == "reminder_2"
    assert message.totals.net_due == Decimal("100.00")
    assert {e.invoice_id: e.reason.split()[0] for e in message.excluded} == {
        "DISPUTED": "disputed", "PROMISED": "promised"}


def test_customer_with_only_disputed_or_promised_invoices_is_skipped_with_them_named(
        calendar_policy, calendars):
    items = [item("D", is_disputed=True),
             item("P", promise_status="open", promised_date=AS_OF)]
    plan = plan_reminders(items, [customer()], AS_OF, calendar_policy, calendars)
    assert plan.messages == ()
    (skip,) = plan.skipped
    assert skip.code == "disputed_or_promised"
    assert "D disputed" in skip.reason and "P promised to pay by 2026-03-16" in skip.reason


def test_customer_with_only_paid_or_void_invoices_has_nothing_open_and_is_not_listed(
        calendar_policy, calendars):
    items = [item("PAID", status="paid", open_amount="0"), item("VOID", status="void")]
    plan = plan_reminders(items, [customer()], AS_OF, calendar_policy, calendars)
    assert plan == plan_reminders([], [customer()], AS_OF, calendar_policy, calendars)


def test_broken_promise_escalates_one_stage(calendar_policy, calendars):
    kept_quiet = plan_reminders([item(days_past_due=5)], [customer()], AS_OF,
                                calendar_policy, calendars).messages[0]
    broken = plan_reminders([item(days_past_due=5, promise_status="broken",
                                  promised_date=AS_OF - timedelta(days=4))],
                            [customer()], AS_OF, calendar_policy, calendars).messages[0]
    assert (kept_quiet.stage, broken.stage) == ("reminder_1", "reminder_2")
    assert broken.broken_promise
    assert broken.items[0].broken_promise_date == AS_OF - timedelta(days=4)


def test_open_promise_past_its_grace_days_counts_as_broken(calendar_policy, calendars):
    def plan(days_since_promise):
        promised = AS_OF - timedelta(days=days_since_promise)
        return plan_reminders([item(days_past_due=5, promise_status="open",
                                    promised_date=promised)],
                              [customer()], AS_OF, calendar_policy, calendars)

    assert plan(2).skipped[0].code == "disputed_or_promised"  # grace: 2 days
    assert plan(3).messages[0].broken_promise


def test_stage_re_anchors_on_oldest_invoice_left_after_cash_application(calendar_policy,
                                                                         calendars):
    old_paid = item("OLD", days_past_due=45, open_amount="0")  # bank cash applied in full
    young = item("YOUNG", days_past_due=16)
    plan = plan_reminders([old_paid, young], [customer()], AS_OF, calendar_policy, calendars)
    assert (plan.messages[0].anchor_invoice_id, plan.messages[0].stage) == ("YOUNG",
                                                                           "reminder_2")


def test_unapplied_cash_covering_the_oldest_invoice_moves_the_anchor(calendar_policy,
                                                                      calendars):
    items = [item("OLD", days_past_due=45, amount="300.00"),
             item("YOUNG", days_past_due=3, amount="200.00")]
    cust = customer(unapplied_cash={"EUR": Decimal("300.00")},
                    open_credits={"EUR": Decimal("50.00"), "USD": Decimal("999")})
    message = plan_reminders(items, [cust], AS_OF, calendar_policy, calendars).messages[0]
    assert (message.anchor_invoice_id, message.stage) == ("YOUNG", "reminder_1")
    t = message.totals
    assert (t.overdue, t.unapplied_cash, t.open_credits, t.net_due) == (
        Decimal("500.00"), Decimal("300.00"), Decimal("50.00"), Decimal("150.00"))


def test_due_soon_invoices_are_listed_with_the_overdue_ones(calendar_policy, calendars):
    items = [item("LATE", days_past_due=20), item("SOON", days_past_due=-3, amount="40"),
             item("LATER", days_past_due=-20, amount="70")]
    message = plan_reminders(items, [customer()], AS_OF, calendar_policy,
                             calendars).messages[0]
    assert [(i.invoice_id, i.state) for i in message.items] == [("LATE", "overdue"),
                                                               ("SOON", "due_soon")]
    assert (message.totals.overdue, message.totals.due_soon) == (Decimal("100.00"),
                                                                 Decimal("40"))


def test_cash_and_credits_covering_everything_due_means_no_reminder(calendar_policy,
                                                                     calendars):
    cust = customer(unapplied_cash={"EUR": Decimal("60")}, open_credits={"EUR": Decimal("40")})
    plan = plan_reminders([item(days_past_due=20)], [cust], AS_OF, calendar_policy, calendars)
    assert plan.skipped[0].code == "covered"


def test_net_amount_below_the_minimum_is_not_chased(calendar_policy, calendars):
    plan = plan_reminders([item(days_past_due=20, amount="100.00", open_amount="0.50")],
                          [customer()], AS_OF, calendar_policy, calendars)
    assert plan.skipped[0].code == "below_minimum"


def test_one_message_per_currency(calendar_policy, calendars):
    items = [item("E", days_past_due=20), item("U", days_past_due=2, currency="USD")]
    plan = plan_reminders(items, [customer()], AS_OF, calendar_policy, calendars)
    assert [(m.currency, m.stage, [i.invoice_id for i in m.items]) for m in plan.messages] == [
        ("EUR", "reminder_2", ["E"]), ("USD", "reminder_1", ["U"])]


@pytest.mark.parametrize(("cust", "code"), [
    (customer(do_not_dun=True), "do_not_dun"),
    (customer(contacts=(Contact("billing", "ap@c1.example", do_not_dun=True),
                        Contact("escalation", "cfo@c1.example"))), "do_not_dun"),
    (customer(contacts=(Contact("escalation", "cfo@c1.example"),)), "no_contact"),
    (customer(last_messaged_on=AS_OF - timedelta(days=6)), "recently_messaged"),
])
def test_contact_preferences_and_message_gap_are_respected(cust, code, calendar_policy,
                                                           calendars):
    plan = plan_reminders([item(days_past_due=20)], [cust], AS_OF, calendar_policy, calendars)
    assert plan.messages == () and plan.skipped[0].code == code


def test_message_gap_ends_after_the_configured_days(calendar_policy, calendars):
    cust = customer(last_messaged_on=AS_OF - timedelta(days=7))
    assert plan_reminders([item(days_past_due=20)], [cust], AS_OF, calendar_policy,
                          calendars).messages


def test_do_not_dun_escalation_contact_is_not_copied(calendar_policy, calendars):
    cust = customer(contacts=(Contact("billing", "ap@c1.example"),
                              Contact("escalation", "cfo@c1.example", do_not_dun=True)))
    message = plan_reminders([item(days_past_due=30)], [cust], AS_OF, calendar_policy,
                             calendars).messages[0]
    assert [r.email for r in message.cc] == ["owner@kestrel.example"]


def test_same_stage_for_same_anchor_is_sent_once(calendar_policy, calendars):
    sent = {"EUR": LastReminder("reminder_2", AS_OF - timedelta(days=10), "INV-1")}
    plan = plan_reminders([item(days_past_due=20)], [customer(last_reminders=sent)], AS_OF,
                          calendar_policy, calendars)
    assert plan.skipped[0].code == "stage_already_sent"
    moved = {"EUR": LastReminder("reminder_2", AS_OF - timedelta(days=10), "INV-0")}
    assert plan_reminders([item(days_past_due=20)], [customer(last_reminders=moved)], AS_OF,
                          calendar_policy, calendars).messages


def test_every_customer_with_open_items_gets_a_message_or_a_reason(calendar_policy,
                                                                   calendars):
    items = [item("A1", customer_id="A", days_past_due=20),
             item("B1", customer_id="B", is_disputed=True),
             item("C1", customer_id="C", days_past_due=-30),
             item("D1", customer_id="D", days_past_due=20),
             item("E1", customer_id="E", days_past_due=20, currency="GBP"),
             item("E2", customer_id="E", days_past_due=20, status="paid", open_amount="0"),
             item("F1", customer_id="UNKNOWN", days_past_due=20)]
    customers = [customer("A"), customer("B"), customer("C"), customer("D", do_not_dun=True),
                 customer("E", last_messaged_on=AS_OF)]
    plan = plan_reminders(items, customers, AS_OF, calendar_policy, calendars)
    planned = [(m.customer_id, m.currency) for m in plan.messages]
    skipped = [(s.customer_id, s.currency) for s in plan.skipped]
    assert sorted(planned + skipped) == [("A", "EUR"), ("B", "EUR"), ("C", "EUR"), ("D", "EUR"),
                                         ("E", "GBP"), ("UNKNOWN", "EUR")]
    assert all(s.code and s.reason for s in plan.skipped)
    assert {s.customer_id: s.code for s in plan.skipped} == {
        "B": "disputed_or_promised", "C": "not_due", "D": "do_not_dun",
        "E": "recently_messaged", "UNKNOWN": "unknown_customer"}


def test_policy_file_overrides_the_packaged_one(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("stages:\n  - {name: only, offset_days: 10, tone: {default: firm}}\n"
                    "min_days_between_messages: 14\n")
    policy = load_policy(path)
    assert [s.name for s in policy.stages] == ["only"] and policy.min_days_between_messages == 14


def test_invalid_policy_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("stages:\n  - {name: a, offset_days: 10, tone: {high: firm}}\n")
    with pytest.raises(ValueError, match=r"bad\.yaml: invalid dunning policy: stages\.0\.tone"):
        load_policy(path)
    path.write_text("stages:\n  - {name: a, offset_days: 10, tone: {default: firm}}\n"
                    "  - {name: b, offset_days: 5, tone: {default: firm}}\n")
    with pytest.raises(ValueError, match="offsets must strictly increase"):
        load_policy(path)
