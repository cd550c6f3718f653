"""Scoring metrics: AUC, Brier score, MAE in days, and WAPE for the cash forecast (numpy only)."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def auc(y_true: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half); nan with one class only."""
    y = np.asarray(y_true, bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(np.asarray(score, float))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def brier(y_true: np.ndarray, p: np.ndarray) -> float:
    """Mean squared difference between the probability and the outcome (0 or 1)."""
    return float(np.mean((np.asarray(p, float) - np.asarray(y_true, float)) ** 2))


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error: sum |forecast - actual| / sum actual."""
    actual = np.asarray(actual, float)
    total = actual.sum()
    if total == 0:
        return float("nan")
    return float(np.abs(np.asarray(forecast, float) - actual).sum() / total)
