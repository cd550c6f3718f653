-- fct_ar_aging must add up to the open balances of fct_invoices, per currency.
with aging as (
    select currency, sum(total_open) as total_open
    from {{ ref('fct_ar_aging') }}
    group by currency
),

invoices as (
    select currency, sum(open_amount) as total_open
    from {{ ref('fct_invoices') }}
    where is_open
    group by currency
)

select
    coalesce(aging.currency, invoices.currency) as currency,
    aging.total_open                            as aging_total,
    invoices.total_open                         as invoices_total
from aging
full outer join invoices
    on invoices.currency = aging.currency
where aging.total_open is null
   or invoices.total_open is null
   or aging.total_open <> invoices.total_open
