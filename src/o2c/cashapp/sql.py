"""The engine's set-based steps, as DuckDB SQL over the input tables `sources` creates:

    ca_receipts(rid, bank_txn_id, currency, amount, value_date, direction, is_return,
                counterparty_name, counterparty_account, remittance, structured_ref, ...)
    ca_items(iid, invoice_id, customer_id, currency, open_amount, issue_date, due_date,
             is_disputed, entity_id, po_number)   a negative open_amount: a credit note
    ca_customers(customer_id, name, legal_name, group_id, payer_accounts)
    ca_aliases(kind, alias_key, customer_id)     ca_fx(rate_date, from_currency, to_currency, rate)

Every normalisation is the domain's (`o2c.domain.cashapp`), rendered as SQL there.
"""

from __future__ import annotations

from o2c.domain.cashapp.names import sql_account, sql_ascii_only, sql_name
from o2c.domain.cashapp.references import (
    LOOK_ALIKES_FROM,
    LOOK_ALIKES_TO,
    MIN_KEY,
    MIN_PO_KEY,
    MIN_TAIL,
    MIN_TYPO_KEY,
    STRUCTURED_HINT,
    sql_canon,
    sql_has_digit,
    sql_loose,
    sql_running_number,
    sql_structured_payloads,
    sql_tail,
    sql_typo_key,
)
from o2c.domain.money import MINOR_UNITS_NOT_2

_TR = f"'{LOOK_ALIKES_FROM}', '{LOOK_ALIKES_TO}'"
DIGITS_TO_NINES = "'0123456789', '9999999999'"  # an invoice number's shape
_DEC = "case " + " ".join(f"when {{c}} = '{k}' then {v}" for k, v in MINOR_UNITS_NOT_2.items()) \
    + " else 2 end"


def decimals(col: str) -> str:
    return _DEC.format(c=col)


def round_money(expr: str, currency: str) -> str:
    """`expr` rounded to the currency's minor unit (DuckDB rounds a DECIMAL only to a constant
    number of places: one branch per count)."""
    places = sorted(set(MINOR_UNITS_NOT_2.values()) | {2})
    branches = " ".join(f"when {n} then round({expr}, {n})" for n in places if n != 2)
    return f"case {decimals(currency)} {branches} else round({expr}, 2) end"


# a token `t` names item `i` in full, or without prefix and leading zeros (a credit note is
# netted only when named in full)
_NAMED_IN_FULL = f"(i.k1 = t.c and length(i.k1) >= {MIN_KEY})"
_NAMED_LOOSELY = (f"(i.k2 = t.l and length(t.l) >= {MIN_KEY} and length(i.k2) >= {MIN_KEY} "
                  "and not i.is_credit)")


def _deletions(expr: str) -> str:
    return (f"list_append(list_transform(range(1, length({expr}) + 1), "
            f"i -> substr({expr}, 1, i - 1) || substr({expr}, i + 1)), {expr})")


