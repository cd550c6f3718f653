"""Time-ordered backtests: train on the past, test on later invoices, model beside baseline.

The split is by issue date: the last `test_share` of invoices (by issue date) are the test set.
The model trains on what was known at the cutoff (`model.training_rows`); test invoices are
scored with their features at their own issue date (history known then, never their outcome)
and judged on their outcome as of the data's end. The same split backs the choice between
model and baseline in the pipeline (`validate_and_fit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from o2c.credit import forecast
from o2c.credit.metrics import auc, brier, mae
from o2c.credit.model import (
    CreditModel,
    baseline_days_late,
    baseline_p_late,
    fit,
    training_rows,
)

TEST_SHARE = 0.2


@dataclass(frozen=True)
class ScorerMetrics:
    scorer: str
    auc: float
    brier: float
    mae_days: float
    invoices: int
    settled: int

    def line(self) -> str:
        return (f"{self.scorer} AUC={self.auc:.3f} Brier={self.brier:.4f} "
                f"MAE_days={self.mae_days:.2f}")

    def as_dict(self) -> dict:
        return {"auc": self.auc, "brier": self.brier, "mae_days": self.mae_days,
                "invoices": self.invoices, "settled": self.settled}


@dataclass
class BacktestResult:
    cutoff: date
    data_start: date
    data_end: date
    train_rows: int
    model: CreditModel
    metrics: dict[str, ScorerMetrics]  # "model", "baseline"
    cash: pd.DataFrame  # week, week_end, model, due_date, actual
    calibration: pd.DataFrame  # bin, mean_p, observed, invoices
    test_sample: pd.DataFrame | None = None  # up to 2,000 test rows (feature importance)

    @property
    def model_beats_baseline(self) -> dict[str, bool]:
        m, b = self.metrics["model"], self.metrics["baseline"]
        return {"p_late": m.auc > b.auc and m.brier < b.brier, "days": m.mae_days < b.mae_days}

    def lines(self) -> list[str]:
        return [self.metrics["model"].line(), self.metrics["baseline"].line()]

    def details(self) -> list[str]:
        wape = forecast.forecast_wape(self.cash) if len(self.cash) else {}
        out = [f"history {self.data_start} .. {self.data_end}; test: invoices issued from "
               f"{self.cutoff} ({self.metrics['model'].invoices} with a known outcome, "
               f"{self.metrics['model'].settled} settled); trained on {self.train_rows}"]
        if wape:
            out.append(f"cash forecast WAPE over {len(self.cash)} week(s) from {self.cutoff}: "
                       f"model={wape['model']:.3f} due_date={wape['due_date']:.3f}")
        return out


def split_cutoff(features: pd.DataFrame, test_share: float = TEST_SHARE) -> date:
    """First issue date of the test set: the last `test_share` of invoices by issue date."""
    issued = pd.to_datetime(features["issue_date"]).sort_values().reset_index(drop=True)
    if len(issued) < 10:
        raise ValueError(f"{len(issued)} invoice(s): too few to split into train and test")
    cutoff = issued.iloc[int(len(issued) * (1 - test_share))]
    if cutoff <= issued.iloc[0]:
        raise ValueError("every invoice has the same issue date: no past to train on")
    return cutoff.date()


def _metrics(name: str, p: np.ndarray, days: np.ndarray, test: pd.DataFrame) -> ScorerMetrics:
    y = test["is_late"].astype(bool).to_numpy()
    settled = test["days_late"].notna().to_numpy()
    actual = pd.to_numeric(test["days_late"]).to_numpy(float)
    return ScorerMetrics(name, auc(y, p), brier(y, p),
                         mae(actual[settled], days[settled]) if settled.any() else float("nan"),
                         len(test), int(settled.sum()))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                         "mean_p": float(p[mask].mean()), "observed": float(y[mask].mean()),
                         "invoices": int(mask.sum())})
    return pd.DataFrame(rows)


def run_backtest(features: pd.DataFrame, test_share: float = TEST_SHARE) -> BacktestResult:
    """Split by issue date, fit on the past, score the test invoices with model and baseline."""
    features = features.sort_values(["issue_date", "invoice_id"]).reset_index(drop=True)
    cutoff = split_cutoff(features, test_share)
    train = training_rows(features, cutoff)
    model = fit(train, cutoff)
    issued = pd.to_datetime(features["issue_date"])
    test = features[(issued >= pd.Timestamp(cutoff)) & features["is_label_known"].astype(bool)]
    metrics = {
        "model": _metrics("model", model.model_p_late(test), model.model_days_late(test), test),
        "baseline": _metrics("baseline", baseline_p_late(test, model.population),
                             baseline_days_late(test, model.population), test),
    }
    data_end = pd.to_datetime(features["as_of_date"]).max().date()
    return BacktestResult(
        cutoff=cutoff, data_start=issued.min().date(), data_end=data_end,
        train_rows=model.rows, model=model, metrics=metrics,
        cash=_cash(features, model, train, cutoff, data_end),
        calibration=calibration_table(test["is_late"].astype(bool).to_numpy(),
                                      model.model_p_late(test)),
        test_sample=test.sample(min(len(test), 2000), random_state=0),
    )


def _cash(features: pd.DataFrame, model: CreditModel, train: pd.DataFrame, cutoff: date,
          data_end: date) -> pd.DataFrame:
    as_of = cutoff - timedelta(days=1)
    settled = pd.to_datetime(features["settled_date"])
    open_rows = features[(pd.to_datetime(features["issue_date"]) <= pd.Timestamp(as_of))
                         & (settled.isna() | (settled > pd.Timestamp(as_of)))]
    if open_rows.empty:
        return pd.DataFrame(columns=["week", "week_end", "model", "due_date", "actual"])
    history = pd.to_numeric(train["days_late"]).dropna().to_numpy(float)
    predicted = forecast.expected_pay_dates(open_rows, model.days_late(open_rows), as_of,
                                            history)
    return forecast.cash_backtest(open_rows, predicted, as_of, data_end)


def validate_and_fit(features: pd.DataFrame, as_of: date) -> tuple[CreditModel, BacktestResult]:
    """The pipeline's model: holdout on the last 20%, decide model or baseline per output,
    then refit on everything known at as_of with that decision."""
    labelled = features[features["is_label_known"].astype(bool)]
    holdout = run_backtest(labelled)
    final = fit(training_rows(features, as_of + timedelta(days=1)), as_of)
    beats = holdout.model_beats_baseline
    final.use_model_p, final.use_model_days = beats["p_late"], beats["days"]
    return final, holdout


def backtest_csv(path: Path, as_of: date | None, work_dir: Path,
                 test_share: float = TEST_SHARE, rolling: bool = False) -> BacktestResult:
    """`o2c credit backtest --invoices FILE.csv`: read, build the dbt features, backtest.

    By default the history is frozen at the cutoff: a test invoice sees only what was known
    when training ended, so nothing of the test period reaches the features. `rolling` lets
    each test invoice see the history up to its own issue date, as weekly scoring would."""
    from o2c.credit.features import build_history_features
    from o2c.credit.history import read_invoice_csv

    history = read_invoice_csv(path)
    if as_of is None:
        # the extract date: the last thing that happened (due dates may lie ahead of it)
        as_of = max(pd.to_datetime(history[c]).max() for c in
                    ("issue_date", "settled_date")).date()
    cutoff = split_cutoff(history, test_share)
    features = build_history_features(history, as_of, work_dir,
                                      frozen_at=None if rolling else cutoff)
    return run_backtest(features, test_share)
