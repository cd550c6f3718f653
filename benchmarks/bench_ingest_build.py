"""Ingest a 1,000,000-invoice company and build the dbt AR layer; print each phase's time.

    .venv/bin/python benchmarks/bench_ingest_build.py [--customers 20000]
        [--invoices-per-customer 50] [--format parquet|csv] [--runs 1]

Phases: generate + write the extracts (not part of ingestion), load every ERP file through the
contracts into raw.* (the ingest-erp flow's work, without orchestration), then `dbt build`
(models, tests, unit tests, snapshot) through dbt's own runner. Peak RSS from getrusage.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from o2c.adapters import warehouse
from o2c.adapters.dbt import dbt_args, dbt_env
from o2c.adapters.landing import LocalLanding
from o2c.ingest.erp import ERP_PREFIX, load_file, pending
from o2c.settings import Settings
from o2c.synth import generate_company, write_company

AS_OF = date(2026, 3, 31)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(args, workdir: Path) -> dict[str, float]:
    os.environ["O2C_HOME"] = str(workdir / "o2c")
    settings = Settings()
    landing_dir = Path(settings.landing_url)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    company = generate_company(args.customers, 1, AS_OF,
                               invoices_per_customer=args.invoices_per_customer)
    write_company(company, landing_dir, args.format)
    timings["generate+write"] = time.perf_counter() - t0
    invoices = company.row_counts()["invoices"]
    del company

    t0 = time.perf_counter()
    landing = LocalLanding(landing_dir)
    rows = 0
    with warehouse.writer(settings) as con:
        for landed in pending(con, list(landing.list(ERP_PREFIX))):
            rows += load_file(con, landed, landing.read(landed.key)).rows_loaded
    timings["ingest"] = time.perf_counter() - t0

    from dbt.cli.main import dbtRunner

    dbt_env(settings)
    t0 = time.perf_counter()
    result = dbtRunner().invoke(dbt_args(["build", "--quiet"], settings, AS_OF))
    timings["dbt build"] = time.perf_counter() - t0
    if not result.success:
        raise SystemExit(f"dbt build failed: {result.exception}")
    with warehouse.reader(settings) as con:
        [(n,)] = con.execute("select count(*) from fct_invoices").fetchall()
    print(f"  invoices generated {invoices:,}; raw rows loaded {rows:,}; fct_invoices {n:,}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--invoices-per-customer", type=float, default=50.0)
    parser.add_argument("--format", default="parquet", choices=["parquet", "csv", "jsonl"])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    runs = []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="o2c-bench-") as tmp:
            print(f"run {n + 1}/{args.runs} ({args.format}):")
            timings = run_once(args, Path(tmp))
            print("  " + "  ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
            runs.append(timings)
    print(f"\nmedian of {len(runs)} run(s), {args.customers:,} customers:")
    for phase in runs[0]:
        print(f"  {phase:<15} {statistics.median(r[phase] for r in runs):8.1f} s")
    ingest_build = [r["ingest"] + r["dbt build"] for r in runs]
    print(f"  {'ingest+build':<15} {statistics.median(ingest_build):8.1f} s")
    print(f"  peak RSS        {_peak_rss_mib():8.0f} MiB")


if __name__ == "__main__":
    main()