PREPARE = [
    """create or replace temp table ca_cust as
    select customer_id, coalesce(group_id, customer_id) as group_id, name, legal_name,
           payer_accounts
    from ca_customers""",
    f"""create or replace temp table ca_item_all as
    select i.iid, i.invoice_id, i.customer_id, coalesce(c.group_id, i.customer_id) as group_id,
           i.currency, i.open_amount, i.issue_date, i.due_date, coalesce(i.is_disputed, false)
           as is_disputed, i.open_amount <> 0 as is_open, i.open_amount < 0 as is_credit,
           i.entity_id,
           {sql_canon('i.invoice_id')} as k1, {sql_loose('i.invoice_id')} as k2,
           {sql_tail('i.invoice_id')} as k3,
           {sql_typo_key('k1', 'k2')} as kt,  -- from the keys just made
           case when length({sql_canon('i.po_number')}) >= {MIN_PO_KEY}
                then {sql_canon('i.po_number')} end as kpo
    from ca_items i left join ca_cust c using (customer_id)""",
    "create or replace temp table ca_item as select * from ca_item_all where is_open",
    f"""create or replace temp table ca_ar as
    select rid, currency, amount, value_date,
           {sql_account('counterparty_account')} as acct,
           {sql_name('counterparty_name')} as nkey
    from ca_receipts
    where direction = 'credit' and not coalesce(is_return, false)""",
    # how our invoice numbers are written: letters kept, every digit a 9
    f"""create or replace temp table ca_shape as
    select distinct translate(regexp_replace(upper(invoice_id), '[^0-9A-Z]+', '', 'g'),
                              {DIGITS_TO_NINES}) as shape
    from ca_item_all""",
    # candidate references: 1-, 2- and 3-word runs that hold a digit, and the payloads of the
    # structured references (RF, QR) whose check digits hold
    f"""create or replace temp table ca_tok as
    with w as (
        select rid, upper(coalesce(remittance, '') || ' ' || coalesce(structured_ref, '')) as t,
               string_split_regex(t, '[^0-9A-Z]+') as ws
        from ca_receipts semi join ca_ar using (rid)
    ),
    -- a number written twice (remittance and structured reference) is one reference: each
    -- receipt's list made distinct (a distinct over every token costs more)
    g as (
        select rid, unnest(list_distinct(list_concat(
            ws,
            list_transform(range(1, len(ws)), i -> ws[i] || ws[i + 1]),
            list_transform(range(1, len(ws) - 1), i -> ws[i] || ws[i + 1] || ws[i + 2]),
            case when regexp_matches(t, '{STRUCTURED_HINT}')
                 then {sql_structured_payloads("list_filter(ws, x -> x <> '')")}
                 else []::varchar[] end
        ))) as tok
        from w
    )
    select rid, tok, translate(tok, {_TR}) as c, {sql_loose("tok", plain=True)} as l,
           -- (a list of a few shapes: an IN over the table is a join per token, 10x slower)
           list_contains((select list(shape) from ca_shape), translate(tok, {DIGITS_TO_NINES}))
               as shaped
    from g
    where length(tok) >= {MIN_TAIL} and length(tok) <= 40 and {sql_has_digit('tok')}""",
    # references that name an invoice: the whole number; without prefix / leading zeros, or
    # the payer's purchase-order number (every invoice issued against it). The invoice's group
    # and whether it is open come along: later steps would join every hit to the items for them
    f"""create or replace temp table ca_hit12 as
    select t.rid, t.tok, i.iid, 1 as level, i.group_id, i.is_open
    from ca_tok t join ca_item_all i on i.k1 = t.c
    where {_NAMED_IN_FULL}
    union all
    select t.rid, t.tok, i.iid, 2 as level, i.group_id, i.is_open
    from ca_tok t join ca_item_all i on i.k2 = t.l
    where {_NAMED_LOOSELY}
      and not {_NAMED_IN_FULL}  -- (one row per receipt, number and invoice)
    union all
    select t.rid, t.tok, i.iid, 2 as level, i.group_id, i.is_open
    from ca_tok t join ca_item_all i on i.kpo = t.c
    where not i.is_credit and not {_NAMED_IN_FULL} and not {_NAMED_LOOSELY}""",
    # known payer accounts (ERP master data + learned aliases) and names
    f"""create or replace temp table ca_acct as
    select distinct acct, customer_id from (
        select {sql_account('a')} as acct, customer_id
        from (select customer_id, unnest(string_split(payer_accounts, ';')) as a from ca_cust)
        union all
        select alias_key, customer_id from ca_aliases where kind = 'account'
    ) where acct <> ''""",
    # names as written, and as a bank without their accented letters writes them
    f"""create or replace temp table ca_cname as
    select distinct nkey, customer_id from (
        select customer_id, {sql_name('name')} as nkey from ca_cust
        union all select customer_id, {sql_name('legal_name')} from ca_cust
        union all select customer_id, {sql_name(sql_ascii_only('n'))}
        from (select customer_id, unnest([name, legal_name]) as n from ca_cust)
        where n <> {sql_ascii_only('n')}
        union all select customer_id, alias_key from ca_aliases where kind = 'name'
    ) where nkey <> ''""",
    """create or replace temp table ca_payer as
    with by_account as (
        select r.rid, x.customer_id, 'account' as via
        from ca_ar r join ca_acct x on x.acct = r.acct
        where r.acct <> ''
    ),
    -- a name two unrelated customers share says nothing about which one pays
    one_group as (
        select x.nkey from ca_cname x join ca_cust c using (customer_id)
        group by x.nkey having count(distinct c.group_id) = 1
    ),
    by_name as (
        select r.rid, x.customer_id, 'name' as via
        from ca_ar r join ca_cname x on x.nkey = r.nkey semi join one_group g on g.nkey = x.nkey
        where r.nkey <> '' and r.rid not in (select rid from by_account)
    )
    select * from by_account union all select * from by_name""",
    # every customer group the bank's name is exactly, one or several: when the payer stays
    # unknown, a referenced invoice of none of them is another customer's
    """create or replace temp table ca_named as
    select distinct r.rid, c.group_id
    from ca_ar r join ca_cname x on x.nkey = r.nkey join ca_cust c using (customer_id)
    where r.nkey <> ''""",
]

