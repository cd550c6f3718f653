/* grain: one row per AR event an account owner is told about: an event type, its subject
   (invoice, customer, promise, draft or message) and the fact that triggered it.

   event_id = hash(event type | subject | triggering fact), so the same event keeps its id in
   every build and is delivered once however often the flows re-run:
     invoice_paid_full        invoice | settled date
     invoice_paid_partial     invoice | payment (receipt or cash application id)
     due_date_missed          invoice | due date
     aging_milestone          invoice | days past due milestone (var notify_aging_milestones)
     risk_tier_changed        customer | app.risk_events event_id
     credit_limit_exceeded    customer | credit limit | newest open invoice while over it
     promise_broken           promise | promised date
     draft_awaiting_approval  draft
     reminder_sent            outbox message
   Events that occurred before var notify_go_live (YYYY-MM-DD) are not announced. */

{%- set milestones = var('notify_aging_milestones', [30, 60, 90]) %}
{%- set go_live = var('notify_go_live', none) %}

with invoices as (

    select * from {{ ref('fct_invoices') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

movements as (

    select * from {{ ref('int_invoice_movements_unioned') }}

),

promises as (

    select * from {{ ref('stg_erp__promises') }}

),

risk_events as (

    select * from {{ ref('stg_app__risk_events') }}

),

drafts as (

    select * from {{ ref('stg_app__drafts') }}

),

draft_events as (

    select * from {{ ref('stg_app__draft_events') }}

),

outbox as (

    select * from {{ ref('stg_app__outbox') }}

),

paid_full as (

    select
        'invoice_paid_full'                                   as event_type,
        invoice_id                                            as subject_id,
        cast(settled_date as varchar)                         as fact,
        'low'                                                 as severity,
        customer_id,
        invoice_id,
        settled_date                                          as occurred_on,
        currency,
        amount,
        'Invoice ' || invoice_id || ' is paid in full.'       as summary,
        'No action: thank the customer if you are in touch.'  as action
    from invoices
    where settled_date is not null
      and not is_void

),

paid_partial as (

    select
        'invoice_paid_partial'                                as event_type,
        movements.invoice_id                                  as subject_id,
        movements.reference_id                                as fact,
        'low'                                                 as severity,
        invoices.customer_id,
        movements.invoice_id,
        movements.movement_date                               as occurred_on,
        movements.currency,
        {{ money('movements.erp_applied + movements.bank_applied') }} as amount,
        'Invoice ' || movements.invoice_id || ' received a partial payment of '
            || cast({{ money('movements.erp_applied + movements.bank_applied') }} as varchar)
            || ' ' || movements.currency || '.'               as summary,
        'Check with the customer when the rest will be paid.' as action
    from movements
    inner join invoices
        on invoices.invoice_id = movements.invoice_id
    where movements.movement_type in ('erp_application', 'bank_application')
      and movements.movement_date <= {{ as_of_date() }}
      and (invoices.settled_date is null or movements.movement_date < invoices.settled_date)
      and not invoices.is_void

),

overdue as (

    select * from invoices
    where is_open and days_past_due >= 1

),

due_missed as (

    select
        'due_date_missed'                                     as event_type,
        invoice_id                                            as subject_id,
        cast(due_date as varchar)                             as fact,
        'medium'                                              as severity,
        customer_id,
        invoice_id,
        cast({{ dbt.dateadd('day', 1, 'due_date') }} as date) as occurred_on,
        currency,
        open_amount                                           as amount,
        'Invoice ' || invoice_id || ' is past due (due ' || cast(due_date as varchar)
            || '), ' || cast(open_amount as varchar) || ' ' || currency || ' open.'
                                                              as summary,
        'Remind your contact at the customer that the invoice is due.' as action
    from overdue

),

aging as (

    {%- for milestone in milestones %}
    select
        'aging_milestone'                                     as event_type,
        invoice_id                                            as subject_id,
        '{{ milestone }}'                                     as fact,
        '{{ "high" if milestone >= 60 else "medium" }}'       as severity,
        customer_id,
        invoice_id,
        cast({{ dbt.dateadd('day', milestone, 'due_date') }} as date) as occurred_on,
        currency,
        open_amount                                           as amount,
        'Invoice ' || invoice_id || ' is {{ milestone }} days past due, '
            || cast(open_amount as varchar) || ' ' || currency || ' open.'
                                                              as summary,
        'Call the customer with the collector and agree a payment date.' as action
    from overdue
    where days_past_due >= {{ milestone }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

tier_changes as (

    select
        'risk_tier_changed'                                   as event_type,
        customer_id                                           as subject_id,
        event_id                                              as fact,
        'high'                                                as severity,
        customer_id,
        cast(null as varchar)                                 as invoice_id,
        as_of                                                 as occurred_on,
        cast(null as varchar)                                 as currency,
        cast(null as decimal(19, 4))                          as amount,
        'Risk tier changed from ' || coalesce(from_tier, 'none') || ' to '
            || coalesce(to_tier, 'none') || '.'               as summary,
        'Review open orders and terms with the collector before extending more credit.'
                                                              as action
    from risk_events
    where event_type = 'tier_change'
      and as_of <= {{ as_of_date() }}

),

exposure as (

    select
        invoices.customer_id,
        customers.credit_limit,
        invoices.currency,
        sum(invoices.open_amount)                             as open_amount,
        max(invoices.issue_date)                              as newest_issue_date,
        max(invoices.invoice_id)                              as newest_invoice_id
    from invoices
    inner join customers
        on customers.customer_id = invoices.customer_id
       and customers.currency = invoices.currency
    where invoices.is_open
      and customers.credit_limit > 0
    group by invoices.customer_id, customers.credit_limit, invoices.currency

),

over_limit as (

    select
        'credit_limit_exceeded'                               as event_type,
        customer_id                                           as subject_id,
        cast(credit_limit as varchar) || '|' || newest_invoice_id as fact,
        'high'                                                as severity,
        customer_id,
        cast(null as varchar)                                 as invoice_id,
        newest_issue_date                                     as occurred_on,
        currency,
        open_amount                                           as amount,
        'Open balance ' || cast(open_amount as varchar) || ' ' || currency
            || ' exceeds the credit limit of ' || cast(credit_limit as varchar) || '.'
                                                              as summary,
        'Hold new orders until the balance is below the limit, or ask credit for a review.'
                                                              as action
    from exposure
    where open_amount > credit_limit

),

broken_promises as (

    select
        'promise_broken'                                      as event_type,
        promises.promise_id                                   as subject_id,
        cast(promises.promised_date as varchar)               as fact,
        'high'                                                as severity,
        promises.customer_id,
        promises.invoice_id,
        cast({{ dbt.dateadd('day', 1, 'promises.promised_date') }} as date) as occurred_on,
        promises.currency,
        promises.amount,
        'The customer promised to pay ' || cast(promises.amount as varchar) || ' '
            || promises.currency || ' on invoice ' || promises.invoice_id || ' by '
            || cast(promises.promised_date as varchar) || ' and did not.'
                                                              as summary,
        'Call your contact at the customer today and ask for a new, firm date.' as action
    from promises
    inner join invoices
        on invoices.invoice_id = promises.invoice_id
    where promises.promised_date < {{ as_of_date() }}
      and promises.recorded_date <= {{ as_of_date() }}
      and (promises.status = 'broken' or (promises.status = 'open' and invoices.is_open))

),

draft_status as (

    select
        drafts.*,
        coalesce(latest.status, drafts.status)                as current_status
    from drafts
    left join (
        select draft_id, {{ last_by('status', 'seq') }} as status
        from draft_events
        group by draft_id
    ) as latest
        on latest.draft_id = drafts.draft_id

),

awaiting as (

    select
        'draft_awaiting_approval'                             as event_type,
        draft_id                                              as subject_id,
        draft_id                                              as fact,
        'low'                                                 as severity,
        customer_id,
        cast(null as varchar)                                 as invoice_id,
        as_of                                                 as occurred_on,
        currency,
        cast(null as decimal(19, 4))                          as amount,
        'A ' || stage || ' reminder is waiting for approval.' as summary,
        'Tell the AR lead now if anything about this customer should change the reminder.'
                                                              as action
    from draft_status
    where current_status = 'pending'
      and as_of <= {{ as_of_date() }}

),

reminders_sent as (

    select
        'reminder_sent'                                       as event_type,
        message_id                                            as subject_id,
        message_id                                            as fact,
        'low'                                                 as severity,
        customer_id,
        cast(null as varchar)                                 as invoice_id,
        cast(recorded_at as date)                             as occurred_on,
        cast(null as varchar)                                 as currency,
        cast(null as decimal(19, 4))                          as amount,
        'Payment reminder sent: ' || coalesce(subject, message_id) || '.' as summary,
        'No action; expect the customer may contact you about it.' as action
    from outbox
    where state = 'sent'
      and channel = 'email:reminder'
      and cast(recorded_at as date) <= {{ as_of_date() }}

),

unioned as (

    select * from paid_full
    union all select * from paid_partial
    union all select * from due_missed
    union all select * from aging
    union all select * from tier_changes
    union all select * from over_limit
    union all select * from broken_promises
    union all select * from awaiting
    union all select * from reminders_sent

),

final as (

    select
        'EVT-' || substr(md5(event_type || '|' || subject_id || '|' || fact), 1, 24)
                                                              as event_id,
        unioned.event_type,
        unioned.subject_id,
        unioned.fact,
        unioned.severity,
        unioned.customer_id,
        customers.name                                        as customer_name,
        unioned.invoice_id,
        unioned.occurred_on,
        unioned.currency,
        unioned.amount,
        unioned.summary,
        unioned.action,
        {{ as_of_date() }}                                    as as_of_date
    from unioned
    left join customers
        on customers.customer_id = unioned.customer_id
    where unioned.occurred_on <= {{ as_of_date() }}
    {%- if go_live is not none %}
      and unioned.occurred_on >= cast('{{ go_live }}' as date)
    {%- endif %}

)

select * from final
