"""The late-payment model: P(an invoice is paid late) and expected days late, with baselines.

Trained on the company's own history, time-ordered only: rows are invoices whose outcome was
fully known at the training cutoff (due before it: settled, or unpaid and so late); the last
20% of them by issue date choose the classifier (gradient boosting or logistic regression,
o2c.credit.classifiers) and calibrate its probabilities (isotonic, or sigmoid under 1,000 rows).
The days-late regressor learns from the invoices settled by the cutoff (absolute error, as MAE
is what it is judged on).

Baselines, always computed beside it: the customer's prior late rate (P(late)) and prior mean
days late of settled invoices, as known at the issue date; a customer with no history gets the
training population's rate or mean (cold start).
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from o2c.credit.classifiers import (
    BOOSTING_PARAMS,
    CANDIDATES,
    LOGISTIC_PARAMS,
    MIN_GAIN,
    choose,
)

SMOOTHING = 2.0  # pseudo-invoices of population behaviour added to each customer's history
FEATURES: tuple[str, ...] = (
    "terms_days", "log_amount", "amount_to_prior_mean", "is_paperless", "is_disputed",
    "issued_at_month_end", "prior_invoices", "prior_outcomes", "late_rate_smoothed",
    "days_late_smoothed", "prior_late_rate", "prior_undisputed_late_rate",
    "prior_mean_days_late", "prior_max_days_late", "same_channel_mean_days_late",
    "same_dispute_mean_days_late",
    "recent_late_rate", "recent_mean_days_late", "days_late_trend", "last_days_late",
    "prior_dispute_rate", "prior_partial_rate", "open_invoices_then", "past_due_invoices_then",
    "max_days_past_due_then", "past_due_share_then", "short_paid_open_then",
    "open_amount_to_prior_mean", "days_since_last_invoice", "customer_tenure_days",
    "invoices_last_90d",
)
REGRESSOR_PARAMS = {**BOOSTING_PARAMS, "loss": "absolute_error"}
CALIBRATION_SHARE = 0.2


@dataclass(frozen=True)
class Population:
    late_rate: float
    mean_days_late: float


def labels_at(frame: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """is_late / days_late as known at `cutoff` (the rule of int_credit_invoice_features,
    applied to an earlier date): late once settled after the due date or unpaid past it."""
    cut = pd.Timestamp(cutoff)
    settled = pd.to_datetime(frame["settled_date"])
    due = pd.to_datetime(frame["due_date"])
    is_settled = settled.notna() & (settled <= cut)
    known = is_settled | (due < cut)
    late = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    late[is_settled] = (settled > due)[is_settled]
    late[~is_settled & known] = True
    days = ((settled - due).dt.days).where(is_settled)
    return pd.DataFrame({"is_label_known": known, "is_late": late, "days_late": days},
                        index=frame.index)


def population_of(train: pd.DataFrame) -> Population:
    late = train["is_late"].dropna().astype(float)
    days = train["days_late"].dropna().astype(float)
    return Population(float(late.mean()) if len(late) else 0.5,
                      float(days.mean()) if len(days) else 0.0)


def design(frame: pd.DataFrame, population: Population,
           features: tuple[str, ...] = FEATURES) -> pd.DataFrame:
    """The model's input matrix: dbt features plus the population-smoothed history."""
    num = frame.apply(pd.to_numeric, errors="coerce") if len(frame) else frame
    n = num["prior_outcomes"].fillna(0)
    late = num["prior_late"].fillna(0)
    mean_days = num["prior_mean_days_late"].fillna(0)
    out = pd.DataFrame(index=frame.index)
    out["late_rate_smoothed"] = (late + SMOOTHING * population.late_rate) / (n + SMOOTHING)
    out["days_late_smoothed"] = ((mean_days * n + SMOOTHING * population.mean_days_late)
                                 / (n + SMOOTHING))
    out["log_amount"] = np.log1p(num["amount"].clip(lower=0))
    for name in FEATURES:
        if name not in out:
            out[name] = num[name]
    return out[list(features)].astype(float)


def baseline_p_late(frame: pd.DataFrame, population: Population) -> np.ndarray:
    return pd.to_numeric(frame["prior_late_rate"]).fillna(population.late_rate).to_numpy(float)


def baseline_days_late(frame: pd.DataFrame, population: Population) -> np.ndarray:
    return (pd.to_numeric(frame["prior_settled_mean_days_late"])
            .fillna(population.mean_days_late).to_numpy(float))