# receipts a fuzzy name may still identify: no payer by account or exact name (a reference
# alone does not say who pays: a payer known by name tells a mistyped number from another's),
# and not exactly the name of several customers (no score tells those apart)
FUZZY_CANDIDATES = """
select r.rid, coalesce(x.counterparty_name, '') as name, coalesce(x.remittance, '') as remittance
from ca_ar r join ca_receipts x using (rid)
anti join ca_payer p using (rid)
anti join ca_named n using (rid)
"""

def _named_payers(found: str) -> list[str]:
    """The payer a shared name and a reference or an amount chose, as a payer and its group."""
    return [f"insert into ca_payer select rid, customer_id, 'name' from {found}",
            f"insert into ca_pgroup select rid, group_id, 'name' from {found}"]


GROUPS = [
    # a name several customers share: a number naming an open invoice of one of them says
    # which one pays
    """create or replace temp table ca_named_only as
    select * from ca_named anti join ca_payer p using (rid)""",
    """insert into ca_payer
    select h.rid, min(i.customer_id), 'name'
    from ca_named_only n join ca_hit12 h using (rid)
    join ca_item i on i.iid = h.iid and i.group_id = n.group_id
    group by h.rid having count(distinct i.group_id) = 1""",
    """create or replace temp table ca_pgroup as
    select p.rid, c.group_id, min(p.via) as via
    from ca_payer p join ca_cust c using (customer_id)
    group by all""",
    # only the payer's own items for weak references: the running number, one wrong character;
    # only when no number names one of the payer's invoices (open or paid) as written, else
    # only for its numbers that look mistyped (below)
    f"""create or replace temp table ca_hit34 as
    with own as (
        select distinct h.rid, h.tok from ca_hit12 h
        join ca_pgroup g on g.rid = h.rid and g.group_id = h.group_id
    ),
    r as (
        select distinct rid, group_id from ca_pgroup
        where rid not in (select rid from own)
        union
        select rid, group_id from ca_named where rid not in (select rid from ca_pgroup)
    ),
    -- a receipt naming the payer's invoices may have mistyped others: its numbers that name
    -- only other customers' open invoices, or no open invoice though written like ours, are
    -- looked at too (kept aside below, like those)
    mistyped as (
        select distinct h.rid, h.tok, g.group_id
        from ca_hit12 h
        join ca_pgroup g on g.rid = h.rid
        semi join (select distinct rid from own) o on o.rid = h.rid
        anti join own x on x.rid = h.rid and x.tok = h.tok
        where h.is_open
        union
        select t.rid, t.tok, g.group_id
        from ca_tok t join ca_pgroup g using (rid)
        semi join (select distinct rid from own) o using (rid)
        anti join (select rid, tok from ca_hit12 where is_open) h
             on h.rid = t.rid and h.tok = t.tok
        where t.shaped
    ),
    -- each item's keys once, however many receipts its customer sent
    gi as (
        select i.group_id, i.iid, i.k3, i.kt from ca_item i
        semi join (select group_id from r union select group_id from mistyped) g using (group_id)
        where not i.is_credit
    ),
    t as (
        select r.group_id, x.* from ca_tok x join r using (rid)
        union all
        select m.group_id, x.* from ca_tok x join mistyped m on m.rid = x.rid and m.tok = x.tok
    ),
    tails as (
        select t.rid, t.tok, gi.iid, 3 as level
        from gi join t on t.group_id = gi.group_id and ltrim(t.c, '0') = gi.k3
        where gi.k3 <> '' and regexp_matches(t.tok, '^[0-9]+$')
    ),
    -- a paid invoice's running number, written as issued ("000838"): the receipt pays what is
    -- no longer open, and the amount alone must not choose other items
    closed_tails as (
        select t.rid, t.tok, i.iid, 3 as level
        from ca_item_all i
        join t on t.group_id = i.group_id
              and t.tok = {sql_running_number('i.invoice_id')}
        where not i.is_open and i.k3 <> ''
    ),
    ty as materialized (
        select * from (select group_id, rid, tok, {sql_typo_key('c', 'l')} as ty from t)
        where length(ty) >= {MIN_TYPO_KEY}
    ),
    -- keys whose lengths differ by more than one share no deletion: each side keeps only the
    -- lengths the other side can meet (an item, those of its own group's numbers)
    ty_len as (select distinct group_id, length(ty) + d as n from ty, range(-1, 2) r(d)),
    kt_len as (select distinct length(kt) + d as n from gi, range(-1, 2) r(d)),
    idel as (
        select group_id, iid, unnest({_deletions('kt')}) as d from gi
        semi join ty_len l on l.group_id = gi.group_id and l.n = length(gi.kt)
        where length(kt) >= {MIN_TYPO_KEY}
    ),
    tdel as (
        select group_id, rid, tok, unnest({_deletions('ty')}) as d from ty
        where length(ty) in (select n from kt_len)
    ),
    typos as (
        select distinct tdel.rid, tdel.tok, idel.iid, 4 as level
        from tdel join idel on idel.group_id = tdel.group_id and idel.d = tdel.d
    ),
    -- beside numbers written in full, a bare running number ("SI-000480 + 493") that names
    -- nothing else is one more of the payer's own open items: listed, not mistyped
    -- (the payer's group first: joined on the running number alone, every customer's
    -- invoice 123 would meet every receipt's "123")
    bare_tok as materialized (
        select t.rid, t.tok, ltrim(t.c, '0') as k3
        from ca_tok t
        semi join (select distinct rid from own) o using (rid)
        anti join ca_hit12 h on h.rid = t.rid and h.tok = t.tok
        where regexp_matches(t.tok, '^[0-9]+$') and ltrim(t.c, '0') <> ''
    ),
    -- a part of a number that named an invoice is no reference of its own (`ca_ref_kept`
    -- drops it as covered): kept, it would only make rows
    part_of_named as (
        select distinct b.rid, b.tok
        from bare_tok b join ca_hit12 w on w.rid = b.rid
        where length(w.tok) > length(b.tok) and contains(w.tok, b.tok)
    ),
    bare as materialized (
        select b.rid, b.tok, b.k3, g.group_id
        from bare_tok b join ca_pgroup g using (rid)
        anti join part_of_named x on x.rid = b.rid and x.tok = b.tok
    ),
    beside_named as (
        select b.rid, b.tok, i.iid, 3 as level
        from bare b join ca_item i on i.group_id = b.group_id and i.k3 = b.k3
        where not i.is_credit
    )
    select *, false as beside_named from tails
    union all select *, false from closed_tails
    union all select *, false from typos
    union all select *, true from beside_named""",
    # a name several customers share, and a weak reference to the items of one of them only:
    # that one pays; weak references into several of them say nothing
    """create or replace temp table ca_named_weak as
    select h.rid, min(i.customer_id) as customer_id, min(i.group_id) as group_id,
           count(distinct i.group_id) as n_groups
    from ca_hit34 h join ca_item i using (iid)
    where h.rid not in (select rid from ca_pgroup)
    group by h.rid""",
    *_named_payers("ca_named_weak where n_groups = 1"),
    "delete from ca_hit34 where rid in (select rid from ca_named_weak where n_groups > 1)",
    # ... and with no number at all (nothing written like an invoice number, no bare digits),
    # the only open item of exactly the amount among them: a number that names none of their
    # invoices is not confirmed by an amount
    """create or replace temp table ca_named_amount as
    select n.rid, min(i.customer_id) as customer_id, min(i.group_id) as group_id
    from ca_named_only n
    anti join ca_pgroup g using (rid)
    anti join (select distinct t.rid from ca_tok t
               where regexp_matches(t.tok, '^[0-9]+$') or t.shaped) t
         using (rid)
    join ca_ar r using (rid)
    join ca_item i on i.group_id = n.group_id and i.currency = r.currency
                  and i.open_amount = r.amount
    group by n.rid having count(*) = 1""",
    *_named_payers("ca_named_amount"),
    # a number naming another customer's open invoice may be the payer's own with two digits
    # swapped: those weak hits are kept aside (`ca_own_near`); matching decides with amounts
    """create or replace temp table ca_own_near as
    select * from ca_hit34
    where not beside_named
      and rid in (select rid from ca_hit12 where is_open)""",
    "delete from ca_hit34 where not beside_named and rid in (select rid from ca_own_near)",
    # the references kept: a token's best invoices, the payer's own preferred; a shorter
    # token inside a longer one that found an invoice is not a reference of its own
    """create or replace temp table ca_ref_kept as
    with h as (  -- each number's invoices at their closest level (ca_hit12's are closer)
        select rid, tok, iid, level from ca_hit12
        union all
        select w.rid, w.tok, w.iid, min(w.level) from ca_hit34 w
        anti join ca_hit12 x on x.rid = w.rid and x.tok = w.tok and x.iid = w.iid
        group by all
    ),
    tl as (select rid, tok, min(level) as level from h group by rid, tok),
    covered as (
        select distinct a.rid, a.tok
        from tl a join tl b on a.rid = b.rid and a.tok <> b.tok
        where (length(b.tok) > length(a.tok) and contains(b.tok, a.tok) and b.level <= a.level)
           -- "INV 2025-000422": the run with the stray word is looser than the number alone
           or (length(b.tok) < length(a.tok) and contains(a.tok, b.tok) and b.level < a.level)
    ),
    e as (
        select h.*, i.group_id, i.customer_id, i.is_open, g.rid is not null as in_payer,
               -- an account collects for its own legal entity's invoices first
               coalesce(i.entity_id = r.entity_id, false) as in_entity
        from h join ca_item_all i using (iid)
        join ca_receipts r using (rid)
        left join ca_pgroup g on g.rid = h.rid and g.group_id = i.group_id
        anti join covered c on c.rid = h.rid and c.tok = h.tok
    ),
    -- a number's best invoices: the payer's first, then the account's entity's, then the
    -- closest reading (levels 1 to 4); and its best open ones (grouped: windows over every
    -- row cost more)
    pref as (
        select *, (in_payer::int * 2 + in_entity::int) * 10 - level as pref from e
    ),
    top as (
        select rid, tok, max(pref) as top, max(pref) filter (where is_open) as top_open,
               -- the closest any open invoice comes to this number, the payer's or not
               min(level) filter (where is_open) as closest
        from pref group by rid, tok
    ),
    best as (
        select p.* exclude (pref), p.pref = t.top as best, p.is_open and p.pref = t.top_open
               as best_open, t.closest
        from pref p join top t using (rid, tok)
        where p.pref = t.top or (p.is_open and p.pref = t.top_open)
    ),
    -- with no payer known, the numbers say whose invoices they are: a customer's item is
    -- contested unless that customer alone has open invoices under the most of the numbers
    cover as (
        select rid, group_id, count(distinct tok) as n from e where is_open group by all
    ),
    spread as (
        select rid, group_id,
               n < max(n) over (partition by rid) or count(*) over (partition by rid, n) > 1
                   as contested
        from cover
    )
    select b.*, count(*) over (partition by rid, tok, is_open) as n_tok,
           coalesce(s.contested, false) as contested
    from best b left join spread s using (rid, group_id)""",
    """create or replace temp table ca_ref as
    select rid, iid, min(level) as level, bool_or(n_tok > 1) as ambiguous,
           bool_or(contested) as contested, bool_or(level > closest) as outranked,
           bool_and(in_payer) as in_payer, string_agg(distinct tok, ' ') as tokens
    from ca_ref_kept where best_open group by rid, iid""",
    # the other open invoices a contested receipt's numbers name: does one of them fit too?
    """create or replace temp table ca_ref_rival as
    select distinct h.rid, i.group_id, i.currency, i.open_amount
    from (select rid, iid from ca_hit12 union all select rid, iid from ca_hit34) h
    join ca_item_all i using (iid)
    where i.is_open and h.rid in (select rid from ca_ref where contested)""",
    # receipts naming an invoice that is not open: paid already, or not one we know but
    # written exactly like our invoice numbers (same letters, same count of digits)
    """create or replace temp table ca_ref_closed as
    with unknown as (
        select t.rid, t.tok as named from ca_tok t
        anti join ca_ref_kept k on k.rid = t.rid and k.tok = t.tok
        anti join (select distinct rid from ca_hit34) w on w.rid = t.rid
        where t.shaped and length(t.tok) >= 6
    ),
    closed as (
        select k.rid, i.invoice_id as named
        from ca_ref_kept k join ca_item_all i using (iid)
        where not k.is_open and k.best
    )
    select rid, string_agg(distinct named, ';') as closed_invoices
    from (select * from closed union all select * from unknown) group by rid""",
]

