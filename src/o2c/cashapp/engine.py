"""The cash-application engine: set-based SQL on DuckDB, Python only for residual groups.

`match(con, policy)` expects the input tables of `o2c.cashapp.sql` in `con` and leaves:

    ca_decided    one row per receipt, alternative and item: amounts, rule, doubts,
                  confidence, status (auto | proposed), evidence (JSON)
    ca_exceptions one row per customer credit with no match: reason and best candidates

The same function serves the flow (warehouse connection) and the CLI (in-memory database).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import duckdb

from o2c.cashapp import fuzzy, residual
from o2c.cashapp.match_sql import RESIDUAL_RECEIPTS, statements
from o2c.cashapp.sql import AMOUNTS, GROUPS, PREPARE
from o2c.domain.cashapp.policy import (
    BASE_CONFIDENCE,
    NEVER_AUTO,
    NEVER_AUTO_CAP,
    PENALTY,
    Policy,
)


@dataclass
class EngineRun:
    receipts: int = 0
    auto: int = 0
    proposed: int = 0
    exceptions: int = 0
    fuzzy_payers: int = 0
    residual_settled: int = 0
    phases: dict[str, float] = field(default_factory=dict)


def _lookup(expr: str, values: dict[str, float], default: str = "null") -> str:
    """`values[expr]` in SQL (a case, not a map: DuckDB builds a map literal for every row)."""
    whens = " ".join(f"when '{k}' then {v}" for k, v in values.items())
    return f"case {expr} {whens} else {default} end"


def decide_sql(policy: Policy) -> str:
    never = ", ".join(f"'{d}'" for d in sorted(NEVER_AUTO))
    score = (f"greatest({_lookup('m.rule', BASE_CONFIDENCE)} - coalesce(list_sum("
             f"list_transform(m.doubts, d -> {_lookup('d', PENALTY, '0')})), 0), 0)")
    capped = (f"case when list_has_any(m.doubts, [{never}]) then least({score}, "
              f"{NEVER_AUTO_CAP}) else {score} end")
    return f"""
    create or replace temp table ca_decided as
    with scored as (
        select m.*, round({capped}, 4) as confidence
        from ca_match m
    ),
    -- an alternative is as sure as its least sure row; ranked per receipt (grouped first:
    -- windows over every row cost more)
    alts as (
        select rid, alternative, min(confidence) as alt_confidence
        from scored group by rid, alternative
    ),
    ranked as (
        select *, count(*) over (partition by rid) as n_alternatives,
               dense_rank() over (partition by rid order by alt_confidence desc, alternative)
                   as proposal_rank
        from alts
    ),
    per_alt as (
        select s.*, k.alt_confidence, k.n_alternatives, k.proposal_rank
        from scored s join ranked k using (rid, alternative)
    )
    select p.*, r.bank_txn_id, r.bank_ref, i.invoice_id,
           coalesce(i.customer_id, c.customer_id) as customer_id,
           case when alt_confidence >= {policy.auto_post} and n_alternatives = 1 then 'auto'
                when alt_confidence >= {policy.propose} then 'proposed'
                else 'exception' end as status,
           json_object('rule', p.rule, 'doubts', p.doubts, 'payer_via', p.via,
                       'references', p.tokens, 'receipt_amount', r.amount,
                       'receipt_currency', r.currency, 'amount_in_invoice_currency', p.amt,
                       'fx_rate', p.fx_rate, 'open_amount', i.open_amount,
                       'residual', p.residual, 'residual_reason', p.residual_reason,
                       'alternative', p.alternative) as evidence
    from per_alt p
    join ca_receipts r using (rid)
    left join ca_item i using (iid)
    left join (select rid, min(customer_id) as customer_id from ca_payer group by rid) c
        using (rid)
    """


EXCEPTIONS = """
create or replace temp table ca_exceptions as
with open_ar as (
    select rid from ca_ar where rid not in (select rid from ca_decided where status <> 'exception')
),
cands as (
    select o.rid, i.invoice_id, i.open_amount,
           row_number() over (partition by o.rid order by abs(i.open_amount - a.amt), i.iid) as k
    from open_ar o
    join ca_pgroup g using (rid)
    join ca_item i using (group_id)
    join ca_amt a on a.rid = o.rid and a.currency = i.currency
    where not i.is_credit
),
refs as (
    select o.rid, string_agg(i.invoice_id, ';' order by i.invoice_id) as referenced
    from open_ar o join ca_ref r using (rid) join ca_item i using (iid) group by o.rid
)
select r.rid, r.bank_txn_id, r.bank_ref, r.currency, r.amount, r.value_date,
       r.counterparty_name, r.remittance,
       case when o.rid in (select rid from ca_ref) then 'references_do_not_fit'
            when o.rid in (select rid from ca_ref_closed) then 'reference_to_closed_invoice'
            when o.rid in (select rid from ca_pgroup) then 'payer_known_no_match'
            else 'no_customer_no_reference' end as reason,
       (select min(customer_id) from ca_payer p where p.rid = o.rid) as customer_id,
       refs.referenced,
       (select string_agg(c.invoice_id || ' ' || cast(c.open_amount as varchar), ';'
                          order by c.k)
        from cands c where c.rid = o.rid and c.k <= 3) as best_candidates
