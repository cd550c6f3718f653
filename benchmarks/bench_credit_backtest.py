"""Backtest the late-payment model against the customer-history baseline on real invoice lists
and on a generated company; print AUC, Brier and MAE (days late) for each, and which classifier
the training window chose.

    .venv/bin/python benchmarks/bench_credit_backtest.py [FILE.csv ...] [--seeds 7,3,11]
                                                         [--customers 200] [--rolling]

FILE.csv is any invoice list `o2c credit backtest --invoices` reads, e.g. IBM's public sample
"WA_Fn-UseC_-Accounts-Receivable.csv" (2,466 invoices, 100 customers, 2012-2013) as downloaded,
its columns unchanged. Invoice lists are not shipped with the repository; pass their paths.
The target on that list: model AUC >= 0.90 and better than the baseline on AUC, Brier and MAE.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from o2c.credit.backtest import BacktestResult, backtest_csv, run_backtest
from o2c.credit.company import company_history


def report(name: str, result: BacktestResult, seconds: float) -> None:
    model = result.model
    aucs = ", ".join(f"{k} {v:.3f}" for k, v in model.candidate_auc.items())
    print(f"{name}: trained on {result.train_rows:,}, tested from {result.cutoff} "
          f"({result.metrics['model'].invoices:,} invoices), {seconds:.0f} s")
    for line in result.lines():
        print(f"  {line}")
    beats = result.model_beats_baseline
    print(f"  classifier {model.classifier_kind} (training-window slice AUC: {aucs}); "
          f"beats baseline: P(late) {beats['p_late']}, days {beats['days']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices", nargs="*", type=Path, help="invoice list CSV file(s)")
    parser.add_argument("--seeds", default="7", help="generated companies, comma-separated")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--rolling", action="store_true",
                        help="test invoices see history up to their own issue date")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="o2c-bench-credit-") as tmp:
        work = Path(tmp)
        for i, path in enumerate(args.invoices):
            t0 = time.perf_counter()
            result = backtest_csv(path, None, work / f"list{i}", rolling=args.rolling)
            report(str(path), result, time.perf_counter() - t0)
        for seed in (int(s) for s in args.seeds.split(",") if s):
            t0 = time.perf_counter()
            company = company_history(args.customers, seed, date(2026, 3, 31),
                                      work / f"company{seed}")
            report(f"generated company ({args.customers} customers, seed {seed})",
                   run_backtest(company.features), time.perf_counter() - t0)


if __name__ == "__main__":
    main()