def training_rows(frame: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Invoices issued and due before `cutoff`, labelled as known at it (nothing censored)."""
    rows = frame[(pd.to_datetime(frame["issue_date"]) < pd.Timestamp(cutoff))
                 & (pd.to_datetime(frame["due_date"]) < pd.Timestamp(cutoff))].copy()
    labels = labels_at(rows, cutoff)
    rows[["is_late", "days_late"]] = labels[["is_late", "days_late"]]
    rows["settled_date"] = pd.to_datetime(rows["settled_date"]).where(
        pd.to_datetime(rows["settled_date"]) <= pd.Timestamp(cutoff))
    return rows.sort_values(["issue_date", "invoice_id"])


@dataclass
class CreditModel:
    """A fitted model: classifier + calibrator + regressor, the population priors, and which
    scorer (model or baseline) serves each output."""

    population: Population
    classifier: object
    calibrator: object
    regressor: object | None
    trained_to: date
    rows: int
    features: tuple[str, ...] = FEATURES
    classifier_kind: str = "gradient_boosting"
    candidate_auc: dict[str, float] = field(default_factory=dict)  # on the calibration slice
    typical: dict[str, float] = field(default_factory=dict)  # training medians
    use_model_p: bool = True
    use_model_days: bool = True
    version: str = ""
    card: dict = field(default_factory=dict)

    def model_p_late(self, frame: pd.DataFrame) -> np.ndarray:
        with threadpool_limits(1):
            raw = self.classifier.predict_proba(
                design(frame, self.population, self.features))[:, 1]
        return np.clip(_calibrate(self.calibrator, raw), 0.0, 1.0)

    def model_days_late(self, frame: pd.DataFrame) -> np.ndarray:
        if self.regressor is None:
            return baseline_days_late(frame, self.population)
        with threadpool_limits(1):
            return self.regressor.predict(design(frame, self.population, self.features))

    @property
    def scorer(self) -> str:
        if self.use_model_p and self.use_model_days:
            return "model"
        if not self.use_model_p and not self.use_model_days:
            return "baseline"
        return "model:p_late+baseline:days" if self.use_model_p else "baseline:p_late+model:days"

    def p_late(self, frame: pd.DataFrame) -> np.ndarray:
        if self.use_model_p:
            return self.model_p_late(frame)
        return baseline_p_late(frame, self.population)

    def days_late(self, frame: pd.DataFrame) -> np.ndarray:
        if self.use_model_days:
            return self.model_days_late(frame)
        return baseline_days_late(frame, self.population)


def _calibrate(calibrator: object, raw: np.ndarray) -> np.ndarray:
    if hasattr(calibrator, "predict_proba"):  # sigmoid (logistic regression on the score)
        return calibrator.predict_proba(_logit(raw).reshape(-1, 1))[:, 1]
    return calibrator.predict(raw)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit(train: pd.DataFrame, trained_to: date) -> CreditModel:
    """Fit on `training_rows(...)` output (time-ordered; labels known at `trained_to`)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    labelled = train[train["is_late"].notna()]
    if len(labelled) < 50 or labelled["is_late"].nunique() < 2:
        raise ValueError(f"too little history to train: {len(labelled)} invoice(s) with a known "
                         "outcome before the cutoff (need 50, late and on time)")
    population = population_of(labelled)
    # a feature the history never has (e.g. partial payments in a plain invoice list) is left out
    known = design(labelled, population).notna().any()
    features = tuple(f for f in FEATURES if known[f])
    with threadpool_limits(1):  # deterministic and quick on a busy machine
        kind, classifier, calibrator, aucs = _fit_classifier(labelled, population, features)
        settled = labelled[labelled["days_late"].notna()]
        regressor = None
        if len(settled) >= 50:
            regressor = HistGradientBoostingRegressor(**REGRESSOR_PARAMS)
            regressor.fit(design(settled, population, features),
                          settled["days_late"].astype(float))
    model = CreditModel(population, classifier, calibrator, regressor, trained_to,
                        rows=len(labelled), features=features, classifier_kind=kind,
                        candidate_auc=aucs,
                        typical=design(labelled, population, features).median().to_dict())
    model.version = model_version(labelled, trained_to)
    return model


def _fit_classifier(labelled: pd.DataFrame, population: Population, features: tuple[str, ...]
                    ) -> tuple[str, object, object, dict[str, float]]:
    """Candidates fitted on the earlier 80% and judged on the later 20% (time-ordered: the slice
    is never trained on); the chosen one is calibrated on that slice, then refitted on all rows."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    y = labelled["is_late"].astype(int)
    split = int(len(labelled) * (1 - CALIBRATION_SHARE))
    early, late = labelled.iloc[:split], labelled.iloc[split:]
    if y.iloc[:split].nunique() < 2 or y.iloc[split:].nunique() < 2:
        early, late = labelled, labelled  # too few of one class to hold a slice out
    kind, raw, aucs = choose(design(early, population, features), y.loc[early.index],
                             design(late, population, features), y.loc[late.index])
    y_cal = y.loc[late.index].to_numpy()
    if len(late) >= 1000:
        calibrator: object = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
        calibrator.fit(raw, y_cal)
    else:
        calibrator = LogisticRegression(C=1.0)
        calibrator.fit(_logit(raw).reshape(-1, 1), y_cal)
    classifier = CANDIDATES[kind]()
    classifier.fit(design(labelled, population, features), y)
    return kind, classifier, calibrator, aucs


def model_version(train: pd.DataFrame, trained_to: date) -> str:
    """Hash of the training window and data, the parameters and the library versions."""
    import sklearn

    data = pd.util.hash_pandas_object(
        train[["invoice_id", "issue_date", "is_late", "days_late"]].astype(str), index=False)
    payload = json.dumps({
        "trained_to": trained_to.isoformat(), "rows": len(train),
        "data": hashlib.sha256(data.to_numpy().tobytes()).hexdigest(),
        "features": FEATURES, "classifier": BOOSTING_PARAMS, "regressor": REGRESSOR_PARAMS,
        "logistic": LOGISTIC_PARAMS, "min_gain": MIN_GAIN,
        "smoothing": SMOOTHING, "calibration_share": CALIBRATION_SHARE,
        "sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__,
        "python": platform.python_version(),
    }, sort_keys=True)
    return "cm-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