# receipt amount in each currency it may settle: as received, or at the value-date rate
AMOUNTS = f"""
create or replace temp table ca_amt as
with need as (
    select distinct r.rid, i.currency
    from ca_ref r join ca_item i using (iid)
    union
    select distinct g.rid, c.currency
    from ca_pgroup g join (select distinct group_id, currency from ca_item) c using (group_id)
),
fx as (
    select rate_date, from_currency, to_currency, rate from ca_fx
    union all
    select rate_date, to_currency, from_currency, cast(1 / rate as decimal(18, 10))
    from ca_fx where rate <> 0
),
same as (
    select n.rid, n.currency, a.amount as amt, null::decimal(18, 10) as fx_rate
    from need n join ca_ar a on a.rid = n.rid and a.currency = n.currency
),
other as (
    select n.rid, n.currency, a.amount, a.value_date, a.currency as from_currency
    from need n join ca_ar a on a.rid = n.rid and a.currency <> n.currency
)
select * from same
union all
select o.rid, o.currency,
       cast(round(cast(o.amount * f.rate as double), {decimals('o.currency')}) as decimal(19, 4))
           as amt,
       cast(f.rate as decimal(18, 10)) as fx_rate
from other o asof join fx f
  on f.from_currency = o.from_currency and f.to_currency = o.currency
 and f.rate_date <= o.value_date
"""
