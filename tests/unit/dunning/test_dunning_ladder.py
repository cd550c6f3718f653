"""The stage ladder: boundaries, business days per entity, pre-due notes, recipients."""

from __future__ import annotations

from datetime import date

import pytest
from dunning_builders import AS_OF, customer, item

from o2c.domain.calendar import HolidayCalendar, business_days_between, next_business_day
from o2c.domain.dunning import plan_reminders


@pytest.mark.parametrize(("days_past_due", "stage"), [
    (-5, "courtesy"), (0, "courtesy"), (1, "reminder_1"), (14, "reminder_1"),
    (15, "reminder_2"), (29, "reminder_2"), (30, "reminder_3"), (59, "reminder_3"),
    (60, "final_notice"), (400, "final_notice"),
])
def test_stage_changes_exactly_on_the_configured_day(days_past_due, stage, calendar_policy,
                                                     calendars):
    plan = plan_reminders([item(days_past_due=days_past_due)], [customer(risk_tier="high")],
                          AS_OF, calendar_policy, calendars)
    assert [m.stage for m in plan.messages] == [stage]
    assert plan.messages[0].anchor_age_days == days_past_due


def test_nothing_due_within_the_window_is_skipped_as_not_due(calendar_policy, calendars):
    plan = plan_reminders([item(days_past_due=-6)], [customer(risk_tier="high")], AS_OF,
                          calendar_policy, calendars)
    assert plan.messages == ()
    assert [(s.code, s.customer_id, s.currency) for s in plan.skipped] == [
        ("not_due", "C1", "EUR")]
    assert "INV-1" in plan.skipped[0].reason


@pytest.mark.parametrize(("tier", "messaged"), [
    ("high", True), ("critical", True), ("medium", False), ("low", False), (None, False),
    ("unheard-of", False)])
def test_pre_due_note_only_for_tiers_the_policy_names(tier, messaged, policy, calendars):
    plan = plan_reminders([item(days_past_due=-2)], [customer(risk_tier=tier)], AS_OF, policy,
                          calendars)
    assert bool(plan.messages) is messaged
    if not messaged:
        assert plan.skipped[0].code == "pre_due_not_for_tier"


def test_tone_follows_stage_and_risk_tier(calendar_policy, calendars):
    def tone(tier, days):
        plan = plan_reminders([item(days_past_due=days)], [customer(risk_tier=tier)], AS_OF,
                              calendar_policy, calendars)
        return plan.messages[0].tone

    assert [tone("low", 1), tone("high", 1)] == ["friendly", "neutral"]
    assert [tone("low", 15), tone("high", 15)] == ["neutral", "firm"]
    assert tone("low", 60) == "final"


def test_business_days_skip_weekends_and_each_entitys_holidays(calendars):
    de, us = calendars["DE01"], calendars["US01"]
    thu, mon = date(2025, 10, 2), date(2025, 10, 6)  # Fri 3 Oct: German Unity Day
    assert business_days_between(de, thu, mon) == 1
    assert business_days_between(us, thu, mon) == 2
    assert business_days_between(us, mon, thu) == -2
    assert next_business_day(de, date(2025, 10, 3)) == mon
    assert next_business_day(us, date(2025, 10, 3)) == date(2025, 10, 3)


def test_age_counts_the_invoicing_entitys_business_days(policy, calendars):
    as_of = date(2025, 10, 6)
    items = [item("D", days_past_due=4, as_of=as_of, entity_id="DE01"),
             item("U", days_past_due=4, as_of=as_of, entity_id="US01", customer_id="C2")]
    plan = plan_reminders(items, [customer("C1"), customer("C2", entity_id="US01")], as_of,
                          policy, calendars)
    assert {m.customer_id: m.anchor_age_days for m in plan.messages} == {"C1": 1, "C2": 2}


def test_due_date_on_a_holiday_moves_to_the_next_business_day(policy, calendars):
    as_of = date(2025, 10, 6)
    items = [item("D", days_past_due=3, as_of=as_of, entity_id="DE01"),
             item("U", days_past_due=3, as_of=as_of, entity_id="US01", customer_id="C2")]
    plan = plan_reminders(items, [customer("C1"), customer("C2", entity_id="US01")], as_of,
                          policy, calendars)
    assert [(m.customer_id, m.stage) for m in plan.messages] == [("C2", "reminder_1")]
    assert [(s.customer_id, s.code) for s in plan.skipped] == [("C1", "pre_due_not_for_tier")]


def test_no_reminders_on_an_entitys_holiday(policy, calendars):
    holiday = date(2025, 10, 3)
    items = [item("D", days_past_due=20, as_of=holiday),
             item("U", days_past_due=20, as_of=holiday, entity_id="US01", customer_id="C2")]
    plan = plan_reminders(items, [customer("C1"), customer("C2", entity_id="US01")], holiday,
                          policy, calendars)
    assert [m.customer_id for m in plan.messages] == ["C2"]
    assert plan.skipped[0].code == "non_business_day"


def test_holiday_calendar_rejects_an_unknown_country():
    with pytest.raises(ValueError, match="no holiday calendar for country 'XX'"):
        HolidayCalendar("XX")


def test_missing_calendar_is_a_setup_error(policy):
    with pytest.raises(ValueError, match="no business-day calendar for entity DE01"):
        plan_reminders([item()], [customer()], AS_OF, policy, {})


def test_recipients_widen_as_the_ladder_climbs(calendar_policy, calendars):
    def recipients(days):
        m = plan_reminders([item(days_past_due=days)], [customer()], AS_OF, calendar_policy,
                           calendars).messages[0]
        return [r.email for r in m.to], [r.email for r in m.cc]

    assert recipients(1) == (["ap@c1.example"], [])
    assert recipients(30) == (["ap@c1.example"], ["cfo@c1.example", "owner@kestrel.example"])
    assert recipients(60) == (["ap@c1.example", "cfo@c1.example"],
                              ["owner@kestrel.example", "csm@kestrel.example"])
