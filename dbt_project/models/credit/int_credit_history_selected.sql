/* grain: one row per invoice of the history the credit features read: the pipeline's
   int_credit_invoice_history, or any relation of the same columns named by
   var('credit_history_relation') (how `o2c credit backtest` reads a plain invoice list) */

{{ config(materialized='view') }}

with history as (

    {% if var('credit_history_relation', none) %}
    select * from {{ var('credit_history_relation') }}
    {% else %}
    select * from {{ ref('int_credit_invoice_history') }}
    {% endif %}

),

final as (

    select
        customer_id,
        invoice_id,
        issue_date,
        due_date,
        amount,
        settled_date,
        coalesce(is_disputed, false)        as is_disputed,
        disputed_date,
        is_paperless,
        coalesce(has_payment_detail, false) as has_payment_detail,
        first_payment_date,
        partial_payment_date
    from history
    where issue_date <= {{ as_of_date() }}

)

select * from final