from open_ar o join ca_receipts r using (rid) left join refs using (rid)
"""


# two receipts of one run must not apply more to an item than is open: those are proposals,
# except the receipts whose remittance names the item, when what they apply fits on its own
CLAIMED_TWICE = f"""
update ca_decided d
set doubts = list_append(d.doubts, 'item_claimed_twice'), status = 'proposed',
    confidence = least(d.confidence, {NEVER_AUTO_CAP})
from (
    with auto as (
        select m.rid, m.iid, m.cash_applied + m.write_off + m.discount as taken,
               (m.rid, m.iid) in (select (rid, iid) from ca_ref) as named
        from ca_decided m where m.status = 'auto' and m.iid is not null
    ),
    over as (
        select a.iid, i.open_amount,
               coalesce(sum(a.taken) filter (where a.named), 0) as named_taken
        from auto a join ca_item i using (iid)
        group by a.iid, i.open_amount
        having count(distinct a.rid) > 1 and abs(sum(a.taken)) > abs(i.open_amount) + 0.01
    )
    select distinct a.rid from auto a join over o using (iid)
    where not (a.named and abs(o.named_taken) <= abs(o.open_amount) + 0.01)
) c where c.rid = d.rid and d.status = 'auto'
"""


_CREATED = re.compile(r"create or replace temp table (\w+)")


RESULTS = ("ca_decided", "ca_exceptions")
# the biggest tables, which no step after the set-based matching reads
SPENT_BEFORE_RESIDUAL = ("ca_tok", "ca_hit12", "ca_hit34", "ca_ref_kept", "ca_own_near")


def _drop_tables(con: duckdb.DuckDBPyConnection, policy: Policy, keep: tuple[str, ...] = ()
                 ) -> None:
    """Drop the tables the engine makes, but `keep`."""
    sqls = [*PREPARE, *GROUPS, AMOUNTS, *statements(policy), RESIDUAL_RECEIPTS,
            decide_sql(policy), EXCEPTIONS]
    for name in sorted({n for sql in sqls for n in _CREATED.findall(sql)} - set(keep)):
        con.execute(f"drop table if exists {name}")


def match(con: duckdb.DuckDBPyConnection, policy: Policy | None = None,
          processes: int | None = None) -> EngineRun:
    """Match every receipt; the residual uses `processes` (default: one per core, up to 8)."""
    policy = policy or Policy()
    run = EngineRun()
    _drop_tables(con, policy)  # a second match's tables never hold memory with the first's
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        run.phases[name] = round(now - clock, 3)
        clock = now

    for sql in PREPARE:
        con.execute(sql)
    lap("references_and_payers")
    run.fuzzy_payers = fuzzy.identify(con, policy)
    lap("fuzzy_names")
    for sql in GROUPS:
        con.execute(sql)
    con.execute(AMOUNTS)
    lap("groups_weak_references_fx")
    for sql in statements(policy):
        con.execute(sql)
    for name in SPENT_BEFORE_RESIDUAL:  # memory for the residual, the decisions, the journal
        con.execute(f"drop table {name}")
    lap("set_based_matching")
    run.residual_settled = residual.run(con, policy, processes)
    lap("residual")
    con.execute(decide_sql(policy))
    con.execute(CLAIMED_TWICE)
    con.execute(EXCEPTIONS)
    lap("decide")
    run.receipts = con.execute("select count(*) from ca_ar").fetchone()[0]
    counts = dict(con.execute(
        "select status, count(distinct rid) from ca_decided group by status").fetchall())
    run.auto, run.proposed = counts.get("auto", 0), counts.get("proposed", 0)
    run.exceptions = con.execute("select count(*) from ca_exceptions").fetchone()[0]
    # the steps' tables (millions of tokens and hits) would crowd the journal's append
    _drop_tables(con, policy, keep=RESULTS)
    return run
