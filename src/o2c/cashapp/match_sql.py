"""Set-based matching: the cases that SQL settles for every receipt at once.

With references: the referenced items' open total against the receipt (exact, short by a fee
or discount, a partial payment of one item). Without: the payer's only open item of that amount,
everything the payer has open, or its items oldest-due first. What is left goes to `residual`.
Results land in `ca_match`, one row per receipt, alternative and item (iid null: on account).
"""

from __future__ import annotations

from o2c.cashapp.sql import decimals, round_money
from o2c.domain.cashapp.policy import REMITTANCE_LIMIT, Policy
from o2c.domain.cashapp.references import sql_stated_count, sql_typo_key

MATCH_COLUMNS = """
    rid BIGINT, iid BIGINT, alternative INTEGER, cash_applied DECIMAL(19,4),
    write_off DECIMAL(19,4), write_off_reason VARCHAR, discount DECIMAL(19,4),
    discount_reason VARCHAR, residual DECIMAL(19,4), residual_reason VARCHAR, rule VARCHAR,
    doubts VARCHAR[], via VARCHAR, tokens VARCHAR, amt DECIMAL(19,4), currency VARCHAR,
    fx_rate DECIMAL(18,10)
"""


def _tol(policy: Policy, amount: str, currency: str, fx_rate: str) -> str:
    t = policy.tolerances
    unit = f"({t.rounding_minor} / 10 ^ {decimals(currency)})"
    return (f"(cast({unit} as decimal(19,4)) + case when {fx_rate} is null then 0 "
            f"else {amount} * {t.fx_percent} end)")


def _fee(policy: Policy, total: str, currency: str) -> str:
    t = policy.tolerances
    cases = " ".join(f"when '{c}' then {v}" for c, v in t.fee_max.items())
    return (f"least(case {currency} {cases} else {t.fee_max_default} end, "
            f"{total} * {t.fee_max_percent})")


def _swaps(key: str) -> str:
    """The key with each pair of adjacent characters swapped, as a list."""
    return (f"list_transform(range(1, length({key})), i -> substr({key}, 1, i - 1) || "
            f"substr({key}, i + 1, 1) || substr({key}, i, 1) || substr({key}, i + 2))")


