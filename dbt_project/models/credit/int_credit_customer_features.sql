/* grain: one row per customer with invoice history, as of as_of: payment behaviour (everything
   known up to as_of), current exposure against the credit limit, aging mix and tenure */

{{ config(materialized='table') }}

with known_now as (

    select * from {{ ref('int_credit_history_features') }}
    where point_type = 'customer'

),

customers as (

    select * from {{ ref('dim_customers') }}

),

open_invoices as (

    select * from {{ ref('fct_invoices') }}
    where is_open

),

exposure as (

    select
        customer_id,
        count(*)                                                                as open_invoices,
        {{ money('sum(open_amount)') }}                                         as exposure,
        {{ money('sum(open_amount_functional)') }}                              as exposure_functional,
        {%- for name, low, high in aging_buckets() %}
        {{ money("coalesce(sum(case when aging_bucket = '" ~ name ~ "' then open_amount end), 0)") }}
                                                                                as bucket_{{ name }},
        {%- endfor %}
        max(days_past_due)                                                      as max_days_past_due,
        sum(case when has_open_dispute then 1 else 0 end)                       as open_disputes
    from open_invoices
    group by customer_id

),

final as (

    select
        known_now.customer_id,
        customers.name                                                          as customer_name,
        customers.entity_id,
        customers.currency,
        customers.functional_currency,
        customers.collector_email,
        customers.account_owner_email,
        customers.credit_limit,
        customers.created_date,
        {{ dbt.datediff('customers.created_date', as_of_date(), 'day') }}        as tenure_days,
        known_now.prior_invoices                                                as invoices,
        known_now.prior_outcomes                                                as outcomes_known,
        known_now.prior_late_rate                                               as late_rate,
        known_now.prior_mean_days_late                                          as mean_days_late,
        known_now.recent_late_rate,
        known_now.recent_mean_days_late,
        known_now.days_late_trend,
        known_now.prior_dispute_rate                                            as dispute_rate,
        known_now.prior_partial_rate                                            as partial_payment_rate,
        known_now.short_paid_open_then                                          as short_paid_open_invoices,
        coalesce(exposure.open_invoices, 0)                                     as open_invoices,
        coalesce(exposure.exposure, {{ money(0) }})                             as exposure,
        coalesce(exposure.exposure_functional, {{ money(0) }})                  as exposure_functional,
        cast(coalesce(exposure.exposure, 0) as double)
            / nullif(cast(customers.credit_limit as double), 0)                 as utilisation,
        {%- for name, low, high in aging_buckets() %}
        coalesce(cast(exposure.bucket_{{ name }} as double)
            / nullif(cast(exposure.exposure as double), 0), 0)                  as share_{{ name }},
        {%- endfor %}
        coalesce(exposure.max_days_past_due, 0)                                 as max_days_past_due,
        coalesce(exposure.open_disputes, 0)                                     as open_disputes,
        {{ as_of_date() }}                                                      as as_of_date
    from known_now
    left join customers
        on customers.customer_id = known_now.customer_id
    left join exposure
        on exposure.customer_id = known_now.customer_id

)

select * from final
