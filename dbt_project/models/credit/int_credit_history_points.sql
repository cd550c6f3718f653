/* grain: one row per point at which a customer's payment history is read: each invoice at its
   issue date, and each customer on the day after as_of (everything up to as_of is known).
   A backtest may freeze the history at its cutoff (var credit_history_frozen_at): invoices
   issued later then see only what was known at the cutoff. */

{{ config(materialized='table') }}

with history as (

    select * from {{ ref('int_credit_history_selected') }}

),

invoice_points as (

    select
        invoice_id   as point_id,
        'invoice'    as point_type,
        customer_id,
        {%- if var('credit_history_frozen_at', none) %}
        {{ smaller_of('issue_date', "cast('" ~ var('credit_history_frozen_at') ~ "' as date)") }}
        {%- else %}
        issue_date
        {%- endif %}
                     as known_at
    from history

),

customer_points as (

    select distinct
        customer_id  as point_id,
        'customer'   as point_type,
        customer_id,
        cast({{ dbt.dateadd('day', 1, as_of_date()) }} as date) as known_at
    from history

),

final as (

    select * from invoice_points
    union all
    select * from customer_points

)

select * from final
