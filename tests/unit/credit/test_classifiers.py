"""The time-ordered choice between gradient boosting and logistic regression
(o2c.credit.classifiers): the candidate that ranks the later slice better is kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from o2c.credit.classifiers import choose


def _frame(x1: np.ndarray, x2: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"x1": x1, "x2": x2})


def test_an_interaction_only_trees_can_see_keeps_gradient_boosting():
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=1200), rng.normal(size=1200)
    y = pd.Series(((x1 > 0) ^ (x2 > 0)).astype(int))  # late when exactly one is high
    x = _frame(x1, x2)
    kind, scores, aucs = choose(x[:900], y[:900], x[900:], y[900:])
    assert kind == "gradient_boosting"
    assert aucs["gradient_boosting"] > 0.9 > 0.6 > aucs["logistic"]
    assert len(scores) == 300


def test_a_trend_beyond_the_early_range_is_left_to_logistic_regression():
    rng = np.random.default_rng(1)
    # the later slice lies beyond anything seen early: trees flatten out there, a line does not
    x1 = np.concatenate([rng.uniform(-2, 1, 600), rng.uniform(1, 4, 300)])
    x2 = rng.normal(size=900)
    p = 1 / (1 + np.exp(-1.5 * (x1 - 2)))
    y = pd.Series((rng.random(900) < p).astype(int))
    x = _frame(x1, x2)
    kind, _, aucs = choose(x[:600], y[:600], x[600:], y[600:])
    assert kind == "logistic", aucs


def test_missing_history_does_not_stop_logistic_regression():
    rng = np.random.default_rng(2)
    x1 = rng.normal(size=600)
    x1[rng.random(600) < 0.3] = np.nan  # new customers: no history yet
    y = pd.Series((np.nan_to_num(x1, nan=0.5) + rng.normal(0, 0.5, 600) > 0).astype(int))
    x = _frame(x1, rng.normal(size=600))
    _, scores, aucs = choose(x[:450], y[:450], x[450:], y[450:])
    assert np.isfinite(scores).all() and aucs["logistic"] > 0.7