def statements(policy: Policy) -> list[str]:
    t = policy.tolerances
    rates = "[" + ", ".join(f"{r}::decimal(5,4)" for r in t.discount_rates) + "]"
    discount_days = f"interval {int(t.discount_days)} day"
    unit = f"cast(1 / 10 ^ {decimals('currency')} as decimal(19,4))"
    tol = _tol(policy, "s.total", "s.currency", "a.fx_rate")
    fee = _fee(policy, "s.total", "s.currency")
    near_tol = _tol(policy, "a.amt", "n.currency", "a.fx_rate")
    several_tol = _tol(policy, "any_value(a.amt)", "any_value(i.currency)",
                       "any_value(a.fx_rate)")
    return [
        f"create or replace temp table ca_match ({MATCH_COLUMNS})",
        # the payer named other customers' invoices, or numbers written like ours that name no
        # open one, and its own open items one typo from those numbers (two digits swapped, most
        # often) make the amount with the payer's items it named rightly, less a fee at most: it
        # pays its own, the doubts on record. One number named, another customer's: its one near
        # item that fits, exact and swapped preferred; else each number's reading, together
        f"""create or replace temp table ca_swapped as
        with named as (
            select rid, count(*) as n_refs from ca_ref group by rid having not bool_and(in_payer)
        ),
        near as (
            select n.rid, n.tok, n.iid, n.level, r.n_refs, i.currency, i.open_amount,
                   -- (the swaps are listed only where they can match: same length)
                   length(t.ty) = length(i.kt) and list_contains({_swaps('i.kt')}, t.ty)
                       as swap
            from ca_own_near n left join named r using (rid)
            join ca_item i using (iid)
            join (select distinct t.rid, t.tok, {sql_typo_key('t.c', 't.l')} as ty
                  from ca_tok t semi join ca_own_near o on o.rid = t.rid and o.tok = t.tok) t
                 on t.rid = n.rid and t.tok = n.tok
        ),
        fit as (
            select n.rid, n.iid, n.tok, n.level,
                   case when abs(n.open_amount - a.amt) <= {near_tol} then 0 else 2 end
                   + case when n.swap then 0 else 1 end as tier
            from near n join ca_amt a on a.rid = n.rid and a.currency = n.currency
            where n.n_refs = 1
              and n.open_amount - a.amt
                  between -{near_tol}
                      and greatest({_fee(policy, 'n.open_amount', 'n.currency')}, {near_tol})
        ),
        one as (
            select f.rid, min(f.iid) as iid, min(f.tok) as tok, min(f.level) as level
            from fit f semi join (select rid, min(tier) as tier from fit group by rid) b
                 using (rid, tier)
            group by f.rid having count(distinct f.iid) = 1
        ),
        -- a number's reading: its only near item with two adjacent digits swapped, else its
        -- only near item
        reading as (
            select rid, tok, min(level) as level,
                   case when count(distinct iid) filter (where swap) = 1
                        then min(iid) filter (where swap)
                        when count(distinct iid) = 1 then min(iid) end as iid
            from near where rid not in (select rid from one) group by rid, tok
        ),
        several as (
            select rid, iid, min(tok) as tok, min(level) as level, bool_and(near) as near
            from (select rid, iid, tok, level, true as near from reading where iid is not null
                  union all
                  select rid, iid, tokens, level, false from ca_ref
                  where in_payer and rid in (select rid from reading where iid is not null))
            group by rid, iid
        ),
        -- in one currency, making the amount
        fits as (
            select o.rid
            from several o join ca_item i using (iid)
            join ca_amt a on a.rid = o.rid and a.currency = i.currency
            group by o.rid
            having count(distinct i.currency) = 1
               and sum(i.open_amount) - any_value(a.amt) between -{several_tol}
                   and greatest({_fee(policy, 'sum(i.open_amount)', 'any_value(i.currency)')},
                                {several_tol})
        )
        select rid, iid, tok, level, true as near from one
        union all
        select rid, iid, tok, level, near from several where rid in (select rid from fits)""",
        "delete from ca_ref where rid in (select rid from ca_swapped)",
        """insert into ca_ref by name
        select rid, iid, level, false as ambiguous, false as contested, near as outranked,
               true as in_payer, tok as tokens
        from ca_swapped""",
        """create or replace temp table ca_refsum as
        select r.rid, i.currency, count(*) as n, sum(i.open_amount) as total,
               max(r.level) as worst, bool_or(r.ambiguous) as ambiguous,
               bool_or(r.contested) as contested, bool_or(r.outranked) as outranked,
               bool_and(r.in_payer) as in_payer, count(distinct i.group_id) as n_groups,
               min(i.group_id) as group_id,
               bool_or(i.is_disputed) as disputed, string_agg(r.tokens, ' ') as tokens,
               arg_max(r.iid, i.open_amount) as big_iid,
               -- paid oldest first: a short payment is short on the last item due
               arg_max(r.iid, (i.due_date, i.iid)) as last_iid,
               arg_max(i.open_amount, (i.due_date, i.iid)) as last_open,
               min(i.issue_date) as first_issue,
               count(*) over (partition by r.rid) as n_ccy
        from ca_ref r join ca_item i using (iid)
        group by r.rid, i.currency""",
        f"""create or replace temp table ca_refcase as
        with s0 as (
            select s.*, a.amt, a.fx_rate, s.total - a.amt as diff,
                   {tol} as tol, {fee} as fee_limit,
                   p.via, r.value_date,
                   s.rid in (select rid from ca_named) and (s.rid, s.group_id) not in (
                       select (rid, group_id) from ca_named) as named_other
            from ca_refsum s
            join ca_amt a using (rid, currency)
            join ca_ar r using (rid)
            left join (select rid, min(via) as via from ca_pgroup group by rid) p using (rid)
        ),
        -- paid within the discount days of the invoices, short by one of the discount rates
        -- of their total (each item's discount rounded on its own): an early-payment discount
        s1 as (
            select *,
                case when diff > tol and value_date <= first_issue + {discount_days}
                     then list_filter({rates}, x -> abs(diff - total * x) <= n * {unit})[1]
                end as discount_rate
            from s0
        ),
        -- nobody known pays short of the named invoices: is the bank's name like their
        -- customer's?
        name_like as (
            select distinct s.rid, s.currency
            from s1 s join ca_ar r using (rid)
            join ca_cust c on c.group_id = s.group_id
            join ca_cname x on x.customer_id = c.customer_id
            where s.via is null and s.diff > s.tol and r.nkey <> ''
              and jaro_winkler_similarity(r.nkey, x.nkey) >= {policy.payer_name_like_min}
        ),
        s as (
            select s1.*, n.rid is not null as name_like
            from s1 left join name_like n using (rid, currency)
        )
        select *,
            -- the item that takes a fee or rounding: the last due, unless it is too small
            case when last_open > diff then last_iid else big_iid end as short_iid,
            case when ambiguous or n_groups > 1 or n_ccy > 1 then 'residual'
                 when abs(diff) <= tol then 'ref_exact'
                 when discount_rate is not null then 'ref_tolerance'
                 when diff > 0 and diff <= fee_limit then 'ref_tolerance'
                 when n = 1 and diff > 0 then 'ref_partial'
                 else 'residual' end as rule,
            list_filter([
                case when worst = 2 then 'ref_loose' when worst = 3 then 'ref_tail'
                     when worst = 4 then 'ref_typo' end,
                case when via is not null and not in_payer then 'other_customer_reference' end,
                case when via is null and named_other then 'other_customer_reference' end,
                case when outranked then 'number_names_another_invoice' end,
                -- ... unless the other customer's invoices do not fit the amount either
                case when via is null and contested and exists (
                        select 1 from ca_ref_rival v
                        where v.rid = s.rid and v.group_id <> s.group_id
                          and v.currency = s.currency
                          and v.open_amount between s.amt - s.tol and s.amt + s.fee_limit)
                     then 'reference_names_several_customers' end,
                case when via = 'name' then 'customer_by_name'
                     when via = 'fuzzy' and worst <= 2 and in_payer
                          then 'customer_fuzzy_confirmed'
                     when via = 'fuzzy' then 'customer_fuzzy' end,
                case when fx_rate is not null then 'fx' end,
                case when rid in (select rid from ca_ref_closed)
                      and not (abs(diff) <= tol or (diff > 0 and diff <= fee_limit)
                               or discount_rate is not null)
                     then 'reference_to_closed_invoice' end,
                -- with no payer known, only an agreeing amount confirms whose invoice it is:
                -- short by a fee, when the bank's name is like the customer's too
                case when via is null and abs(diff) > tol
                          and not (diff > 0 and diff <= fee_limit and name_like)
                          and discount_rate is null
                     then 'unknown_payer_amount_differs' end,
                case when abs(diff) <= tol or worst < 3 then null
                     when (diff > 0 and diff <= fee_limit) or discount_rate is not null
                          then 'weak_reference_fee'
                     when worst >= 4 then 'weak_reference_amount_differs'
                     else 'tail_reference_partial' end
            ], d -> d is not null) as doubts
        from s""",
        # a partial payment of a referenced item is suspicious when another open item of the
        # payer is exactly the amount received: a mistyped number that named the wrong item
        f"""update ca_refcase c set doubts = list_append(c.doubts, 'ambiguous_reference')
        from (
            select distinct c.rid from ca_refcase c
            join ca_pgroup g using (rid)
            join ca_item i on i.group_id = g.group_id and i.currency = c.currency
            where c.rule = 'ref_partial' and i.iid <> c.big_iid
              and abs(i.open_amount - c.amt) <= {_tol(policy, 'c.amt', 'c.currency', 'c.fx_rate')}
        ) x where x.rid = c.rid""",
        # an early-payment discount: each item's own, rounded; the short item takes the cents
        # the roundings leave, so the discounts add up to what the receipt is short
        f"""insert into ca_match
        with x as (
            select c.*, r.iid, r.tokens as ref_tokens, i.open_amount,
                   case when c.discount_rate is not null then
                       {round_money('i.open_amount * c.discount_rate', 'c.currency')} end
                       as own_discount
            from ca_refcase c join ca_ref r using (rid) join ca_item i using (iid)
            where c.rule <> 'residual'
        ),
        d as (
            select *, case when discount_rate is null then 0
                           when iid = short_iid then diff - (sum(own_discount) over (
                               partition by rid) - own_discount)
                           else own_discount end as item_discount
            from x
        )
        select rid, iid, 1,
            case when rule = 'ref_partial' then amt
                 when discount_rate is not null then open_amount - item_discount
                 when iid = short_iid and diff > 0 then open_amount - diff
                 else open_amount end,
            case when iid = short_iid and diff > 0 and rule <> 'ref_partial'
                      and discount_rate is null
                 then diff else 0 end,
            case when discount_rate is not null then null
                 when iid = short_iid and diff > 0 and rule = 'ref_exact' then 'rounding'
                 when iid = short_iid and diff > 0 and rule = 'ref_tolerance' then 'fee'
            end,
            item_discount,
            case when discount_rate is not null then 'early_payment' end,
            case when rule = 'ref_partial' then diff else 0 end,
            case when rule = 'ref_partial' then
                case when disputed then 'dispute'
                     when diff <= total * 0.2 then 'deduction' else 'unknown' end
            end,
            rule, doubts, via, ref_tokens, amt, currency, fx_rate
        from d""",
        # no reference: the payer's items
        """create or replace temp table ca_noref as
        select g.rid, g.group_id, g.via, a.currency, a.amt, a.fx_rate
        from ca_pgroup g
        join ca_amt a using (rid)
        semi join (select distinct group_id, currency from ca_item) c
             on c.group_id = g.group_id and c.currency = a.currency
        where g.rid not in (select rid from ca_ref)
          and g.rid not in (select rid from ca_ref_closed)""",
        f"""create or replace temp table ca_amount_hits as
        select n.rid, i.iid, n.via, n.amt, n.currency, n.fx_rate, i.open_amount,
               count(*) over (partition by n.rid) as n_hits
        from ca_noref n
        join ca_item i on i.group_id = n.group_id and i.currency = n.currency
        where abs(i.open_amount - n.amt) <= {_tol(policy, 'n.amt', 'n.currency', 'n.fx_rate')}""",
        """insert into ca_match
        select rid, iid, case when n_hits = 1 then 1
                              else row_number() over (partition by rid order by iid) end,
               open_amount, 0, null, 0, null, 0, null, 'amount_unique',
               list_filter([case when n_hits > 1 then 'equal_amount_twins' end,
                            case when via = 'name' then 'customer_by_name'
                                 when via = 'fuzzy' and n_hits = 1
                                      then 'customer_fuzzy_confirmed'
                                 when via = 'fuzzy' then 'customer_fuzzy' end,
                            case when fx_rate is not null then 'fx' end], d -> d is not null),
               via, null, amt, currency, fx_rate
        from ca_amount_hits""",
        """create or replace temp table ca_cum as
        with need as (
            select distinct group_id from ca_noref
            where rid not in (select rid from ca_amount_hits)
        )
        select i.iid, i.group_id, i.currency, i.open_amount,
               sum(i.open_amount) over w as cum,
               row_number() over w as k,
               count(*) over (partition by i.group_id, i.currency) as n_all
        from ca_item i semi join need using (group_id)
        where not i.is_credit
        window w as (partition by i.group_id, i.currency order by i.due_date, i.iid
                     rows unbounded preceding)""",
        """create or replace temp table ca_prefix as
        with p as (
            select n.rid, n.via, n.amt, n.currency, n.fx_rate, c.group_id, c.k, c.n_all,
                   count(*) over (partition by n.rid) as n_hits
            from ca_noref n
            join ca_cum c on c.group_id = n.group_id and c.currency = n.currency
                         and c.cum = n.amt
            where n.fx_rate is null and c.k > 1
              and n.rid not in (select rid from ca_amount_hits)
        ),
        -- a later run of consecutive items that makes the amount too (recurring equal amounts):
        -- which run was paid, the oldest or a later one, is not known
        later as (
            select distinct p.rid from p
            join ca_cum a on a.group_id = p.group_id and a.currency = p.currency
            join ca_cum b on b.group_id = a.group_id and b.currency = a.currency
                         and b.cum = a.cum + p.amt
        )
        select *, rid in (select rid from later) as other_run from p""",
        """insert into ca_match
        select p.rid, c.iid, 1, c.open_amount, 0, null, 0, null, 0, null,
               case when p.k = p.n_all then 'amount_all_open' else 'amount_due_prefix' end,
               list_filter([case when p.via = 'name' then 'customer_by_name'
                                 when p.via = 'fuzzy' then 'customer_fuzzy' end],
                           d -> d is not null),
               p.via, null, p.amt, p.currency, p.fx_rate
        from ca_prefix p
        join ca_cum c on c.group_id = p.group_id and c.currency = p.currency and c.k <= p.k
        where p.n_hits = 1 and not p.other_run""",
    ]


