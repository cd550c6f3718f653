"""`o2c credit backtest` end to end (CSV -> dbt features -> time-ordered split -> model and
baseline), on a small hand-made invoice list shaped like a real one and on a generated company,
and the no-look-ahead property of the dbt features."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from o2c.credit.backtest import run_backtest
from o2c.credit.cli import credit_app
from o2c.credit.features import build_history_features
from o2c.credit.history import read_invoice_csv

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LINE = re.compile(r"^(model|baseline) AUC=([\d.]+) Brier=([\d.]+) MAE_days=([\d.]+)$")


def real_like_invoices(customers: int = 100, invoices: int = 2500, seed: int = 1) -> pd.DataFrame:
    """An invoice list as ERPs export it: two years, net 30, US dates, Yes/No disputes, a
    paper/electronic channel that customers switch over time, extra columns. Each customer has
    its own propensity to pay late; disputes and paper invoices make lateness likelier."""
    rng = np.random.default_rng(seed)
    start = date(2012, 1, 1)
    ids = [f"{rng.integers(1000, 9999)}-{''.join(rng.choice(list('ABCDEFGHJKLMNPQRSTUVWXYZ'), 5))}"
           for _ in range(customers)]
    propensity = rng.beta(0.6, 1.2, customers)
    switch = [start + timedelta(days=int(d)) if rng.random() < 0.6 else None
              for d in rng.integers(0, 700, customers)]
    weight = rng.lognormal(0, 0.6, customers)
    rows = []
    for i, k in enumerate(rng.choice(customers, size=invoices, p=weight / weight.sum())):
        issue = start + timedelta(days=int(rng.integers(0, 730)))
        due = issue + timedelta(days=30)
        paperless = switch[k] is not None and issue >= switch[k]
        disputed = rng.random() < 0.08 + 0.3 * propensity[k]
        p_late = min(propensity[k] * (0.6 if paperless else 1.0) + (0.35 if disputed else 0), 0.97)
        if rng.random() < p_late:
            late = int(rng.integers(1, 8) + rng.gamma(2, 4 + 6 * propensity[k]) + 8 * disputed)
        else:
            late = -int(rng.integers(0, 25))
        settled = due + timedelta(days=late)
        us = "{d.month}/{d.day}/{d.year}".format
        rows.append({"countryCode": int(rng.choice([391, 406, 770])), "customerID": ids[k],
                     "invoiceNumber": str(1_000_000 + i), "InvoiceDate": us(d=issue),
                     "DueDate": us(d=due), "InvoiceAmount": round(float(rng.lognormal(4, .5)), 2),
                     "Disputed": "Yes" if disputed else "No", "SettledDate": us(d=settled),
                     "PaperlessBill": "Electronic" if paperless else "Paper",
                     "DaysLate": max(late, 0)})
    return pd.DataFrame(rows)


def _scores(output: str) -> dict[str, tuple[float, float, float]]:
    found = {}
    for line in output.splitlines():
        if m := LINE.match(line.strip()):
            found[m.group(1)] = tuple(float(x) for x in m.groups()[1:])
    return found


def test_backtest_on_a_plain_invoice_list_prints_model_and_baseline(tmp_path):
    path = tmp_path / "invoices.csv"
    real_like_invoices().to_csv(path, index=False)
    result = CliRunner().invoke(credit_app, ["backtest", "--invoices", str(path)])
    assert result.exit_code == 0, result.output
    scores = _scores(result.stdout)
    assert set(scores) == {"model", "baseline"}, result.output
    (m_auc, m_brier, m_mae), (b_auc, b_brier, b_mae) = scores["model"], scores["baseline"]
    assert m_auc > b_auc and m_brier < b_brier and m_mae < b_mae, result.output
    assert m_auc >= 0.85


def test_backtest_reports_a_bad_file_by_row_and_field(tmp_path):
    path = tmp_path / "invoices.csv"
    frame = real_like_invoices(customers=5, invoices=20)
    frame.loc[6, "DueDate"] = "31/31/2012"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(credit_app, ["backtest", "--invoices", str(path)])
    assert result.exit_code == 2
    assert "row 7, due_date" in result.output


def test_model_beats_baseline_on_a_generated_company(tmp_path):
    from o2c.credit.company import company_history

    company = company_history(200, 7, date(2026, 3, 31), tmp_path)
    result = run_backtest(company.features)
    assert result.model_beats_baseline == {"p_late": True, "days": True}, result.lines()
    again = run_backtest(company.features)  # same history, same version, same scores
    assert again.model.version == result.model.version
    sample = result.test_sample
    assert (again.model.p_late(sample) == result.model.p_late(sample)).all()
    assert len(company.history) == len(company.features)
    assert company.history["settled_date"].notna().mean() > 0.5


def test_features_at_issue_do_not_change_when_later_invoices_are_added_or_changed(tmp_path):
    base = read_invoice_csv(_write(tmp_path / "a.csv", real_like_invoices(20, 400, seed=3)))
    cut = pd.Timestamp("2013-01-01").date()
    later = base.copy()
    after = pd.to_datetime(later["settled_date"]) >= pd.Timestamp(cut)
    later.loc[after, "settled_date"] = (pd.to_datetime(later.loc[after, "settled_date"])
                                        + pd.Timedelta(days=40)).dt.date  # paid later
    issued_after = pd.to_datetime(later["issue_date"]) >= pd.Timestamp(cut)
    later.loc[issued_after, "is_disputed"] = True
    extra = later[issued_after].head(30).copy()
    extra["invoice_id"] = "NEW-" + extra["invoice_id"]
    later = pd.concat([later, extra], ignore_index=True)
    both = pd.concat([base.assign(customer_id="A:" + base["customer_id"]),
                      later.assign(customer_id="B:" + later["customer_id"],
                                   invoice_id="B:" + later["invoice_id"])], ignore_index=True)
    base_ids = set(base["invoice_id"])
    both.loc[both["customer_id"].str.startswith("A:"), "invoice_id"] = "A:" + both.loc[
        both["customer_id"].str.startswith("A:"), "invoice_id"].where(
        both["invoice_id"].isin(base_ids))
    features = build_history_features(both, date(2014, 3, 1), tmp_path / "work")
    features = features[pd.to_datetime(features["issue_date"]) < pd.Timestamp(cut)]
    columns = [c for c in features.columns if c.startswith(("prior_", "recent_", "open_",
                                                             "past_due", "max_days",
                                                             "days_", "last_", "same_"))
               and c not in ("days_late", "days_to_due")]
    a = features[features["invoice_id"].str.startswith("A:")].assign(
        key=lambda f: f["invoice_id"].str[2:]).set_index("key")[columns].sort_index()
    b = features[features["invoice_id"].str.startswith("B:")].assign(
        key=lambda f: f["invoice_id"].str[2:]).set_index("key")[columns].sort_index()
    assert len(a) > 100
    pd.testing.assert_frame_equal(a, b)


def _write(path, frame):
    frame.to_csv(path, index=False)
    return path
