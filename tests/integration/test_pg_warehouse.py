"""The shared PostgreSQL warehouse: two workers loading the same landing zone at once load each
file once, and dbt-postgres builds the same AR and bank layers as the DuckDB default.

A temporary cluster (o2c.pgcluster) holds one database per run: one worker, two workers.
Each worker is its own process loading every ERP and bank file of a generated 20-customer
company (plus a re-delivered copy of an ERP and of a bank file, and a bank file whose amounts
no longer add up, which is rejected whole). The ingest + build timings are printed (`-s`) for
infra/README.md's scale plan.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pytest

from o2c import pgcluster
from o2c.adapters import journal, warehouse_pg
from o2c.adapters.dbt import dbt_args, dbt_env
from o2c.adapters.landing import LocalLanding
from o2c.adapters.warehouse import ensure_schema
from o2c.ingest.bank import BANK_PREFIX, is_bank_file, load_bank_file
from o2c.ingest.erp import dataset_of, load_file
from o2c.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = date(2026, 3, 2)
CORE_MODELS = ["+fct_ar_aging", "+dim_customers", "+fct_bank_transactions",
               "stg_raw__file_ledger", "staging.erp"]
# differ by design between runs: the order and time files were loaded in
LOAD_ORDER_COLUMNS = {"source_load_seq", "source_loaded_at", "loaded_at", "load_seq",
                      "first_seen_at"}



@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("company")
    subprocess.run([str(Path(sys.executable).with_name("o2c")), "generate", "--customers", "20",
                    "--seed", "7", "--out", str(out), "--as-of", AS_OF.isoformat()],
                   check=True, capture_output=True)
    invoices = sorted((out / "erp" / "invoices").iterdir())[0]
    shutil.copyfile(invoices, invoices.with_name("zz_redelivered_" + invoices.name))
    statement = next(f for f in sorted((out / "bank").rglob("*.bai2"))
                     if "\n16," in f.read_text())
    shutil.copyfile(statement, statement.with_name("zz_redelivered_" + statement.name))
    lines = statement.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("16,"))
    fields = lines[at].split(",")
    fields[2] = str(int(fields[2]) + 100)  # one amount a dollar more: totals no longer agree
    lines[at] = ",".join(fields)
    statement.with_name("zz_corrupt_" + statement.name).write_text("".join(lines))
    return out


def _landed_files(company: Path) -> list[str]:
    landing = LocalLanding(company)
    return sorted([f.key for f in landing.list("erp") if dataset_of(f.key)]
                  + [f.key for f in landing.list(BANK_PREFIX) if is_bank_file(f.key)])


@pytest.fixture(scope="module")
def cluster():
    cluster = pgcluster.create()
    postmaster = pgcluster.start(cluster, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                               "LC_ALL": "C"})
    try:
        yield cluster
    finally:
        pgcluster.stop(cluster, postmaster)


def _database(cluster: pgcluster.Cluster, name: str) -> str:
    pgcluster.create_database(cluster, name, name, f"{name}-pw")
    return f"host=127.0.0.1 port={cluster.port} user={name} password={name}-pw dbname={name}"


def _settings(tmp: Path, **backend) -> Settings:
    return Settings(_env_file=None, home=tmp, duckdb_path=tmp / "warehouse.duckdb", **backend)


def _dbt_build(settings: Settings, work: Path) -> float:
    from dbt.cli.main import dbtRunner

    args = dbt_args(["build"], settings, AS_OF) + [
        "--select", *CORE_MODELS, "--indirect-selection", "cautious",
        "--exclude-resource-type", "unit_test", "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"), "--no-partial-parse", "--quiet"]
    started = time.perf_counter()
    with dbt_env(settings):
        result = dbtRunner().invoke(args)
    failed = [r.node.name for r in (result.result or []) if r.status in ("error", "fail")]
    assert result.success, f"dbt build failed: {result.exception or failed}"
    return time.perf_counter() - started


def _load_with_workers(dsn: str, landing: Path, workers: int) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "o2c.ingest.loader_pg", dsn, str(landing)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(workers)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return time.perf_counter() - started, reports


def _table(rows: list[tuple], names: list[str], key: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=names).drop(columns=LOAD_ORDER_COLUMNS, errors="ignore")
    # Decimal('1.50') == Decimal('1.5000'); normalise so frames compare cell by cell
    frame = frame.map(lambda v: v.normalize() if isinstance(v, Decimal) else v)
    return frame.sort_values(key).reset_index(drop=True)


def _duck_table(path: Path, name: str, key: list[str]) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(f"select * from main.{name}")
        return _table(cursor.fetchall(), [d[0] for d in cursor.description], key)


def _pg_table(dsn: str, name: str, key: list[str]) -> pd.DataFrame:
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(f"select * from main.{name}")
        return _table(cursor.fetchall(), [d.name for d in cursor.description], key)


MARTS = {
    "fct_invoices": ["invoice_id"],
    "fct_ar_aging": ["entity_id", "customer_id", "currency"],
    "dim_customers": ["customer_id"],
    "stg_raw__file_ledger": ["source_file_id"],
    "fct_bank_transactions": ["bank_txn_id"],
}


@pytest.fixture(scope="module")
def built(company, cluster, tmp_path_factory):
    """The same company on DuckDB (one loader) and on PostgreSQL with one and two workers."""
    timings: dict[str, dict[str, float]] = {}
    duck_home = tmp_path_factory.mktemp("duck")
    duck = _settings(duck_home)
    started = time.perf_counter()
    landing = LocalLanding(company)
    with duckdb.connect(str(duck.warehouse_path)) as con:
        ensure_schema(con)
        for landed in landing.list("erp"):
            if dataset_of(landed.key):
                load_file(con, landed, landing.read(landed.key))
        for landed in sorted(landing.list(BANK_PREFIX), key=lambda f: f.key):
            if is_bank_file(landed.key):
                load_bank_file(con, landed, landing.read(landed.key))
    timings["duckdb, 1 loader"] = {"ingest": time.perf_counter() - started,
                                   "build": _dbt_build(duck, duck_home)}
    runs = {}
    for workers in (1, 2):
        dsn = _database(cluster, f"o2c_{workers}w")
        home = tmp_path_factory.mktemp(f"pg{workers}")
        ingest, reports = _load_with_workers(dsn, company, workers)
        build = _dbt_build(_settings(home, warehouse_backend="postgres", postgres_dsn=dsn), home)
        timings[f"postgres, {workers} worker(s)"] = {"ingest": ingest, "build": build}
        runs[workers] = {"dsn": dsn, "reports": reports}
    print(f"\ningest + dbt build of the core models (20 customers, "
          f"{len(_landed_files(company))} ERP and bank files):")
    for name, t in timings.items():
        print(f"  {name:<24} ingest {t['ingest']:6.2f}s  build {t['build']:6.2f}s  "
              f"total {t['ingest'] + t['build']:6.2f}s")
    for workers, run in runs.items():
        print(f"  in-worker load seconds, {workers} worker(s): "
              + ", ".join(f"{r['seconds']:.2f}" for r in run["reports"]) + "; files loaded: "
              + ", ".join(str(sum(s == "loaded" for _, s, _ in r["outcomes"]))
                          for r in run["reports"]))
    return {"duck": duck.warehouse_path, "runs": runs}


@pytest.mark.parametrize("workers", [1, 2])
def test_every_file_loads_once_whichever_worker_takes_it(built, company, workers):
    run = built["runs"][workers]
    outcomes = [(key, status) for r in run["reports"] for key, status, _ in r["outcomes"]]
    loaded = [key for key, status in outcomes if status == "loaded"]
    rejected = [key for key, status in outcomes if status == "rejected"]
    files = _landed_files(company)
    redelivered = [k for k in files if "zz_redelivered_" in k]
    assert len(redelivered) == 2 and rejected == [k for k in files if "zz_corrupt_" in k]
    assert sorted(loaded) == sorted(set(files) - set(redelivered) - set(rejected))
    with psycopg.connect(run["dsn"]) as conn:
        ledger = conn.execute("select count(*), count(distinct checksum_sha256), "
                              "count(distinct load_seq), max(load_seq) "
                              "from raw.file_ledger").fetchone()
        deliveries = conn.execute("select outcome, count(*) from raw.file_deliveries "
                                  "group by outcome").fetchall()
        corrupt_rows = conn.execute(
            "select count(*) from raw.bank_transactions t join raw.file_ledger l "
            "using (source_file_id) where l.path like '%zz_corrupt_%'").fetchone()
    first_seen = len(loaded) + len(rejected)
    assert ledger == (first_seen,) * 4  # each file once, load_seq gap-free
    # every other sighting is a delivery of bytes already loaded (a worker that lists the
    # landing zone after another recorded a file does not see it as pending at all)
    seen = dict(deliveries)
    assert (seen["loaded"], seen["rejected"]) == (len(loaded), len(rejected))
    assert len(redelivered) <= seen["already_loaded"] <= len(files) * workers - first_seen
    assert corrupt_rows == (0,)  # rejected whole


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("mart", sorted(MARTS))
def test_postgres_builds_the_same_ar_layer_as_duckdb(built, mart, workers):
    on_duckdb = _duck_table(built["duck"], mart, MARTS[mart])
    on_postgres = _pg_table(built["runs"][workers]["dsn"], mart, MARTS[mart])
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_postgres, on_duckdb, check_dtype=False)


def test_open_balance_and_aging_agree_by_currency(built):
    totals = ("select currency, count(*), sum(open_amount) from main.fct_invoices "
              "where is_open group by currency order by currency")
    buckets = ("select sum(bucket_current), sum(bucket_1_30), sum(bucket_31_60), "
               "sum(bucket_61_90), sum(bucket_90_plus) from main.fct_ar_aging")
    with duckdb.connect(str(built["duck"]), read_only=True) as con:
        expected = con.execute(totals).fetchall(), con.execute(buckets).fetchall()
    with psycopg.connect(built["runs"][2]["dsn"]) as conn:
        got = conn.execute(totals).fetchall(), conn.execute(buckets).fetchall()
    assert got == expected
    assert expected[0], "the generated company has open invoices"


def _exceptions(first: int, last: int) -> pd.DataFrame:
    return pd.DataFrame([{
        "exception_id": f"X{i}", "bank_txn_id": f"T{i}", "currency": "EUR",
        "amount": Decimal(f"{i}.5"), "value_date": date(2026, 3, 2), "reason": "no payer",
        "seen_at": datetime(2026, 3, 2, 9, 30), "best_candidates": None,
    } for i in range(first, last)])


def test_concurrent_journal_appends_keep_one_chain(cluster):
    dsn = _database(cluster, "o2c_journal")
    with warehouse_pg.connect(dsn) as conn:
        warehouse_pg.ensure_schema(conn)
    errors: list[BaseException] = []

    def appender(offset: int) -> None:
        try:
            with warehouse_pg.connect(dsn) as conn:
                for batch in range(15):  # overlapping keys: both threads offer X5..X9 etc.
                    start = batch * 5 + offset
                    journal.append(conn, "cash_exceptions", _exceptions(start, start + 10))
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=appender, args=(offset,)) for offset in (0, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with warehouse_pg.connect(dsn) as conn:
        count, keys, top = conn.execute("select count(*), count(distinct exception_id), "
                                        "max(seq) from app.cash_exceptions").fetchone()
        report = journal.verify(conn, "cash_exceptions")
    assert count == keys == top == 15 * 5 + 3 + 5
    assert report.ok, report


def test_journal_rows_hash_the_same_on_both_backends(cluster):
    dsn = _database(cluster, "o2c_hash")
    rows, at = _exceptions(1, 4), datetime(2026, 3, 2, 10, 15, 30, 123456)
    with duckdb.connect() as con:
        ensure_schema(con)
        journal.append(con, "cash_exceptions", rows, recorded_at=at)
        on_duckdb = con.execute("select row_hash from app.cash_exceptions order by seq").fetchall()
    with warehouse_pg.connect(dsn) as conn:
        warehouse_pg.ensure_schema(conn)
        journal.append(conn, "cash_exceptions", rows, recorded_at=at)
        on_postgres = conn.execute("select row_hash from app.cash_exceptions "
                                   "order by seq").fetchall()
    assert on_postgres == on_duckdb
