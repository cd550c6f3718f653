"""The candidate late-payment classifiers and the time-ordered choice between them.

Gradient boosting finds interactions (a dispute matters more for a slow payer); a regularised
logistic regression extrapolates more smoothly from a short history. Which generalises better
depends on the company, so each is fitted on the earlier part of the training window and judged
on its later part (never on the test period); the one ranking that slice better is kept.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

BOOSTING_PARAMS = {"max_iter": 100, "learning_rate": 0.05, "max_leaf_nodes": 7,
                   "min_samples_leaf": 40, "l2_regularization": 1.0, "early_stopping": False,
                   "random_state": 0}
LOGISTIC_PARAMS = {"C": 0.5, "max_iter": 2000}
# a logistic model must rank the slice clearly better to replace boosting (ties keep boosting)
MIN_GAIN = 0.002


def gradient_boosting() -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**BOOSTING_PARAMS)


def logistic() -> object:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # missing history (a new customer, an unknown channel) becomes the median plus a flag
    return make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                         LogisticRegression(**LOGISTIC_PARAMS))


CANDIDATES: dict[str, Callable[[], object]] = {"gradient_boosting": gradient_boosting,
                                               "logistic": logistic}


def choose(x_early: pd.DataFrame, y_early: pd.Series, x_late: pd.DataFrame,
           y_late: pd.Series) -> tuple[str, np.ndarray, dict[str, float]]:
    """Fit every candidate on the early rows, rank the late rows: the chosen name, its scores on
    the late rows (to calibrate on) and each candidate's AUC there."""
    from sklearn.metrics import roc_auc_score

    scores, aucs = {}, {}
    for name, make in CANDIDATES.items():
        twin = make()
        twin.fit(x_early, y_early)
        scores[name] = twin.predict_proba(x_late)[:, 1]
        aucs[name] = (float(roc_auc_score(y_late, scores[name])) if y_late.nunique() == 2
                      else float("nan"))
    chosen = "gradient_boosting"
    if aucs["logistic"] > aucs["gradient_boosting"] + MIN_GAIN:
        chosen = "logistic"
    return chosen, scores[chosen], aucs
