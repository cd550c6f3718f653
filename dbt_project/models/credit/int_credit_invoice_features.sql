/* grain: one row per invoice issued on or before as_of: what was known about the customer at the
   invoice's issue date (int_credit_history_features), the invoice's own terms, and its outcome
   as of as_of - the label is null (censored) while the outcome is not known yet */

{{ config(materialized='table') }}

with history as (

    select * from {{ ref('int_credit_history_selected') }}

),

known_then as (

    select * from {{ ref('int_credit_history_features') }}
    where point_type = 'invoice'

),

invoices as (

    select
        history.*,
        coalesce(history.settled_date <= {{ as_of_date() }}, false) as is_settled,
        history.is_disputed
            and coalesce(history.disputed_date, history.issue_date) <= {{ as_of_date() }}
                                                                      as is_disputed_as_of
    from history

),

final as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.issue_date,
        invoices.due_date,
        invoices.amount,
        {{ dbt.datediff('invoices.issue_date', 'invoices.due_date', 'day') }}      as terms_days,
        invoices.is_paperless,
        invoices.is_disputed_as_of                                                as is_disputed,
        extract(day from invoices.issue_date) >= 25                               as issued_at_month_end,
        extract(month from invoices.issue_date)                                   as issue_month,
        known_then.prior_invoices,
        known_then.prior_outcomes,
        known_then.prior_late,
        known_then.prior_late_rate,
        known_then.prior_undisputed_late_rate,
        known_then.prior_mean_days_late,
        known_then.prior_settled_mean_days_late,
        known_then.prior_max_days_late,
        -- the customer's days late on invoices like this one: same channel, same dispute state
        case
            when invoices.is_paperless then known_then.prior_paperless_mean_days_late
            when not invoices.is_paperless then known_then.prior_paper_mean_days_late
        end                                                                      as same_channel_mean_days_late,
        case
            when invoices.is_disputed_as_of then known_then.prior_disputed_mean_days_late
            else known_then.prior_undisputed_mean_days_late
        end                                                                      as same_dispute_mean_days_late,
        known_then.recent_late_rate,
        known_then.recent_mean_days_late,
        known_then.days_late_trend,
        known_then.last_days_late,
        known_then.prior_dispute_rate,
        known_then.prior_partial_rate,
        known_then.open_invoices_then,
        known_then.past_due_invoices_then,
        known_then.max_days_past_due_then,
        known_then.short_paid_open_then,
        known_then.invoices_last_90d,
        cast(invoices.amount as double) / nullif(known_then.prior_mean_amount, 0)
                                                                                 as amount_to_prior_mean,
        cast(known_then.open_amount_then as double) / nullif(known_then.prior_mean_amount, 0)
                                                                                 as open_amount_to_prior_mean,
        cast(known_then.past_due_amount_then as double)
            / nullif(known_then.open_amount_then, 0)                             as past_due_share_then,
        {{ dbt.datediff('known_then.last_issue_date', 'invoices.issue_date', 'day') }}
                                                                                 as days_since_last_invoice,
        {{ dbt.datediff('known_then.first_issue_date', 'invoices.issue_date', 'day') }}
                                                                                 as customer_tenure_days,
        -- outcome as of as_of
        invoices.is_settled
            or invoices.due_date < {{ as_of_date() }}                            as is_label_known,
        case
            when invoices.is_settled then invoices.settled_date > invoices.due_date
            when invoices.due_date < {{ as_of_date() }} then true
        end                                                                      as is_late,
        case
            when invoices.is_settled
                then {{ dbt.datediff('invoices.due_date', 'invoices.settled_date', 'day') }}
        end                                                                      as days_late,
        case when invoices.is_settled then invoices.settled_date end             as settled_date,
        not invoices.is_settled                                                  as is_open,
        {{ dbt.datediff(as_of_date(), 'invoices.due_date', 'day') }}              as days_to_due,
        {{ as_of_date() }}                                                       as as_of_date
    from invoices
    inner join known_then
        on known_then.point_id = invoices.invoice_id

)

select * from final
