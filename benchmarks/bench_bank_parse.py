"""Bank-file parse throughput and peak memory, per format, at 100k and 1M transactions.

    .venv/bin/python benchmarks/bench_bank_parse.py [--sizes 100000,1000000] [--keep DIR]

For each format the writers in `o2c.formats.writers` generate a file of daily statements
(1,000 transactions each, three-line remittance, counterparty, references); a fresh
subprocess then parses it with verification on, consuming statement by statement as a loader
would, and reports wall time and peak RSS (`getrusage(RUSAGE_SELF).ru_maxrss`, which counts
native allocations too). The last column is the 1M/100k RSS ratio: near 1 means memory does
not grow with the file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from o2c.formats import BankTransaction, Statement
from o2c.formats.writers import (
    make_statement,
    write_bai2,
    write_camt053,
    write_camt054,
    write_csv,
    write_mt940,
)

PER_STATEMENT = 1_000
ACCOUNT = "DE89370400440532013000"
WRITERS = {
    "bai2": (write_bai2, {}),
    "camt.053": (write_camt053, {}),
    "camt.054": (write_camt054, {"batch_size": 50}),
    "mt940": (write_mt940, {}),
    "csv": (write_csv, {}),
}

CHILD = """
import resource, sys, time
from o2c.formats import parse
start = time.perf_counter()
n = 0
with open(sys.argv[1], "rb") as f:
    for statement in parse(f):
        n += len(statement.transactions)
elapsed = time.perf_counter() - start
rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(n, elapsed, rss_kib)
"""


def statements(n_txns: int) -> Iterator[Statement]:
    day, balance, i = date(2026, 1, 1), Decimal("100000.00"), 0
    while i < n_txns:
        txns = []
        for _ in range(min(PER_STATEMENT, n_txns - i)):
            i += 1
            credit = i % 4 != 0
            txns.append(BankTransaction(
                account=ACCOUNT, currency="EUR",
                amount=Decimal(1000 + (i * 7919) % 500000) / 100,
                direction="credit" if credit else "debit", value_date=day, booking_date=day,
                bank_ref=f"B{i:012d}", end_to_end_id=f"E2E-{i:010d}",
                counterparty_name=f"Customer {i % 5000:04d} GmbH",
                counterparty_account=f"DE{i % 90 + 10:02d}500105170{i % 10**9:09d}",
                remittance=(f"Invoice INV-{i:08d} and INV-{i + 1:08d}\n"
                            f"PO {i % 99991:05d} customer no C{i % 5000:05d}\n"
                            "Thank you for your business, payment as agreed"),
            ))  # fmt: skip
        stmt = make_statement(ACCOUNT, "EUR", f"S{day:%Y%m%d}", day, balance, txns)
        balance = stmt.summary.closing or balance
        day += timedelta(days=1)
        yield stmt


def generate(kind: str, n: int, folder: Path) -> Path:
    writer, options = WRITERS[kind]
    path = folder / f"{kind}-{n}.dat"
    with path.open("wb") as out:
        writer(statements(n), out, **options)
    return path


def measure(path: Path) -> tuple[int, float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    return int(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--formats", default=",".join(WRITERS))
    parser.add_argument("--keep", type=Path, default=None, help="keep generated files here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'format':<9} {'txns':>9} {'file MB':>8} {'parse s':>8} {'txn/s':>9} "
              f"{'peak RSS MB':>11} {'RSS ratio':>9}")  # fmt: skip
        for kind in args.formats.split(","):
            rss: dict[int, int] = {}
            for n in sizes:
                t0 = time.perf_counter()
                path = generate(kind, n, folder)
                gen = time.perf_counter() - t0
                count, elapsed, rss[n] = measure(path)
                assert count == n, (kind, count, n)
                ratio = f"{rss[n] / rss[sizes[0]]:.2f}" if n != sizes[0] else ""
                print(f"{kind:<9} {n:>9,} {path.stat().st_size / 1e6:>8.1f} {elapsed:>8.1f} "
                      f"{n / elapsed:>9,.0f} {rss[n] / 1024:>11.1f} {ratio:>9}"
                      f"   (generated in {gen:.0f} s)", flush=True)  # fmt: skip
                if args.keep is None:
                    path.unlink()
    print(json.dumps({"per_statement": PER_STATEMENT}))


if __name__ == "__main__":
    main()
