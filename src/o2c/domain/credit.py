"""Credit-risk rules: the customer risk tier (with hysteresis), the credit-limit recommendation
and the review cadence. Pure: numbers and dates in, decisions out.

Risk score (0-1) of a customer: the chance of paying late weighted by how late -
P(late) x min(expected days late / 30, 1) - averaged over its open invoices by amount, or, with
nothing open, its smoothed late rate x min(mean days late / 30, 1). A customer that is always a
few days late scores low; one that pays a month late or more scores its full P(late). The aging
and utilisation rules below raise the tier on top.

Tier thresholds on the risk score: low < 0.25 <= medium < 0.50 <= high < 0.75 <= critical.
Aging floors (when the overdue amount is at least 5% of the credit limit): 50%+ of exposure
90+ days past due -> critical, 20%+ -> high, 30%+ 60+ days past due -> medium. Utilisation
floors: exposure above 120% of the limit -> high, above 100% -> medium.
Hysteresis: a customer leaves its previous tier only when the score is `HYSTERESIS` beyond the
boundary (up: >= threshold + 0.05; down: < threshold - 0.05), so a score wobbling around a
boundary does not flip the tier every week. Hard floors (aging, utilisation) apply on top.

Credit-limit rule (limits in the customer's currency, rounded to 1,000):
  critical -> lower to 50% of the current limit, and never above the current exposure
  high     -> lower to 75% of the current limit
  medium   -> keep
  low      -> raise by 25% when utilisation is 80%+, the customer has a year of tenure and
              its late rate is 10% or less; else keep
A recommendation never goes below 1,000 and is only a proposal: a credit review decides.

Review cadence: critical and high monthly (every 30 days), medium quarterly (91), low yearly
(365), counted from the customer's review anchor (its created date); a tier change makes a
review due at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

TIERS: tuple[str, ...] = ("low", "medium", "high", "critical")
THRESHOLDS: tuple[float, ...] = (0.25, 0.50, 0.75)  # lower bound of medium, high, critical
HYSTERESIS = 0.05
SEVERE_DAYS_LATE = 30  # days late that count fully in the risk score
MATERIAL_SHARE = Decimal("0.05")  # overdue amounts below 5% of the credit limit do not count
CADENCE_DAYS = {"critical": 30, "high": 30, "medium": 91, "low": 365}
LIMIT_STEP = Decimal(1000)


@dataclass(frozen=True)
class CustomerRisk:
    """What the tier rule looks at, per customer."""

    customer_id: str
    risk_score: float  # 0-1, from the scores (see module docstring)
    exposure: Decimal  # open amount, customer currency
    credit_limit: Decimal | None
    share_61_plus: float = 0.0  # share of the exposure more than 60 days past due
    share_90_plus: float = 0.0
    late_rate: float | None = None
    tenure_days: int | None = None


@dataclass(frozen=True)
class TierDecision:
    customer_id: str
    tier: str
    raw_tier: str  # before hysteresis
    previous_tier: str | None
    floor_reasons: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.previous_tier is not None and self.tier != self.previous_tier


def risk_score(p_late: float, expected_days_late: float) -> float:
    """P(late) weighted by how late: full weight from SEVERE_DAYS_LATE days on."""
    severity = min(max(expected_days_late, 0.0) / SEVERE_DAYS_LATE, 1.0)
    return max(min(p_late, 1.0), 0.0) * severity


def tier_of(score: float) -> str:
    """The tier a score falls in, without memory."""
    return TIERS[sum(score >= t for t in THRESHOLDS)]


def tier_with_hysteresis(score: float, previous: str | None, margin: float = HYSTERESIS) -> str:
    """Keep `previous` unless the score is clearly (by `margin`) in another tier."""
    if previous not in TIERS:
        return tier_of(score)
    index = TIERS.index(previous)
    upper = THRESHOLDS[index] if index < len(THRESHOLDS) else None
    lower = THRESHOLDS[index - 1] if index > 0 else None
    if upper is not None and score >= upper + margin:
        return tier_of(score - margin)  # may jump more than one tier
    if lower is not None and score < lower - margin:
        return tier_of(score + margin)
    return previous


def utilisation(risk: CustomerRisk) -> float | None:
    if not risk.credit_limit or risk.credit_limit <= 0:
        return None
    return float(risk.exposure / risk.credit_limit)


def tier_floor(risk: CustomerRisk) -> tuple[str, tuple[str, ...]]:
    """The lowest tier the aging and utilisation rules allow, with the rules that fired."""
    floor, reasons = "low", []
    used = utilisation(risk)
    # aging counts when the overdue amount is material: 5% of the credit limit or more
    limit = risk.credit_limit if risk.credit_limit and risk.credit_limit > 0 else None
    material_90 = limit is None or risk.exposure * Decimal(str(risk.share_90_plus)) >= (
        limit * MATERIAL_SHARE)
    material_61 = limit is None or risk.exposure * Decimal(str(risk.share_61_plus)) >= (
        limit * MATERIAL_SHARE)

    def raise_to(tier: str, reason: str) -> None:
        nonlocal floor
        reasons.append(reason)
        if TIERS.index(tier) > TIERS.index(floor):
            floor = tier

    if material_90 and risk.share_90_plus >= 0.5:
        raise_to("critical", f"{risk.share_90_plus:.0%} of exposure 90+ days past due")
    elif material_90 and risk.share_90_plus >= 0.2:
        raise_to("high", f"{risk.share_90_plus:.0%} of exposure 90+ days past due")
    elif material_61 and risk.share_61_plus >= 0.3:
        raise_to("medium", f"{risk.share_61_plus:.0%} of exposure 60+ days past due")
    if used is not None and used > 1.2:
        raise_to("high", f"exposure {used:.0%} of credit limit")
    elif used is not None and used > 1.0:
        raise_to("medium", f"exposure {used:.0%} of credit limit")
    return floor, tuple(reasons)


def decide_tier(risk: CustomerRisk, previous: str | None) -> TierDecision:
    """Tier from the score (with hysteresis against `previous`), never below the rule floor."""
    raw = tier_of(risk.risk_score)
    tier = tier_with_hysteresis(risk.risk_score, previous)
    floor, reasons = tier_floor(risk)
    if TIERS.index(floor) > TIERS.index(tier):
        tier = floor
    return TierDecision(risk.customer_id, tier, raw, previous, reasons)


@dataclass(frozen=True)
class LimitRecommendation:
    customer_id: str
    current_limit: Decimal | None
    recommended_limit: Decimal | None
    action: str  # lower | keep | raise
    rule: str


def _round(amount: Decimal, up: bool) -> Decimal:
    steps = (amount / LIMIT_STEP).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR)
    return max(steps * LIMIT_STEP, LIMIT_STEP)


def recommend_limit(risk: CustomerRisk, tier: str) -> LimitRecommendation:
    """The credit-limit rule of the module docstring."""
    limit = risk.credit_limit
    if limit is None or limit <= 0:
        return LimitRecommendation(risk.customer_id, limit, None, "keep", "no credit limit set")
    used = utilisation(risk) or 0.0
    if tier == "critical":
        target = min(limit * Decimal("0.5"), max(risk.exposure, LIMIT_STEP))
        return LimitRecommendation(risk.customer_id, limit, _round(target, up=False), "lower",
                                   "critical: 50% of the limit, not above current exposure")
    if tier == "high":
        return LimitRecommendation(risk.customer_id, limit, _round(limit * Decimal("0.75"),
                                                                   up=False),
                                   "lower", "high: 75% of the limit")
    if (tier == "low" and used >= 0.8 and (risk.tenure_days or 0) >= 365
            and risk.late_rate is not None and risk.late_rate <= 0.1):
        return LimitRecommendation(risk.customer_id, limit, _round(limit * Decimal("1.25"),
                                                                   up=True),
                                   "raise", "low, 80%+ used, 1+ year, late 10% or less: +25%")
    return LimitRecommendation(risk.customer_id, limit, limit, "keep", f"{tier}: keep")


def review_due(tier: str, anchor: date, as_of: date, window_days: int = 7,
               tier_changed: bool = False) -> bool:
    """A review falls due when as_of is within `window_days` after a cadence date of the tier,
    counted from `anchor` (or at once after a tier change)."""
    if tier_changed:
        return True
    elapsed = (as_of - anchor).days
    if elapsed < 0:
        return False
    return elapsed % CADENCE_DAYS[tier] < window_days


def next_review(tier: str, anchor: date, as_of: date) -> date:
    """The first cadence date of the tier after as_of."""
    period = CADENCE_DAYS[tier]
    elapsed = max((as_of - anchor).days, -1)
    return anchor + timedelta(days=(elapsed // period + 1) * period)