# what the Python residual needs, for receipts no set-based rule settled
RESIDUAL_RECEIPTS = """
create or replace temp table ca_residual as
select rid, rid in (select rid from ca_ref_closed) as names_closed from (
    select rid from ca_ref union select rid from ca_pgroup
) where rid not in (select rid from ca_match)
"""
RESIDUAL_AMOUNTS = f"""
select a.rid, a.currency, a.amt, a.fx_rate, r.names_closed, x.value_date,
       length(coalesce(x.remittance, '')) >= {REMITTANCE_LIMIT} as truncated,
       {sql_stated_count('x.remittance')} as stated_count
from ca_amt a join ca_residual r using (rid) join ca_receipts x using (rid)
"""
RESIDUAL_ITEMS = """
with r as (
    select rid, iid, level, tokens, true as referenced, in_payer, contested, outranked
    from ca_ref
    semi join ca_residual using (rid)
),
p as (
    select g.rid, i.iid, null::integer as level, null as tokens, false as referenced,
           true as in_payer, false as contested, false as outranked, g.via,
           row_number() over (partition by g.rid order by i.due_date, i.iid) as pos
    from ca_pgroup g semi join ca_residual using (rid)
    join ca_item i using (group_id)
    where not i.is_credit  -- credit notes count only where the remittance names them
)
select x.rid, x.iid, x.level, x.tokens, x.referenced, x.in_payer, x.contested, x.outranked,
       v.via,
       i.currency, i.open_amount, i.is_disputed, i.due_date, i.issue_date
from (
    select rid, iid, level, tokens, referenced, in_payer, contested, outranked from r
    union all
    select rid, iid, level, tokens, referenced, in_payer, contested, outranked from p
    where pos <= {limit} and (rid, iid) not in (select (rid, iid) from r)
) x
join ca_item i using (iid)
left join (select rid, min(via) as via from ca_pgroup group by rid) v using (rid)
order by x.rid, x.referenced desc, i.due_date, x.iid
"""
