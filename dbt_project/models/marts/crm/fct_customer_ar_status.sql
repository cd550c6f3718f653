/* grain: one row per customer in dim_customers, as of as_of: what sales and customer success see
   of the customer's receivables (the fields the CRM sync pushes). Balances are in the selling
   entity's functional currency, so invoices in several currencies add up; the last payment is
   the latest day the customer paid, in the currency it paid in. */

with customers as (

    select * from {{ ref('dim_customers') }}

),

open_invoices as (

    select * from {{ ref('fct_invoices') }}
    where is_open

),

receipts as (

    select * from {{ ref('stg_erp__receipts') }}
    where received_date <= {{ as_of_date() }}

),

bank_applications as (

    select * from {{ ref('int_cash_applications_netted') }}
    where effective_from <= {{ as_of_date() }}

),

scores as (

    select * from {{ ref('stg_app__credit_scores') }}
    where invoice_id is null
      and as_of <= {{ as_of_date() }}

),

balances as (

    select
        customer_id,
        {{ money('sum(open_amount_functional)') }}                                   as open_balance,
        {{ money('coalesce(sum(case when days_past_due > 0 then open_amount_functional end), 0)') }}
                                                                                     as overdue_balance,
        coalesce(max(case when days_past_due > 0 then days_past_due end), 0)         as oldest_overdue_days
    from open_invoices
    group by customer_id

),

payments as (

    -- ERP receipts, and cash o2c applied from the bank that the ERP has not booked yet (once it
    -- echoes the application it is a receipt above); a returned payment is no payment
    select
        customer_id,
        received_date  as payment_date,
        currency,
        amount
    from receipts

    union all

    select
        customer_id,
        effective_from,
        currency,
        cash_applied
    from bank_applications
    where (echoed_date is null or echoed_date > {{ as_of_date() }})
      and (reversed_date is null or reversed_date > {{ as_of_date() }})
      and cash_applied > 0

),

payment_days as (

    select
        customer_id,
        payment_date,
        currency,
        {{ money('sum(amount)') }}  as amount,
        row_number() over (
            partition by customer_id
            order by payment_date desc, sum(amount) desc, currency
        )                          as recency_rank
    from payments
    group by customer_id, payment_date, currency

),

latest_tiers as (

    select
        customer_id,
        risk_tier,
        row_number() over (partition by customer_id order by as_of desc, seq desc) as recency_rank
    from scores

),

final as (

    select
        customers.customer_id,
        customers.functional_currency                      as balance_currency,
        coalesce(balances.open_balance, {{ money(0) }})    as open_balance,
        coalesce(balances.overdue_balance, {{ money(0) }}) as overdue_balance,
        coalesce(balances.oldest_overdue_days, 0)          as oldest_overdue_days,
        latest_tiers.risk_tier,
        payment_days.payment_date                          as last_payment_date,
        payment_days.amount                                as last_payment_amount,
        payment_days.currency                              as last_payment_currency,
        {{ as_of_date() }}                                 as as_of_date
    from customers
    left join balances
        on balances.customer_id = customers.customer_id
    left join payment_days
        on payment_days.customer_id = customers.customer_id
       and payment_days.recency_rank = 1
    left join latest_tiers
        on latest_tiers.customer_id = customers.customer_id
       and latest_tiers.recency_rank = 1

)

select * from final
