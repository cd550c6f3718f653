/* grain: one row per history point (point_type, point_id): the customer's payment history as it
   was known at known_at. Only invoices issued before known_at are read, and of those only what
   had happened before known_at: a settlement dated on or after it is not known yet (the invoice
   is still open then, and late if already past due). Nothing later can change a point's row. */

{{ config(materialized='table') }}

with points as (

    select * from {{ ref('int_credit_history_points') }}

),

history as (

    select * from {{ ref('int_credit_history_selected') }}

),

observed as (

    -- every earlier invoice of the customer, as it stood at the point
    select
        points.point_type,
        points.point_id,
        history.invoice_id,
        history.issue_date,
        history.due_date,
        history.amount,
        history.is_paperless,
        coalesce(history.settled_date < points.known_at, false)            as settled_then,
        coalesce(history.settled_date < points.known_at, false) = false
            and history.due_date < points.known_at                          as past_due_then,
        case
            when history.settled_date < points.known_at
                then {{ dbt.datediff('history.due_date', 'history.settled_date', 'day') }}
        end                                                                 as settled_days_late,
        history.is_disputed
            and coalesce(history.disputed_date, history.issue_date) < points.known_at
                                                                            as disputed_then,
        case
            when history.has_payment_detail
                then coalesce(history.partial_payment_date < points.known_at, false)
        end                                                                 as partial_then,
        case
            when history.has_payment_detail
                then coalesce(history.first_payment_date < points.known_at, false)
        end                                                                 as paid_some_then,
        {{ dbt.datediff('history.due_date', 'points.known_at', 'day') }}     as days_past_due_then,
        history.issue_date >= cast({{ dbt.dateadd('day', -90, 'points.known_at') }} as date)
                                                                            as issued_last_90d
    from points
    inner join history
        on history.customer_id = points.customer_id
       and history.issue_date < points.known_at

),

outcomes as (

    select
        *,
        settled_then or past_due_then                                       as outcome_known,
        case
            when settled_then then settled_days_late > 0
            when past_due_then then true
        end                                                                 as late_then,
        -- days late when settled; for an unpaid past-due invoice, the days so far (a floor)
        case
            when settled_then then settled_days_late
            when past_due_then then days_past_due_then
        end                                                                 as days_late_then
    from observed

),

ranked as (

    select
        *,
        case when outcome_known then
            row_number() over (
                partition by point_type, point_id
                order by outcome_known desc, due_date desc, invoice_id desc
            )
        end                                                                 as recency
    from outcomes

),

summarised as (

    select
        point_type,
        point_id,
        count(*)                                                            as prior_invoices,
        sum(case when outcome_known then 1 else 0 end)                      as prior_outcomes,
        sum(case when late_then then 1 else 0 end)                          as prior_late,
        avg(case when outcome_known and not disputed_then
                 then case when late_then then 1.0 else 0.0 end end)        as prior_undisputed_late_rate,
        avg(days_late_then)                                                 as prior_mean_days_late,
        avg(settled_days_late)                                              as prior_settled_mean_days_late,
        max(days_late_then)                                                 as prior_max_days_late,
        -- the same history split by billing channel and by dispute: a customer that moved to
        -- e-invoicing, or whose disputed invoices wait, pays differently on each side
        avg(case when is_paperless then settled_days_late end)              as prior_paperless_mean_days_late,
        avg(case when not is_paperless then settled_days_late end)          as prior_paper_mean_days_late,
        avg(case when disputed_then then settled_days_late end)             as prior_disputed_mean_days_late,
        avg(case when not disputed_then then settled_days_late end)         as prior_undisputed_mean_days_late,
        avg(case when recency <= 5 then case when late_then then 1.0 else 0.0 end end)
                                                                            as recent_late_rate,
        avg(case when recency <= 5 then days_late_then end)                 as recent_mean_days_late,
        max(case when recency = 1 then days_late_then end)                  as last_days_late,
        avg(case when disputed_then then 1.0 else 0.0 end)                  as prior_dispute_rate,
        avg(case when settled_then then case when partial_then then 1.0 else 0.0 end end)
                                                                            as prior_partial_rate,
        sum(case when not settled_then then 1 else 0 end)                   as open_invoices_then,
        sum(case when not settled_then then amount else 0 end)              as open_amount_then,
        sum(case when past_due_then then 1 else 0 end)                      as past_due_invoices_then,
        sum(case when past_due_then then amount else 0 end)                 as past_due_amount_then,
        max(case when past_due_then then days_past_due_then end)            as max_days_past_due_then,
        sum(case when past_due_then and paid_some_then then 1 else 0 end)   as short_paid_open_then,
        bool_and(partial_then is not null)                                  as has_payment_detail,
        avg(amount)                                                         as prior_mean_amount,
        min(issue_date)                                                     as first_issue_date,
        max(issue_date)                                                     as last_issue_date,
        sum(case when issued_last_90d then 1 else 0 end)                    as invoices_last_90d
    from ranked
    group by point_type, point_id

),

final as (

    select
        points.point_type,
        points.point_id,
        points.customer_id,
        points.known_at,
        coalesce(summarised.prior_invoices, 0)                              as prior_invoices,
        coalesce(summarised.prior_outcomes, 0)                              as prior_outcomes,
        coalesce(summarised.prior_late, 0)                                  as prior_late,
        cast(summarised.prior_late as double) / nullif(summarised.prior_outcomes, 0)
                                                                            as prior_late_rate,
        summarised.prior_undisputed_late_rate,
        summarised.prior_mean_days_late,
        summarised.prior_settled_mean_days_late,
        summarised.prior_max_days_late,
        summarised.prior_paperless_mean_days_late,
        summarised.prior_paper_mean_days_late,
        summarised.prior_disputed_mean_days_late,
        summarised.prior_undisputed_mean_days_late,
        summarised.recent_late_rate,
        summarised.recent_mean_days_late,
        summarised.recent_mean_days_late - summarised.prior_mean_days_late  as days_late_trend,
        summarised.last_days_late,
        summarised.prior_dispute_rate,
        case when summarised.has_payment_detail then summarised.prior_partial_rate end
                                                                            as prior_partial_rate,
        coalesce(summarised.open_invoices_then, 0)                          as open_invoices_then,
        coalesce(summarised.open_amount_then, 0)                            as open_amount_then,
        coalesce(summarised.past_due_invoices_then, 0)                      as past_due_invoices_then,
        coalesce(summarised.past_due_amount_then, 0)                        as past_due_amount_then,
        summarised.max_days_past_due_then,
        case when summarised.has_payment_detail then summarised.short_paid_open_then end
                                                                            as short_paid_open_then,
        summarised.prior_mean_amount,
        summarised.first_issue_date,
        summarised.last_issue_date,
        coalesce(summarised.invoices_last_90d, 0)                           as invoices_last_90d
    from points
    left join summarised
        on summarised.point_type = points.point_type
       and summarised.point_id = points.point_id

)

select * from final
