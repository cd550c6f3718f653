"""How well the engine did, against ground truth, next to a baseline computed in the same run.

Truth tables (loaded from the generator's `truth/` folder, or built by a benchmark):

    ca_truth_receipts(bank_txn_id, category, customer_id)   every bank line the engine saw
    ca_truth_pairs(bank_txn_id, invoice_id, amount)          what each payment really paid

Measured on the receipts whose invoices are all still open (the ERP's lag): the rest cannot be
applied by anyone. Rates:

* header: receipts whose every invoice was auto-applied correctly, and nothing else;
* invoice: truth (receipt, invoice) pairs auto-applied with the right amount;
* precision: auto-posted pairs that are right, over every auto-posted pair (all receipts);
* review: receipts left to a person (a proposal or an exception, no auto-post).

Baseline: the full invoice number, exactly as issued, in the remittance, and the receipt's
amount exactly the open total of the invoices so named.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from o2c.domain.cashapp.policy import NEVER_AUTO

BASELINE = """
create or replace temp table ca_baseline as
with words as (
    select rid, unnest(regexp_extract_all(coalesce(remittance, ''), '[^\\s,;+]+')) as word
    from ca_receipts where direction = 'credit' and not coalesce(is_return, false)
),
named as (
    select distinct w.rid, i.iid, i.invoice_id, i.open_amount, i.currency
    from words w join ca_items i on i.invoice_id = w.word
    where i.open_amount > 0
),
fits as (
    select n.rid from named n join ca_receipts r using (rid)
    group by n.rid, r.amount, r.currency
    having sum(n.open_amount) = r.amount and bool_and(n.currency = r.currency)
)
select r.bank_txn_id, n.invoice_id, n.open_amount as cash_applied, 'auto' as status
from named n semi join fits using (rid) join ca_receipts r using (rid)
"""

JUDGED = """
with eval_receipts as (
    select t.bank_txn_id from ca_truth_receipts t
    semi join ca_receipts using (bank_txn_id)
    where t.category = 'ar_payment'
      and not exists (select 1 from ca_truth_pairs p where p.bank_txn_id = t.bank_txn_id
                        and p.invoice_id not in (select invoice_id from ca_items
                                                 where open_amount <> 0))
),
auto as (
    select bank_txn_id, invoice_id, cash_applied, {write_off} as write_off from {decided}
    where status = 'auto' and invoice_id is not null
),
judged as (
    select a.*, p.amount is not null
                and abs(a.cash_applied - p.amount)
                    <= greatest(0.01, p.amount * 0.005, a.write_off)  -- a fee split elsewhere
                as correct
    from auto a left join ca_truth_pairs p using (bank_txn_id, invoice_id)
),
pairs as (
    select p.bank_txn_id, p.invoice_id,
           coalesce(j.correct, false) as correct
    from ca_truth_pairs p semi join eval_receipts using (bank_txn_id)
    left join judged j using (bank_txn_id, invoice_id)
)"""
EVALUATE = JUDGED + """,
header as (
    select e.bank_txn_id,
           bool_and(coalesce(p.correct, false)) and
           coalesce((select bool_and(j.correct) from judged j
                     where j.bank_txn_id = e.bank_txn_id), false) as ok
    from eval_receipts e left join pairs p using (bank_txn_id)
    group by e.bank_txn_id
),
review as (
    select count(*) as n from eval_receipts e
    where e.bank_txn_id not in (select bank_txn_id from auto)
)
select
    (select count(*) from eval_receipts) as receipts,
    (select count(*) from pairs) as invoices,
    (select avg(ok::int) from header) as header_rate,
    (select avg(correct::int) from pairs) as invoice_rate,
    (select count(*) from judged) as auto_pairs,
    (select avg(correct::int) from judged) as precision,
    (select n from review) / greatest((select count(*) from eval_receipts), 1) as review_share,
    (select count(*) from judged j join ca_truth_receipts t using (bank_txn_id)
     where t.category <> 'ar_payment') as auto_on_non_ar
