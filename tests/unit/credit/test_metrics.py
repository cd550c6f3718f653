"""Metrics and baselines, checked by hand and against scikit-learn."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from o2c.credit import forecast
from o2c.credit.metrics import auc, brier, mae, wape
from o2c.credit.model import Population, baseline_days_late, baseline_p_late, labels_at


def test_auc_brier_mae_wape_by_hand():
    y = np.array([0, 0, 1, 1])
    assert auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5  # ties count half
    assert np.isnan(auc(np.array([1, 1]), np.array([0.2, 0.3])))
    assert brier(y, np.array([0, 0, 1, 1])) == 0.0
    assert brier(y, np.array([0.5] * 4)) == 0.25
    assert mae(np.array([10, -2]), np.array([4, 0])) == 4.0
    assert wape(np.array([100, 100]), np.array([150, 50])) == 0.5


def test_auc_and_brier_match_scikit_learn():
    rng = np.random.default_rng(0)
    y, p = rng.random(500) < 0.3, rng.random(500)
    p[::7] = 0.5  # ties
    assert auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p))


def test_baselines_use_the_customer_history_and_the_population_for_newcomers():
    frame = pd.DataFrame({"prior_late_rate": [0.25, None],
                          "prior_settled_mean_days_late": [7.5, None]})
    population = Population(late_rate=0.4, mean_days_late=3.0)
    assert baseline_p_late(frame, population).tolist() == [0.25, 0.4]
    assert baseline_days_late(frame, population).tolist() == [7.5, 3.0]


def test_labels_at_a_cutoff_are_censored_not_guessed():
    frame = pd.DataFrame({
        "due_date": pd.to_datetime(["2026-01-10", "2026-01-10", "2026-01-10", "2026-02-10"]),
        "settled_date": pd.to_datetime(["2026-01-05", "2026-01-20", None, None]),
    })
    labels = labels_at(frame, date(2026, 1, 15))
    assert labels["is_label_known"].tolist() == [True, True, True, False]
    assert labels["is_late"].tolist()[:3] == [False, True, True]  # unpaid past due: late
    assert pd.isna(labels["is_late"].iloc[3])  # not due yet, unpaid: unknown
    assert pd.isna(labels["is_late"].iloc[1]) is False
    assert labels["days_late"].tolist()[0] == -5
    assert pd.isna(labels["days_late"].iloc[1])  # settled after the cutoff: not known yet


def test_week_placement_matches_the_mart_rule():
    as_of = date(2026, 3, 1)
    dates = pd.Series(pd.to_datetime(["2026-02-01", "2026-03-01", "2026-03-02", "2026-03-08",
                                      "2026-03-09", "2026-05-31"]))
    assert forecast.week_of(dates, as_of).tolist() == [1, 1, 1, 1, 2, 13]


def test_an_overdue_invoice_is_expected_after_the_typical_extra_delay():
    history = np.arange(0, 31)  # 0..30 days late
    extra = forecast.extra_days(history, np.array([9, 25]))
    assert extra[0] == np.median(history[history > 9] - 9)
    assert np.isnan(extra[1])  # too few invoices were ever that late
    open_rows = pd.DataFrame({"due_date": pd.to_datetime(["2026-02-19", "2026-03-10"])})
    dates = forecast.expected_pay_dates(open_rows, np.array([3.0, 4.0]), date(2026, 3, 1),
                                        history)
    assert dates.iloc[0] == pd.Timestamp("2026-03-01") + pd.Timedelta(
        days=int(np.median(history[history > 10] - 10)))
    assert dates.iloc[1] == pd.Timestamp("2026-03-14")
