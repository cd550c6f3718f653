"""ERP and bank ingest + dbt build of the core AR and bank models: DuckDB vs the shared
PostgreSQL warehouse with 1 and 2 loader workers; print each phase's time.

    .venv/bin/python benchmarks/bench_pg_warehouse.py [--customers 2000] [--workers 1,2]

A generated company is written as CSV; DuckDB loads it in-process (the default path); each
PostgreSQL run gets a fresh database in a temporary cluster (o2c.pgcluster) and N worker
processes (`python -m o2c.ingest.loader_pg`) that all walk the whole landing zone at once.
The build is `dbt build` (models and data tests) of fct_ar_aging, dim_customers,
fct_bank_transactions and their upstream models. Ingest time includes each worker's Python
start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from o2c import pgcluster
from o2c.adapters import warehouse
from o2c.adapters.dbt import dbt_args, dbt_env
from o2c.adapters.landing import LocalLanding
from o2c.ingest import bank
from o2c.ingest.erp import ERP_PREFIX, load_file, pending
from o2c.settings import Settings
from o2c.synth import generate_company, write_company

AS_OF = date(2026, 3, 31)
CORE_MODELS = ["+fct_ar_aging", "+dim_customers", "+fct_bank_transactions",
               "stg_raw__file_ledger", "staging.erp"]


def dbt_build(settings: Settings) -> float:
    from dbt.cli.main import dbtRunner

    args = dbt_args(["build"], settings, AS_OF) + [
        "--select", *CORE_MODELS, "--indirect-selection", "cautious",
        "--exclude-resource-type", "unit_test", "--quiet", "--no-partial-parse",
        "--target-path", str(settings.home / "target"), "--log-path", str(settings.home / "logs")]
    started = time.perf_counter()
    with dbt_env(settings):
        result = dbtRunner().invoke(args)
    if not result.success:
        failed = [r.node.name for r in (result.result or []) if r.status in ("error", "fail")]
        raise SystemExit(f"dbt build failed: {result.exception or failed}")
    return time.perf_counter() - started


def on_duckdb(landing_dir: Path, home: Path) -> dict[str, float]:
    settings = Settings(_env_file=None, home=home)
    landing = LocalLanding(landing_dir)
    started = time.perf_counter()
    with warehouse.writer(settings) as con:
        for landed in pending(con, list(landing.list(ERP_PREFIX))):
            load_file(con, landed, landing.read(landed.key))
        for landed in sorted(bank.pending(con, list(landing.list(bank.BANK_PREFIX))),
                             key=lambda f: f.key):
            bank.load_bank_file(con, landed, landing.read(landed.key))
    return {"ingest": time.perf_counter() - started, "build": dbt_build(settings)}


def on_postgres(cluster: pgcluster.Cluster, landing_dir: Path, home: Path,
                workers: int) -> dict[str, float]:
    name = f"bench_{workers}w"
    pgcluster.create_database(cluster, name, name, f"{name}-pw")
    dsn = f"host=127.0.0.1 port={cluster.port} user={name} password={name}-pw dbname={name}"
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "o2c.ingest.loader_pg", dsn, str(landing_dir)],
                              stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    in_worker = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"loader worker failed (exit {proc.returncode})")
        in_worker.append(json.loads(out.strip().splitlines()[-1])["seconds"])
    ingest = time.perf_counter() - started
    settings = Settings(_env_file=None, home=home, warehouse_backend="postgres",
                        postgres_dsn=dsn)
    return {"ingest": ingest, "load in worker": max(in_worker), "build": dbt_build(settings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="o2c-bench-pg-") as tmp:
        root = Path(tmp)
        company = generate_company(args.customers, 1, AS_OF)
        rows = {name: table.num_rows for name, table in company.erp.items()}
        write_company(company, root / "landing", "csv")
        del company
        results = {"duckdb, in-process": on_duckdb(root / "landing", root / "duck")}
        cluster = pgcluster.create()
        postmaster = pgcluster.start(cluster, env={"PATH": os.environ.get("PATH", ""),
                                                   "LC_ALL": "C"})
        try:
            for n in (int(w) for w in args.workers.split(",")):
                results[f"postgres, {n} worker(s)"] = on_postgres(
                    cluster, root / "landing", root / f"pg{n}", n)
        finally:
            pgcluster.stop(cluster, postmaster)
    print(f"{args.customers:,} customers, {rows['invoices']:,} invoices, "
          f"{sum(rows.values()):,} ERP rows; {os.cpu_count()} cores")
    for name, t in results.items():
        print(f"  {name:<22} ingest {t['ingest']:7.1f}s  build {t['build']:7.1f}s  "
              f"total {t['ingest'] + t['build']:7.1f}s")


if __name__ == "__main__":
    main()