"""

# why the invoices not auto-applied were not: what the engine did with their receipt
MISSED = JUDGED + """,
outcome as (
    select d.bank_txn_id,
           bool_or(d.status = 'auto') as posted,
           any_value(d.doubts order by d.alternative, d.confidence desc) as doubts,
           any_value(d.rule order by d.alternative, d.confidence desc) as rule
    from {decided} d semi join eval_receipts using (bank_txn_id)
    group by d.bank_txn_id
)
select case
         when o.posted then 'posted other items or amounts'
         when o.bank_txn_id is not null then 'proposed: ' || coalesce(
             list_filter(o.doubts, x -> list_contains({never_auto}, x))[1],
             'below threshold (' || o.rule || ')')
         else 'exception: ' || coalesce(e.reason, 'none')
       end as outcome,
       count(*) as invoices
from pairs p
left join outcome o using (bank_txn_id)
left join ca_exceptions e using (bank_txn_id)
where not p.correct
group by all order by invoices desc, outcome
"""

NEVER_AUTO_CHECKS = """
select
    (select count(*) from ca_decided d join ca_receipts r using (rid)
     where d.status = 'auto' and r.direction <> 'credit') as auto_on_debits,
    (select count(*) from ca_decided d join ca_truth_receipts t using (bank_txn_id)
     where d.status = 'auto' and t.category <> 'ar_payment') as auto_on_non_ar_credits,
    (select count(*) from ca_decided d
     where d.status = 'auto' and list_contains(d.doubts, 'equal_amount_twins'))
        as auto_on_equal_amount_twins,
    (select count(*) from ca_decided d
     join ca_truth_receipts t using (bank_txn_id)
     join ca_items i on i.invoice_id = d.invoice_id
     join ca_customers ci on ci.customer_id = i.customer_id
     join ca_customers ct on ct.customer_id = t.customer_id
     where d.status = 'auto' and ci.group_id <> ct.group_id) as auto_on_other_customer
"""


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    """Truth tables for the receipts in `ca_receipts`, matched on account and bank reference."""
    truth_dir = Path(truth_dir)
    con.execute(f"""
        create or replace temp table ca_truth_receipts as
        select r.bank_txn_id, any_value(l.category) as category,
               any_value(p.customer_id) as customer_id, any_value(l.payment_id) as payment_id
        from ca_receipts r
        join read_csv('{truth_dir / 'bank_lines.csv'}', all_varchar = true) l
          on l.bank_ref = r.bank_ref and l.account_number = r.account
        left join read_csv('{truth_dir / 'payments.csv'}', all_varchar = true) p
          on p.payment_id = l.payment_id
        group by r.bank_txn_id""")
    con.execute(f"""
        create or replace temp table ca_truth_pairs as
        select t.bank_txn_id, p.invoice_id, cast(p.amount as decimal(19,4)) as amount
        from ca_truth_receipts t
        join read_csv('{truth_dir / 'payment_invoices.csv'}', all_varchar = true) p
          using (payment_id)""")


def measure(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Engine and baseline figures (see the module docstring), and the never-auto counts."""
    con.execute(BASELINE)
    out: dict[str, dict] = {}
    for name, table in (("engine", "ca_decided"), ("baseline", "ca_baseline")):
        cur = con.execute(EVALUATE.format(
            decided=table, write_off="write_off" if name == "engine" else "0"))
        out[name] = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    cur = con.execute(NEVER_AUTO_CHECKS)
    out["never_auto"] = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    out["missed"] = dict(con.execute(MISSED.format(
        decided="ca_decided", write_off="write_off",
        never_auto=sorted(NEVER_AUTO))).fetchall())
    return out


def markdown(figures: dict[str, dict]) -> str:
    rows = ["| | receipts | header rate | invoice rate | auto pairs | precision | review share |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name in ("engine", "baseline"):
        f = figures[name]
        rows.append(f"| {name} | {f['receipts']} | {_pct(f['header_rate'])} | "
                    f"{_pct(f['invoice_rate'])} | {f['auto_pairs']} | {_pct(f['precision'])} | "
                    f"{_pct(f['review_share'])} |")
    never = ", ".join(f"{k} = {v}" for k, v in figures["never_auto"].items())
    missed = "".join(f"| {why} | {n} |\n" for why, n in figures.get("missed", {}).items())
    if missed:
        missed = ("\nInvoices not auto-applied, by what the engine did with their receipt:\n\n"
                  "| outcome | invoices |\n|---|---:|\n" + missed)
    return "\n".join(rows) + f"\n\nNever-auto checks: {never}\n" + missed


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * float(value):.2f}%"
