"""Scoring as of a date: open invoices (P(late), expected pay date), customers (risk score, tier
with hysteresis, reasons, credit-limit recommendation, review due), and the journal rows for
app.credit_scores and app.risk_events (deterministic ids: a re-run adds nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from o2c.credit import forecast
from o2c.credit.model import SMOOTHING, CreditModel, design
from o2c.domain import credit as rules
from o2c.domain.ids import stable_id

LABELS = {
    "late_rate_smoothed": "share of invoices paid late", "prior_late_rate": "late rate",
    "recent_late_rate": "late rate, last 5 invoices", "days_late_trend": "trend in days late",
    "prior_mean_days_late": "mean days late", "days_late_smoothed": "mean days late",
    "recent_mean_days_late": "mean days late, last 5", "last_days_late": "days late, last one",
    "prior_max_days_late": "worst days late", "is_disputed": "invoice disputed",
    "prior_dispute_rate": "share of invoices disputed", "prior_partial_rate": "paid in parts",
    "past_due_invoices_then": "past-due invoices", "max_days_past_due_then": "oldest past due",
    "past_due_share_then": "share past due", "short_paid_open_then": "short-paid invoices open",
    "open_amount_to_prior_mean": "open amount vs typical invoice",
    "amount_to_prior_mean": "invoice amount vs typical", "is_paperless": "paperless",
}


@dataclass
class ScoreRun:
    invoices: pd.DataFrame  # invoice_id, customer_id, p_late, days_late, pay_date, ...
    customers: pd.DataFrame  # customer_id, risk_score, tier, previous_tier, reasons, ...
    scores: pd.DataFrame  # rows for app.credit_scores
    events: pd.DataFrame  # rows for app.risk_events


def score_open_invoices(model: CreditModel, features: pd.DataFrame, as_of: date,
                        history_days_late: np.ndarray) -> pd.DataFrame:
    rows = features[features["is_open"].astype(bool)].copy()
    if rows.empty:
        return rows.assign(p_late=[], days_late_pred=[], pay_date=[], expected_days_to_pay=[])
    rows["p_late"] = model.p_late(rows)
    rows["days_late_pred"] = model.days_late(rows)
    rows["pay_date"] = forecast.expected_pay_dates(rows, rows["days_late_pred"].to_numpy(),
                                                   as_of, history_days_late)
    rows["expected_days_to_pay"] = (rows["pay_date"] - pd.to_datetime(rows["issue_date"])).dt.days
    return rows


def reasons_by_customer(model: CreditModel, rows: pd.DataFrame, k: int = 3) -> dict[str, list]:
    """Per customer, the features that raise its P(late) most: each feature in turn set to its
    typical value (training median); the drop in amount-weighted P(late) is its effect."""
    if rows.empty or not model.use_model_p:
        return {}
    rows = rows.reset_index(drop=True)
    weight = pd.to_numeric(rows["amount"]).clip(lower=0).astype(float) + 1e-9
    x = design(rows, model.population, model.features)
    base = model.model_p_late(rows)
    effects, values = {}, {}
    for name in model.features:
        typical = model.typical.get(name)
        # the smoothed rates are derived from prior_late / prior_mean_days_late: covered there
        if typical is None or pd.isna(typical) or name not in LABELS or name.endswith("_smoothed"):
            continue
        swapped = rows.copy()
        swapped[name] = typical
        effects[name] = (base - model.model_p_late(swapped)) * weight
        values[name] = x[name].fillna(typical) * weight
    if not effects:
        return {}
    frame = pd.DataFrame({**{f"e:{n}": v for n, v in effects.items()},
                          **{f"v:{n}": v for n, v in values.items()},
                          "w": weight, "customer_id": rows["customer_id"]})
    sums = frame.groupby("customer_id").sum()
    out = {}
    for customer, row in sums.iterrows():
        found = [{"feature": n, "label": LABELS[n],
                  "value": _round(row[f"v:{n}"] / row["w"]),
                  "typical": _round(model.typical[n]),
                  "effect": _round(row[f"e:{n}"] / row["w"])}
                 for n in effects if row[f"e:{n}"] / row["w"] > 0.01]
        out[customer] = sorted(found, key=lambda e: -e["effect"])[:k]
    return out


def _round(value: float) -> float:
    return round(float(value), 3)


def customer_risks(customers: pd.DataFrame, invoices: pd.DataFrame,
                   model: CreditModel) -> list[rules.CustomerRisk]:
    """The risk score of the rules module: per open invoice, then amount-weighted."""
    weighted = invoices.assign(
        amount=pd.to_numeric(invoices["amount"]).astype(float),
        risk=[rules.risk_score(p, d) for p, d in zip(invoices["p_late"],
                                                     invoices["days_late_pred"], strict=True)])
    weighted["w"] = weighted["amount"] * weighted["risk"]
    by_customer = weighted.groupby("customer_id").agg(w=("w", "sum"), amount=("amount", "sum"))
    population = model.population
    out = []
    for c in customers.itertuples(index=False):
        if c.customer_id in by_customer.index and by_customer.loc[c.customer_id, "amount"] > 0:
            row = by_customer.loc[c.customer_id]
            score = float(row["w"] / row["amount"])
        else:
            n = float(0 if pd.isna(c.outcomes_known) else c.outcomes_known)
            late = (0.0 if pd.isna(c.late_rate) else float(c.late_rate)) * n
            days = (0.0 if pd.isna(c.mean_days_late) else float(c.mean_days_late)) * n
            score = rules.risk_score(
                (late + SMOOTHING * population.late_rate) / (n + SMOOTHING),
                (days + SMOOTHING * population.mean_days_late) / (n + SMOOTHING))
        out.append(rules.CustomerRisk(
            customer_id=c.customer_id, risk_score=score, exposure=Decimal(str(c.exposure)),
            credit_limit=None if pd.isna(c.credit_limit) else Decimal(str(c.credit_limit)),
            share_61_plus=float(c.share_61_90 + c.share_90_plus),
            share_90_plus=float(c.share_90_plus),
            late_rate=None if pd.isna(c.late_rate) else float(c.late_rate),
            tenure_days=None if pd.isna(c.tenure_days) else int(c.tenure_days)))
    return out


def score(model: CreditModel, features: pd.DataFrame, customers: pd.DataFrame, as_of: date,
          previous_tiers: dict[str, str], history_days_late: np.ndarray,
          run_id: str | None = None) -> ScoreRun:
    invoices = score_open_invoices(model, features, as_of, history_days_late)
    anchors = dict(zip(customers["customer_id"], pd.to_datetime(customers["created_date"]),
                       strict=True))
    rows, events, summary = [], [], []
    explained = reasons_by_customer(model, invoices)
    for risk in customer_risks(customers, invoices, model):
        decision = rules.decide_tier(risk, previous_tiers.get(risk.customer_id))
        limit = rules.recommend_limit(risk, decision.tier)
        anchor = anchors.get(risk.customer_id)
        anchor = anchor.date() if anchor is not None and not pd.isna(anchor) else as_of
        due = rules.review_due(decision.tier, anchor, as_of, tier_changed=decision.changed)
        reasons = explained.get(risk.customer_id) or _history_reasons(risk, model)
        reasons = reasons + [{"rule": r} for r in decision.floor_reasons]
        summary.append({"customer_id": risk.customer_id, "risk_score": risk.risk_score,
                        "tier": decision.tier, "previous_tier": decision.previous_tier,
                        "changed": decision.changed, "review_due": due,
                        "exposure": risk.exposure, "credit_limit": risk.credit_limit,
                        "recommended_limit": limit.recommended_limit,
                        "limit_action": limit.action, "limit_rule": limit.rule,
                        "next_review": rules.next_review(decision.tier, anchor, as_of),
                        "reasons": reasons})
        rows.append({"score_id": stable_id("cs", as_of, "customer", risk.customer_id,
                                           model.version),
                     "as_of": as_of, "invoice_id": None, "customer_id": risk.customer_id,
                     "model_version": model.version, "scorer": model.scorer,
                     "p_late": round(risk.risk_score, 6), "expected_days_to_pay": None,
                     "risk_tier": decision.tier, "reasons": json.dumps(reasons), "run_id": run_id})
        events += _events(as_of, risk, decision, limit, due, reasons, run_id)
    tiers = {s["customer_id"]: s["tier"] for s in summary}
    for r in invoices.itertuples(index=False):
        rows.append({"score_id": stable_id("cs", as_of, r.invoice_id, model.version),
                     "as_of": as_of, "invoice_id": r.invoice_id, "customer_id": r.customer_id,
                     "model_version": model.version, "scorer": model.scorer,
                     "p_late": round(float(r.p_late), 6),
                     "expected_days_to_pay": None if pd.isna(r.expected_days_to_pay)
                     else float(r.expected_days_to_pay),
                     "risk_tier": tiers.get(r.customer_id), "reasons": None, "run_id": run_id})
    return ScoreRun(invoices, pd.DataFrame(summary), pd.DataFrame(rows), pd.DataFrame(events))


def _history_reasons(risk: rules.CustomerRisk, model: CreditModel) -> list[dict]:
    """Without a model explanation (baseline scorer, or nothing open): the late rate itself."""
    if risk.late_rate is None:
        return [{"feature": "prior_late_rate", "label": "no payment history yet",
                 "value": None, "typical": _round(model.population.late_rate)}]
    return [{"feature": "prior_late_rate", "label": LABELS["prior_late_rate"],
             "value": _round(risk.late_rate), "typical": _round(model.population.late_rate)}]


def _events(as_of: date, risk: rules.CustomerRisk, decision: rules.TierDecision,
            limit: rules.LimitRecommendation, due: bool, reasons: list[dict],
            run_id: str | None) -> list[dict]:
    def event(kind: str, detail: dict) -> dict:
        return {"event_id": stable_id("re", kind, risk.customer_id, as_of), "as_of": as_of,
                "customer_id": risk.customer_id, "event_type": kind,
                "from_tier": decision.previous_tier, "to_tier": decision.tier,
                "detail": json.dumps(detail, default=str), "run_id": run_id}

    out = []
    if decision.changed:
        out.append(event("tier_change", {"risk_score": round(risk.risk_score, 4),
                                         "reasons": reasons}))
    over_limit = (rules.utilisation(risk) or 0) > 1.0
    if limit.action != "keep" and (decision.changed or due or over_limit):
        out.append(event("credit_limit_review", {
            "current_limit": limit.current_limit, "recommended_limit": limit.recommended_limit,
            "action": limit.action, "rule": limit.rule, "exposure": risk.exposure}))
    if due:
        out.append(event("review_due", {"tier": decision.tier,
                                        "cadence_days": rules.CADENCE_DAYS[decision.tier],
                                        "recommended_limit": limit.recommended_limit}))
    return out
