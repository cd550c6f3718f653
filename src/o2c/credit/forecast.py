"""Cash forecast: when each open invoice is expected to be paid, cash by week for 13 weeks,
and the backtest of that forecast (WAPE by week) beside the naive "paid on the due date".

Week k covers the days as_of + 7(k-1) + 1 .. as_of + 7k; a date on or before as_of counts in
week 1 (the rule of fct_cash_forecast). An open invoice past its predicted pay date is expected
after the typical extra delay of invoices that were as late (median over the training history
of days late - days already late, among invoices later than that); with fewer than 10 such
invoices it is not expected within the horizon.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from o2c.credit.metrics import wape

WEEKS = 13
MIN_LATER = 10


def extra_days(history_days_late: np.ndarray, already_late: np.ndarray) -> np.ndarray:
    """Median further days to payment for invoices already `already_late` days late (nan if
    fewer than MIN_LATER historical invoices were ever that late)."""
    history = np.sort(np.asarray(history_days_late, float))
    out = np.full(len(already_late), np.nan)
    for i, k in enumerate(np.asarray(already_late, float)):
        later = history[history > k]
        if len(later) >= MIN_LATER:
            out[i] = float(np.median(later - k))
    return out


def expected_pay_dates(open_rows: pd.DataFrame, days_late: np.ndarray, as_of: date,
                       history_days_late: np.ndarray) -> pd.Series:
    """Predicted pay date of each open invoice (NaT: not expected within the horizon)."""
    due = pd.to_datetime(open_rows["due_date"]).to_numpy("datetime64[D]")
    start = np.datetime64(as_of, "D")
    predicted = due + np.round(np.asarray(days_late, float)).astype(np.int64)
    passed = predicted <= start
    already = (start - due).astype(np.int64)
    extra = extra_days(history_days_late, already[passed])
    later = np.where(np.isnan(extra), np.datetime64("NaT"),
                     start + np.maximum(np.nan_to_num(extra), 1).astype(np.int64))
    predicted = predicted.astype("datetime64[D]")
    predicted[passed] = later
    return pd.Series(pd.to_datetime(predicted), index=open_rows.index)


def week_of(dates: pd.Series, as_of: date) -> pd.Series:
    """Week number 1.. of each date after as_of (dates on or before it: week 1)."""
    days = (pd.to_datetime(dates) - pd.Timestamp(as_of)).dt.days
    return ((days.clip(lower=1) - 1) // 7 + 1).astype("Int64")


def weekly(amounts: pd.Series, dates: pd.Series, as_of: date, weeks: int = WEEKS) -> np.ndarray:
    week = week_of(dates, as_of)
    out = np.zeros(weeks)
    for k in range(1, weeks + 1):
        out[k - 1] = float(pd.to_numeric(amounts[week == k]).sum())
    return out


def cash_backtest(open_rows: pd.DataFrame, predicted: pd.Series, as_of: date, data_end: date,
                  weeks: int = WEEKS) -> pd.DataFrame:
    """Forecast vs actual by week for invoices open at as_of: model, naive due date, actual.
    Only weeks that end on or before data_end (fully observed) are kept."""
    amount = pd.to_numeric(open_rows["amount"])
    settled = pd.to_datetime(open_rows["settled_date"])
    actual_dates = settled.where(settled > pd.Timestamp(as_of))
    table = pd.DataFrame({
        "week": range(1, weeks + 1),
        "week_end": [as_of + pd.Timedelta(days=7 * k) for k in range(1, weeks + 1)],
        "model": weekly(amount, predicted, as_of, weeks),
        "due_date": weekly(amount, open_rows["due_date"], as_of, weeks),
        "actual": weekly(amount.where(actual_dates.notna(), 0), actual_dates.fillna(
            pd.Timestamp(as_of) + pd.Timedelta(days=7 * weeks + 7)), as_of, weeks),
    })
    return table[pd.to_datetime(table["week_end"]) <= pd.Timestamp(data_end)]


def forecast_wape(table: pd.DataFrame) -> dict[str, float]:
    return {"model": wape(table["actual"], table["model"]),
            "due_date": wape(table["actual"], table["due_date"])}
