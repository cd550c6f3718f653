"""Generate a 1,000,000-invoice company and write it; print time per phase, rows and sizes.

    .venv/bin/python benchmarks/bench_generate.py [--customers 20000] [--invoices-per-customer 50]
                                                  [--formats parquet,csv] [--seed 1]

The target: generating plus writing Parquet in under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from o2c.synth import generate_company, write_company


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--invoices-per-customer", type=float, default=50.0)
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 3, 31))
    args = parser.parse_args()

    t0 = time.perf_counter()
    company = generate_company(args.customers, args.seed, args.as_of,
                               invoices_per_customer=args.invoices_per_customer)
    generated = time.perf_counter() - t0
    print(f"generate {args.customers:,} customers, seed {args.seed}, as_of {args.as_of}")
    for phase, seconds in company.timings.items():
        print(f"  {phase:<16}{seconds:8.2f} s")
    print(f"  {'total':<16}{generated:8.2f} s")

    rows = company.row_counts()
    writes: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            t1 = time.perf_counter()
            files = write_company(company, Path(tmp) / fmt, fmt)
            writes[fmt] = time.perf_counter() - t1
            print(f"write {fmt}: {writes[fmt]:.2f} s")
            for name, path in files.items():
                print(f"  {name:<26}{rows[name.removeprefix('truth/')]:>12,} rows"
                      f"{_size(path):>14}")
    for fmt, seconds in writes.items():
        print(f"TOTAL generate + write {fmt}: {generated + seconds:.2f} s "
              f"({rows['invoices']:,} invoices)")


if __name__ == "__main__":
    main()
