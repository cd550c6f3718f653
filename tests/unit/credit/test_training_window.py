"""The model trains on what was known at its cutoff (o2c.credit.model): a settlement after the
cutoff neither labels a training invoice nor changes the fitted model."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from o2c.credit.model import FEATURES, fit, training_rows

CUTOFF = date(2025, 7, 1)


def invoice_features(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A features frame shaped like int_credit_invoice_features: slow payers pay late."""
    rng = np.random.default_rng(seed)
    issue = [date(2024, 7, 1) + timedelta(days=int(d)) for d in np.sort(rng.integers(0, 540, n))]
    slowness = rng.normal(0, 8, n)
    days_late = np.round(slowness + rng.normal(0, 6, n)).astype(int)
    frame = pd.DataFrame({name: rng.normal(size=n) for name in FEATURES})
    frame["prior_mean_days_late"] = slowness
    frame["same_channel_mean_days_late"] = slowness + rng.normal(0, 2, n)
    frame["prior_outcomes"] = rng.integers(0, 30, n)
    frame["prior_late"] = np.floor(frame["prior_outcomes"] * (slowness > 0)).astype(int)
    frame["amount"] = rng.lognormal(6, 1, n)
    frame["invoice_id"] = [f"I{i:04d}" for i in range(n)]
    frame["issue_date"] = issue
    frame["due_date"] = [d + timedelta(days=30) for d in issue]
    frame["settled_date"] = [d + timedelta(days=int(x)) for d, x in
                             zip(frame["due_date"], days_late, strict=True)]
    frame["is_late"] = days_late > 0
    frame["days_late"] = days_late.astype(float)
    return frame


def test_a_settlement_after_the_cutoff_is_not_known_to_training():
    frame = invoice_features()
    rows = training_rows(frame, CUTOFF)
    assert (pd.to_datetime(rows["due_date"]) < pd.Timestamp(CUTOFF)).all()
    paid_after = pd.to_datetime(frame.loc[rows.index, "settled_date"]) >= pd.Timestamp(CUTOFF)
    assert paid_after.any()
    # unpaid at the cutoff and past due: late, days late not known yet
    assert rows.loc[paid_after, "is_late"].all()
    assert rows.loc[paid_after, "days_late"].isna().all()
    assert rows["settled_date"].dropna().lt(pd.Timestamp(CUTOFF)).all()


def test_changing_what_happened_after_the_cutoff_leaves_the_model_unchanged():
    frame = invoice_features()
    later = frame.copy()
    after = pd.to_datetime(later["settled_date"]) >= pd.Timestamp(CUTOFF)
    later.loc[after, "settled_date"] = later.loc[after, "settled_date"].map(
        lambda d: d + timedelta(days=45))  # everyone paid later than it really did
    later.loc[after, ["is_late", "days_late"]] = [True, 99.0]
    first, second = fit(training_rows(frame, CUTOFF), CUTOFF), fit(training_rows(later, CUTOFF),
                                                                   CUTOFF)
    assert first.version == second.version
    scored = frame[pd.to_datetime(frame["issue_date"]) >= pd.Timestamp(CUTOFF)]
    np.testing.assert_array_equal(first.p_late(scored), second.p_late(scored))
    assert first.classifier_kind in {"gradient_boosting", "logistic"}
    assert set(first.candidate_auc) == {"gradient_boosting", "logistic"}
