/* grain: one row per collector x customer that needs an action as of as_of: the day's to-do list,
   ranked per collector by expected late amount (P(late) x open amount, functional currency),
   then days past due, broken promises and tier changes, with the suggested next action.

   Next action, first rule that applies:
     escalate_to_account_owner  tier became critical, a critical customer 90+ days past due, or
                                a broken promise with an invoice more than 60 days past due
     review_credit_limit        a credit-limit review was raised today (tier worsened, or
                                exposure above the credit limit)
     call                       a broken promise, or more than 30 days past due
     reminder:<stage>           past due: reminder_1 (1-14 days), reminder_2 (15-29),
                                reminder_3 (30-59), final_notice (60+), calendar days
     offer_early_payment_discount  nothing past due; the customer used to pay on time (late
                                rate up to 20%, or 3 days late or less on average) and now slips
                                (its last 5 invoices 5+ days later than its average)
     reminder:courtesy          nothing past due, but an invoice due within 7 days has P(late) 50%+
   Customers none of these apply to are not listed. */

{{ config(materialized='table') }}

{%- set promise_grace_days = 2 %}

with invoices as (

    select * from {{ ref('fct_invoices') }}
    where is_open

),

customers as (

    select * from {{ ref('int_credit_customer_features') }}

),

scores as (

    select * from {{ ref('stg_app__credit_scores') }}
    where as_of <= {{ as_of_date() }}

),

latest_scores as (

    select *
    from scores
    where as_of = (select max(as_of) from scores)

),

events as (

    select * from {{ ref('stg_app__risk_events') }}
    where as_of = {{ as_of_date() }}

),

promises as (

    select * from {{ ref('stg_erp__promises') }}

),

broken_promises as (

    select
        customer_id,
        count(*) as broken_promises
    from promises
    where recorded_date <= {{ as_of_date() }}
      and (status = 'broken'
           or (status = 'open'
               and promised_date < cast({{ dbt.dateadd('day', -promise_grace_days, as_of_date()) }} as date)))
    group by customer_id

),

invoice_risk as (

    select
        invoices.customer_id,
        {{ money('sum(invoices.open_amount)') }}                                as open_amount,
        {{ money('sum(invoices.open_amount * coalesce(latest_scores.p_late, 0))') }}
                                                                                as expected_late_amount,
        {{ money('sum(invoices.open_amount_functional * coalesce(latest_scores.p_late, 0))') }}
                                                                                as expected_late_amount_functional,
        max(invoices.days_past_due)                                             as max_days_past_due,
        min(invoices.due_date)                                                  as oldest_due_date,
        max(case when invoices.days_past_due = 0
                  and {{ dbt.datediff(as_of_date(), 'invoices.due_date', 'day') }} <= 7
                 then latest_scores.p_late end)                                 as max_p_late_due_soon,
        count(*)                                                                as open_invoices
    from invoices
    left join latest_scores
        on latest_scores.invoice_id = invoices.invoice_id
    group by invoices.customer_id

),

customer_tiers as (

    select customer_id, risk_tier, model_version
    from latest_scores
    where invoice_id is null

),

todays_events as (

    select
        customer_id,
        max(case when event_type = 'tier_change' then from_tier end)            as from_tier,
        max(case when event_type = 'tier_change' then to_tier end)              as to_tier,
        bool_or(event_type = 'tier_change')                                     as tier_changed,
        bool_or(event_type = 'credit_limit_review')                             as limit_review
    from events
    group by customer_id

),

combined as (

    select
        customers.collector_email,
        customers.customer_id,
        customers.customer_name,
        customers.account_owner_email,
        customers.currency,
        customers.functional_currency,
        invoice_risk.open_invoices,
        invoice_risk.open_amount,
        invoice_risk.expected_late_amount,
        invoice_risk.expected_late_amount_functional,
        invoice_risk.max_days_past_due,
        invoice_risk.oldest_due_date,
        coalesce(broken_promises.broken_promises, 0)                            as broken_promises,
        customer_tiers.risk_tier,
        customer_tiers.model_version,
        coalesce(todays_events.tier_changed, false)                             as tier_changed,
        todays_events.from_tier,
        coalesce(todays_events.limit_review, false)                             as limit_review,
        customers.late_rate,
        customers.mean_days_late,
        customers.recent_late_rate,
        customers.days_late_trend,
        invoice_risk.max_p_late_due_soon
    from invoice_risk
    inner join customers
        on customers.customer_id = invoice_risk.customer_id
    left join broken_promises
        on broken_promises.customer_id = invoice_risk.customer_id
    left join customer_tiers
        on customer_tiers.customer_id = invoice_risk.customer_id
    left join todays_events
        on todays_events.customer_id = invoice_risk.customer_id

),

actions as (

    select
        *,
        case
            when (tier_changed and risk_tier = 'critical')
              or (risk_tier = 'critical' and max_days_past_due >= 90)
              or (broken_promises > 0 and max_days_past_due > 60)
                then 'escalate_to_account_owner'
            when limit_review
                then 'review_credit_limit'
            when broken_promises > 0 or max_days_past_due > 30
                then 'call'
            when max_days_past_due >= 60 then 'reminder:final_notice'
            when max_days_past_due >= 30 then 'reminder:reminder_3'
            when max_days_past_due >= 15 then 'reminder:reminder_2'
            when max_days_past_due >= 1 then 'reminder:reminder_1'
            when (late_rate <= 0.2 or mean_days_late <= 3)
             and days_late_trend >= 5
                then 'offer_early_payment_discount'
            when max_p_late_due_soon >= 0.5
                then 'reminder:courtesy'
        end                                                                     as next_action
    from combined

),

final as (

    select
        collector_email,
        row_number() over (
            partition by collector_email
            order by expected_late_amount_functional desc, max_days_past_due desc,
                     broken_promises desc, tier_changed desc, customer_id
        )                                                                       as priority,
        customer_id,
        customer_name,
        account_owner_email,
        next_action,
        risk_tier,
        tier_changed,
        from_tier,
        currency,
        open_invoices,
        open_amount,
        expected_late_amount,
        functional_currency,
        expected_late_amount_functional,
        max_days_past_due,
        oldest_due_date,
        broken_promises,
        model_version,
        {{ as_of_date() }}                                                      as as_of_date
    from actions
    where next_action is not null

)

select * from final
