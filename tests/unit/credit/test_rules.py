"""Tier rules, hysteresis, the credit-limit rule and the review cadence (o2c.domain.credit)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from o2c.domain import credit as rules


def risk(score, exposure="0", limit="10000", **kw):
    return rules.CustomerRisk("C1", score, Decimal(exposure), Decimal(limit), **kw)


@pytest.mark.parametrize("score, tier", [(0.0, "low"), (0.2499, "low"), (0.25, "medium"),
                                         (0.4999, "medium"), (0.5, "high"), (0.75, "critical"),
                                         (1.0, "critical")])
def test_tier_thresholds(score, tier):
    assert rules.tier_of(score) == tier


def test_a_score_wobbling_around_a_boundary_keeps_its_tier():
    tier = "medium"
    for score in [0.48, 0.52, 0.49, 0.54, 0.47, 0.51]:  # boundary 0.50, margin 0.05
        tier = rules.tier_with_hysteresis(score, tier)
    assert tier == "medium"
    assert rules.tier_with_hysteresis(0.55, "medium") == "high"  # clearly above
    assert rules.tier_with_hysteresis(0.46, "high") == "high"  # not clearly below 0.50
    assert rules.tier_with_hysteresis(0.44, "high") == "medium"
    assert rules.tier_with_hysteresis(0.90, "low") == "critical"  # a jump is not slowed
    assert rules.tier_with_hysteresis(0.30, None) == "medium"  # no memory: plain thresholds


def test_aging_and_utilisation_floors_override_a_low_score():
    d = rules.decide_tier(risk(0.1, exposure="5000", share_90_plus=0.6), "low")
    assert d.tier == "critical" and d.changed and "90+ days" in d.floor_reasons[0]
    assert rules.decide_tier(risk(0.1, exposure="13000"), None).tier == "high"  # 130% of limit
    assert rules.decide_tier(risk(0.1, exposure="10500"), None).tier == "medium"
    assert rules.decide_tier(risk(0.1, exposure="9000"), None).tier == "low"


def test_credit_limit_rule():
    lowered = rules.recommend_limit(risk(0.9, exposure="3200"), "critical")
    assert (lowered.action, lowered.recommended_limit) == ("lower", Decimal(3000))
    assert rules.recommend_limit(risk(0.6), "high").recommended_limit == Decimal(7000)
    assert rules.recommend_limit(risk(0.3), "medium").action == "keep"
    good = risk(0.1, exposure="8500", late_rate=0.05, tenure_days=800)
    raised = rules.recommend_limit(good, "low")
    assert (raised.action, raised.recommended_limit) == ("raise", Decimal(13000))
    young = risk(0.1, exposure="8500", late_rate=0.05, tenure_days=100)
    assert rules.recommend_limit(young, "low").action == "keep"
    assert rules.recommend_limit(risk(0.9, limit="0"), "critical").recommended_limit is None
    tiny = rules.recommend_limit(risk(0.9, exposure="10", limit="1500"), "critical")
    assert tiny.recommended_limit == Decimal(1000)  # never below 1,000


def test_review_cadence_by_tier():
    anchor = date(2025, 1, 1)
    assert rules.review_due("high", anchor, date(2025, 1, 31))  # day 30: monthly
    assert not rules.review_due("high", anchor, date(2025, 1, 20))
    assert rules.review_due("medium", anchor, date(2025, 4, 2))  # day 91: quarterly
    assert not rules.review_due("medium", anchor, date(2025, 1, 31))
    assert rules.review_due("low", anchor, date(2026, 1, 1))  # day 365: yearly
    assert not rules.review_due("low", anchor, date(2025, 7, 1))
    assert rules.review_due("low", anchor, date(2025, 7, 1), tier_changed=True)
    assert rules.next_review("medium", anchor, date(2025, 2, 1)) == date(2025, 4, 2)
    # a weekly run sees each cadence date exactly once
    weeks = [date.fromordinal(anchor.toordinal() + 7 * k) for k in range(53)]
    assert sum(rules.review_due("high", anchor, d) for d in weeks) == 13


def test_risk_score_weighs_the_chance_of_paying_late_by_how_late():
    assert rules.risk_score(0.9, 3) == pytest.approx(0.09)  # always a few days late: low
    assert rules.risk_score(0.9, 45) == 0.9  # a month or more late: full weight
    assert rules.risk_score(0.5, -4) == 0.0  # expected early


def test_a_small_overdue_residual_does_not_set_the_tier():
    residual = risk(0.1, exposure="200", share_90_plus=1.0)  # 200 of a 10,000 limit
    assert rules.decide_tier(residual, None).tier == "low"
