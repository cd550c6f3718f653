"""Cash application at scale, and its quality on a generated company.

    .venv/bin/python benchmarks/bench_cashapp.py scale [--receipts 1000000] [--repeat 3]
    .venv/bin/python benchmarks/bench_cashapp.py files [--receipts 1000000]
    .venv/bin/python benchmarks/bench_cashapp.py quality --company DIR --warehouse FILE --as-of D

`scale`: 1,000,000 receipts against 2,120,000 open invoices of 106,000 customers, built
directly in DuckDB (SQL, seconds) with the generator's case mix: remittance written the
generator's seven ways (as issued 40%, no prefix 15%, no dashes 12%, spaces 8%, lower case 5%,
running number only 10%, last two characters swapped 10%), 7% without remittance, 1-12 invoices
per receipt, bank fees deducted from 10%, partial payments 5%, parents paying for subsidiaries,
payer names as the bank shows them (upper case, truncated, one typo), ~30% of receipts from
accounts the ERP does not know, round amounts (equal-amount twins), 2% non-AR credits, a
credit note on account for one customer in ten, netted by its first fully paid receipt.
The tables are "already loaded": a run is the engine and the journal append (the timed wall),
then the measurement against the truth (timed apart), in a fresh process (peak RSS from
getrusage), then a re-run on the same data that must add nothing. Medians of `--repeat` runs
are printed.

`files`: the same data end to end from files, as `o2c cashapp run` takes it: the open items
as its CSV (no parent/subsidiary links: that file has none) and the receipts as bank CSV
statements of 10,000 lines; the command runs in its own process (wall, peak RSS of the child,
its own split between reading files and matching), then applications.csv is scored against the
truth.

`quality`: the engine on a warehouse built from a generated company (ingest + dbt), measured
against its truth folder; prints engine and baseline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

STEMS_A = ["Al", "Bel", "Cor", "Dan", "El", "Fer", "Gal", "Hel", "Is", "Jor", "Kal", "Lum",
           "Mar", "Nor", "Or", "Pel", "Quin", "Ros", "Sol", "Tal", "Ul", "Var", "Wes", "Xan",
           "Yor", "Zel", "Bran", "Cres", "Dor", "Fal"]
STEMS_B = ["ex", "ova", "ina", "ar", "on", "ico", "ella", "ant", "ix", "ora", "ent", "und",
           "is", "ax", "ier", "enne", "ost", "ald", "ura", "eno"]
SECTORS = ["Logistics", "Foods", "Media", "Software", "Health", "Retail", "Systems", "Labs",
           "Freight", "Energy", "Metallbau", "Partners", "Holdings", "Analytics", "Bau",
           "Consulting", "Industries", "Textiles", "Pharma", "Robotics", "Marine", "Print",
           "Optics", "Tools", "Verpackung"]
FORMS = ["GmbH", "AG", "Ltd", "Inc.", "LLC", "S.A.", "B.V.", "SRL"]


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _u(expr: str, salt: str) -> str:
    """A deterministic uniform [0, 1) from an integer expression."""
    return f"(((hash({expr}, '{salt}') % 1000000)::bigint) / 1000000.0)"


# a customer's 20 invoices carry about 9.27 receipts of the case mix (blocks of 1-12 invoices
# that no longer fit are dropped); 2% more are not customer payments
RECEIPTS_PER_CUSTOMER = 9.25


def customers_for(receipts: int) -> int:
    """Customers enough that the build holds at least `receipts` bank receipts, in thousands."""
    ar = receipts - receipts // 50
    return -(-int(ar / RECEIPTS_PER_CUSTOMER) // 1000) * 1000


def build(con: duckdb.DuckDBPyConnection, receipts: int, customers: int) -> None:
    n_c = customers
    con.execute(f"""
    create or replace table ca_customers as
    select 'C' || lpad(i::varchar, 7, '0') as customer_id,
           stem || ' ' || sector as name,
           stem || ' ' || sector || ' ' || form as legal_name,
           case when i % 10 = 3 then 'C' || lpad((i - 1)::varchar, 7, '0')
                else 'C' || lpad(i::varchar, 7, '0') end as group_id,
           'DE' || lpad(((hash(i, 'acct') % 1000000000000000000)::bigint)::varchar, 20, '0')
               as payer_accounts
    from (
        select i,
               {_list(STEMS_A)}[1 + (hash(i, 'a') % {len(STEMS_A)})::bigint] ||
               {_list(STEMS_B)}[1 + (hash(i, 'b') % {len(STEMS_B)})::bigint] ||
               {_list(STEMS_B)}[1 + (hash(i, 'c') % {len(STEMS_B)})::bigint] as stem,
               {_list(SECTORS)}[1 + (hash(i, 's') % {len(SECTORS)})::bigint] as sector,
               {_list(FORMS)}[1 + (hash(i, 'f') % {len(FORMS)})::bigint] as form
        from range(1, {n_c} + 1) t(i)
    )""")
    # 20 open invoices per customer, numbered per entity prefix and year
    con.execute(f"""
    create or replace table ca_items as
    select (c - 1) * 20 + k + 1 as iid,
           ['INV', 'RE', 'SI'][1 + c % 3] || '-' || (2024 + k % 3)::varchar || '-' ||
               lpad((((c - 1) // 3) * 7 + k // 3)::varchar, 6, '0') as invoice_id,
           'C' || lpad(c::varchar, 7, '0') as customer_id,
           'EUR' as currency,
           case when {_u('c * 100 + k', 'round')} < 0.1
                then cast(50 * (1 + (hash(c, k, 'r') % 60)::bigint) as decimal(19, 4))
                else cast(((hash(c, k, 'amt') % 900000)::bigint + 5000) / 100.0 as decimal(19, 4))
           end as open_amount,
           date '2025-03-01' + cast(k * 9 as integer) as issue_date,
           date '2025-04-01' + cast(k * 9 as integer) as due_date,
           false as is_disputed, null::varchar as entity_id, null::varchar as po_number
    from range(1, {n_c} + 1) a(c), range(0, 20) b(k)""")
    per = max(-(-receipts // n_c), 1)  # receipts each customer starts with, rounded up
    con.execute(f"""
    create or replace table bench_blocks as
    with r as (
        select c, j, (c - 1) * {per} + j + 1 as rid,
               case when {_u('c * 100 + j', 'n')} < 0.75 then 1
                    when {_u('c * 100 + j', 'n')} < 0.95 then 2 + (hash(c, j, 'm') % 3)::bigint
                    else 5 + (hash(c, j, 'm') % 8)::bigint end as n
        from range(1, {n_c} + 1) a(c), range(0, {per}) b(j)
    )
    select *, sum(n) over (partition by c order by j) - n as start from r""")
    con.execute("delete from bench_blocks where start + n > 20")
    con.execute("""
    create or replace table bench_shares as
    select b.rid, b.c, b.n, i.iid, i.invoice_id, i.open_amount, b.start + 1 + k.k as pos
    from bench_blocks b, range(0, 12) k(k), ca_items i
    where k.k < b.n and i.iid = (b.c - 1) * 20 + b.start + k.k + 1""")
    # how each receipt looks at the bank
    style = _u("rid", "style")
    con.execute(f"""
    create or replace table bench_receipts as
    with s as (
        select rid, any_value(c) as c, count(*) as n, sum(open_amount) as total,
               string_agg(case
                   when {style} < 0.40 then invoice_id
                   when {style} < 0.55 then regexp_replace(invoice_id, '^[A-Z]+-', '')
                   when {style} < 0.67 then replace(invoice_id, '-', '')
                   when {style} < 0.75 then replace(invoice_id, '-', ' ')
                   when {style} < 0.80 then lower(invoice_id)
                   when {style} < 0.90 then regexp_replace(invoice_id, '^.*-', '')
                   else substr(invoice_id, 1, length(invoice_id) - 2) ||
                        substr(invoice_id, length(invoice_id), 1) ||
                        substr(invoice_id, length(invoice_id) - 1, 1)
               end, ', ' order by pos) as refs,
               arg_max(iid, pos) as last_iid
        from bench_shares group by rid
    ),
    k as (
        select s.*, {_u('rid', 'kind')} as kind, {_u('rid', 'acct')} as acct_u,
               {_u('rid', 'name')} as name_u, {_u('rid', 'parent')} as parent_u
        from s
    )
    select k.rid, k.c, k.n, k.total, k.last_iid,
           case when k.kind < 0.10 and k.total > 300 then k.total - 15
                when k.kind < 0.15 and k.n = 1 then round(k.total * 0.5, 2)
                else k.total end as amount,
           case when k.kind < 0.10 and k.total > 300 then 'fee'
                when k.kind < 0.15 and k.n = 1 then 'partial' else 'full' end as case_kind,
           case when {_u('rid', 'empty')} < 0.07 then null
                else ['', 'Invoice ', 'INV ', 'Payment ', 'Rechnung ', 'RE: '][
                    1 + (hash(rid, 'lead') % 6)::bigint] || k.refs end as remittance,
           case when k.parent_u < 0.3 and cu.group_id <> cu.customer_id then cu.group_id
                else cu.customer_id end as payer_id,
           k.acct_u, k.name_u
    from k join ca_customers cu on cu.customer_id = 'C' || lpad(k.c::varchar, 7, '0')""")
    # one customer in ten holds a credit note on account; its first fully paid receipt with a
    # remittance nets it ("... less credit note CM-0000017")
    con.execute(f"""
    create or replace table bench_credits as
    select 'C' || lpad(c::varchar, 7, '0') as customer_id, c,
           'CM-' || lpad(c::varchar, 7, '0') as credit_id, {n_c} * 20 + c as iid,
           cast(5 + (hash(c, 'cm') % 19500)::bigint / 100.0 as decimal(19, 4)) as credit
    from range(1, {n_c} + 1) t(c) where c % 10 = 7""")
    con.execute("""
    insert into ca_items
    select iid, credit_id, customer_id, 'EUR', -credit, date '2025-06-01', date '2025-06-01',
           false, null, null
    from bench_credits""")
    con.execute("""
    create or replace table bench_netted as
    select r.rid, any_value(b.credit_id) as credit_id, any_value(b.credit) as credit
    from bench_credits b join bench_receipts r using (c)
    where r.case_kind = 'full' and r.remittance is not null and r.total > 2 * b.credit
      and r.rid = (select min(x.rid) from bench_receipts x
                   where x.c = b.c and x.case_kind = 'full' and x.remittance is not null
                     and x.total > 2 * b.credit)
    group by r.rid""")
    con.execute("""
    update bench_receipts r
    set amount = r.amount - n.credit, case_kind = 'netted',
        remittance = r.remittance || ' less credit note ' || n.credit_id
    from bench_netted n where n.rid = r.rid""")
    con.execute(f"""
    create or replace table ca_receipts as
    select r.rid, 'btx_' || lpad(r.rid::varchar, 12, '0') as bank_txn_id,
           lpad(r.rid::varchar, 12, '0') as bank_ref, 'DE00BENCH' as account,
           null::varchar as entity_id, 'EUR' as currency, r.amount, date '2026-02-15' as value_date,
           'credit' as direction, false as is_return, null::varchar as reverses_bank_txn_id,
           case when r.name_u < 0.8 then upper(p.legal_name)
                when r.name_u < 0.9 then substr(upper(p.legal_name), 1, 18)
                else substr(p.legal_name, 1, 3) || substr(p.legal_name, 5) end
               as counterparty_name,
           case when r.acct_u < 0.7 then p.payer_accounts
                else 'GB' || lpad(((hash(r.rid, 'new') % 1000000000000000000)::bigint)::varchar,
                                  20, '0')
           end as counterparty_account,
           r.remittance, null::varchar as structured_ref
    from bench_receipts r join ca_customers p on p.customer_id = r.payer_id
    union all
    select {n_c * per} + i, 'btx_n' || lpad(i::varchar, 11, '0'), 'N' || i::varchar,
           'DE00BENCH', null, 'EUR',
           cast(10 + (hash(i, 'int') % 5000)::bigint / 100.0 as decimal(19, 4)),
           date '2026-02-15', case when i % 2 = 0 then 'credit' else 'debit' end, false, null,
           null, null, case when i % 2 = 0 then 'CREDIT INTEREST' else 'SALARIES 2026-02' end,
           null
    from range(1, {receipts // 50} + 1) t(i)""")
    con.execute("""
    create or replace table ca_truth_receipts as
    select bank_txn_id, case when bank_txn_id like 'btx_n%' then 'other' else 'ar_payment' end
           as category, 'C' || lpad(b.c::varchar, 7, '0') as customer_id
    from ca_receipts r left join bench_receipts b using (rid)""")
    con.execute("""
    create or replace table ca_truth_pairs as
    select 'btx_' || lpad(s.rid::varchar, 12, '0') as bank_txn_id, s.invoice_id,
           case when r.case_kind = 'partial' then r.amount
                when r.case_kind = 'fee' and s.iid = r.last_iid then s.open_amount - 15
                else s.open_amount end as amount
    from bench_shares s join bench_receipts r using (rid)
    union all
    select 'btx_' || lpad(rid::varchar, 12, '0'), credit_id, -credit from bench_netted""")
    con.execute("create or replace table ca_aliases (kind VARCHAR, alias_key VARCHAR, "
                "customer_id VARCHAR)")
    con.execute("create or replace table ca_fx (rate_date DATE, from_currency VARCHAR, "
                "to_currency VARCHAR, rate DECIMAL(18,10))")
    for t in ("bench_blocks", "bench_shares", "bench_receipts", "bench_credits",
              "bench_netted"):
        con.execute(f"drop table {t}")
    con.execute("checkpoint")


def one_run(path: str, memory_limit: str | None = None) -> dict:
    """Engine + journal + measurement on the loaded tables; then a re-run (adds nothing)."""
    from o2c.adapters.warehouse import ensure_schema
    from o2c.cashapp import engine, metrics, store

    con = duckdb.connect(path)
    if memory_limit:  # DuckDB spills what does not fit (its default: 80% of the RAM)
        con.execute(f"set memory_limit = '{memory_limit}'")
    ensure_schema(con)
    processes = int(os.environ["BENCH_PROCESSES"]) if os.environ.get("BENCH_PROCESSES") else None
    phases: dict[str, float] = {}
    wall = time.perf_counter()
    run = engine.match(con, processes=processes)
    phases.update(run.phases)
    t = time.perf_counter()
    at = datetime.now(UTC).replace(tzinfo=None)
    added = store.journal_decisions(con, "bench", at)
    phases["journal"] = round(time.perf_counter() - t, 3)
    total = time.perf_counter() - wall  # matched and journaled
    # this process's peak when matched and journaled (the residual's spawned helper is not in
    # it: getrusage gives a child the parent's size at the fork before its exec)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    figures = metrics.measure(con)
    measured = time.perf_counter() - t
    t = time.perf_counter()
    again = engine.match(con)  # same data: everything it decides is already journaled
    re_added = store.journal_decisions(con, "bench-again", at)
    rerun = time.perf_counter() - t
    con.close()
    return {"wall_s": round(total, 3), "measure_s": round(measured, 3), "phases": phases,
            "added": added,
            "rerun_added": re_added, "rerun_s": round(rerun, 3), "auto": run.auto,
            "again_auto": again.auto, "figures": figures,
            "peak_rss_mib": round(peak),
            "peak_rss_all_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def scale(receipts: int, customers: int, repeat: int, memory_limit: str | None = None,
          processes: int | None = None) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench_cashapp_"))
    base = work / "base.duckdb"
    t = time.perf_counter()
    with duckdb.connect(str(base)) as con:
        build(con, receipts, customers)
        counts = con.execute("select (select count(*) from ca_receipts), "
                             "(select count(*) from ca_items), "
                             "(select count(*) from ca_customers)").fetchone()
    print(f"built {counts[0]:,} receipts, {counts[1]:,} open invoices, {counts[2]:,} customers "
          f"in {time.perf_counter() - t:.1f}s (not timed below)")
    results = []
    for i in range(repeat):
        path = work / f"run{i}.duckdb"
        shutil.copyfile(base, path)
        out = subprocess.run([sys.executable, __file__, "one", str(path),
                              *([memory_limit] if memory_limit else [])], check=False,
                             capture_output=True, text=True,
                             env={**os.environ, "BENCH_PROCESSES": str(processes or "")})
        if out.returncode != 0:
            raise SystemExit(f"run {i + 1} failed:\n{out.stderr[-3000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"run {i + 1}: wall {r['wall_s']}s (matched and journaled; measuring against the "
              f"truth {r['measure_s']}s more), peak RSS {r['peak_rss_mib']} MiB (after measuring "
              f"and the re-run {r['peak_rss_all_mib']} MiB), phases {r['phases']}, "
              f"added {r['added']}, "
              f"re-run added {r['rerun_added']} in {r['rerun_s']}s")
        path.unlink()
    med = {k: statistics.median(r[k] for r in results) for k in ("wall_s", "peak_rss_mib")}
    phases = {k: statistics.median(r["phases"][k] for r in results) for k in results[0]["phases"]}
    print(f"median wall {med['wall_s']}s, median peak RSS {med['peak_rss_mib']} MiB")
    print(f"median phases: {phases}")
    from o2c.cashapp.metrics import markdown

    print(markdown(results[0]["figures"]))
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(work)


def _write_files(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """open_items.csv and bank CSV statements (10,000 lines each) from the built tables."""
    from decimal import Decimal

    from o2c.formats.records import BankTransaction
    from o2c.formats.writers import make_statement
    from o2c.formats.writers.bankcsv import write_csv

    con.execute(f"""copy (
        select i.customer_id, c.legal_name as customer_name, i.invoice_id, i.issue_date,
               i.due_date, i.currency, i.open_amount, c.payer_accounts as customer_account
        from ca_items i join ca_customers c using (customer_id)
    ) to '{folder / "open_items.csv"}' (header)""")
    statements = folder / "statements"
    statements.mkdir()
    cursor = con.execute("""
        select bank_ref, currency, amount, direction, value_date, counterparty_name,
               counterparty_account, remittance
        from ca_receipts order by rid""")
    files = 0
    while batch := cursor.fetchmany(10_000):
        files += 1
        txns = [BankTransaction("DE00BENCH", ccy, Decimal(amount), direction, day, day, ref,
                                counterparty_name=name, counterparty_account=account,
                                remittance=remittance)
                for ref, ccy, amount, direction, day, name, account, remittance in batch]
        stmt = make_statement("DE00BENCH", "EUR", f"S{files:05d}", batch[-1][4], Decimal(0), txns)
        with open(statements / f"statement_{files:05d}.csv", "wb") as out:
            write_csv([stmt], out)
    return files


FILES_SCORE = """
with apps as (
    select bank_ref, invoice_id, cast(applied_amount as decimal(19,4)) as applied, status
    from read_csv('{apps}', header = true, all_varchar = true) where invoice_id <> ''
),
truth as (
    select r.bank_ref, p.invoice_id, p.amount
    from ca_truth_pairs p join ca_receipts r using (bank_txn_id)
),
auto as (
    select a.*, t.amount is not null
                and abs(a.applied - t.amount) <= greatest(0.01, t.amount * 0.005) as correct
    from apps a left join truth t using (bank_ref, invoice_id) where a.status = 'auto'
)
select (select count(*) from truth) as truth_pairs,
       (select count(*) from auto where correct) / (select count(*) from truth) as invoice_rate,
       (select avg(correct::int) from auto) as precision,
       (select count(*) from auto) as auto_pairs
"""


def files(receipts: int, customers: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench_cashapp_files_"))
    t = time.perf_counter()
    with duckdb.connect(str(work / "base.duckdb")) as con:
        build(con, receipts, customers)
        n_files = _write_files(con, work)
        built = con.execute("select count(*) from ca_receipts").fetchone()[0]
    print(f"built {built:,} receipts as {n_files} bank CSV files and the open items in "
          f"{time.perf_counter() - t:.1f}s (not timed below)")
    o2c = str(Path(sys.executable).with_name("o2c"))
    t = time.perf_counter()
    done = subprocess.run([o2c, "cashapp", "run", "--open-items", str(work / "open_items.csv"),
                           "--statements", str(work / "statements"), "--out", str(work / "out")],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"o2c cashapp run: wall {wall:.1f}s, peak RSS {rss:.0f} MiB; {done.stdout.strip()}")
    with duckdb.connect(str(work / "base.duckdb")) as con:
        cur = con.execute(FILES_SCORE.format(apps=work / "out" / "applications.csv"))
        score = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    print(f"invoice rate {100 * score['invoice_rate']:.2f}% of {score['truth_pairs']:,} truth "
          f"pairs, precision {100 * score['precision']:.2f}% of {score['auto_pairs']:,} "
          "auto-posted pairs")
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(work)


def quality(company: Path, warehouse: Path, as_of: date) -> None:
    from o2c.adapters.warehouse import ensure_schema
    from o2c.cashapp import engine, metrics, sources

    work = Path(tempfile.mkdtemp(prefix="bench_cashapp_q_")) / warehouse.name
    shutil.copyfile(warehouse, work)  # the name stays: dbt views name their catalog
    con = duckdb.connect(str(work))
    ensure_schema(con)
    t = time.perf_counter()
    sources.from_warehouse(con, as_of)
    run = engine.match(con)
    print(f"engine: {run.receipts} receipts in {time.perf_counter() - t:.2f}s, auto "
          f"{run.auto}, proposed {run.proposed}, exceptions {run.exceptions}")
    metrics.load_truth(con, company / "truth")
    print(metrics.markdown(metrics.measure(con)))
    con.close()
    shutil.rmtree(work.parent)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "one":
        print(json.dumps(one_run(*sys.argv[2:4]), default=str))
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("scale")
    s.add_argument("--receipts", type=int, default=1_000_000)
    s.add_argument("--customers", type=int,
                   help="default: enough that at least --receipts receipts are built")
    s.add_argument("--repeat", type=int, default=3)
    s.add_argument("--duckdb-memory", help="DuckDB memory_limit for the run, e.g. 3GB")
    s.add_argument("--processes", type=int,
                   help="processes for the residual (default: one per core); with 1 the "
                        "peak RSS covers all the run's memory")
    f = sub.add_parser("files")
    f.add_argument("--receipts", type=int, default=1_000_000)
    f.add_argument("--customers", type=int,
                   help="default: enough that at least --receipts receipts are built")
    q = sub.add_parser("quality")
    q.add_argument("--company", type=Path, required=True)
    q.add_argument("--warehouse", type=Path, required=True)
    q.add_argument("--as-of", type=date.fromisoformat, required=True)
    args = parser.parse_args()
    if args.what in ("scale", "files") and args.customers is None:
        args.customers = customers_for(args.receipts)
    if args.what == "scale":
        scale(args.receipts, args.customers, args.repeat, args.duckdb_memory, args.processes)
    elif args.what == "files":
        files(args.receipts, args.customers)
    else:
        quality(args.company, args.warehouse, args.as_of)


if __name__ == "__main__":
    main()
