/* grain: one row per entity x document currency x week (1-13 after as_of): the cash expected
   from the invoices open at as_of, each placed in the week of its predicted pay date (the
   latest credit scores on or before as_of), beside the naive forecast "paid on the due date"
   (an overdue invoice counted in week 1). Pay dates after week 13 are not counted. */

{{ config(materialized='table') }}

with invoices as (

    select * from {{ ref('fct_invoices') }}
    where is_open

),

scores as (

    select * from {{ ref('stg_app__credit_scores') }}
    where invoice_id is not null
      and as_of <= {{ as_of_date() }}

),

latest_scores as (

    select *
    from scores
    where as_of = (select max(as_of) from scores)

),

weeks as (

    {% for week in range(1, 14) -%}
    select {{ week }} as week_number
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

dated as (

    select
        invoices.invoice_id,
        invoices.entity_id,
        invoices.currency,
        invoices.functional_currency,
        invoices.open_amount,
        invoices.open_amount_functional,
        latest_scores.model_version,
        latest_scores.as_of                                                  as scored_as_of,
        cast({{ dbt.dateadd('day', 'cast(round(latest_scores.expected_days_to_pay) as integer)',
                            'invoices.issue_date') }} as date)                as predicted_pay_date,
        {{ larger_of(dbt.datediff(as_of_date(), 'invoices.due_date', 'day'), 1) }}
                                                                             as days_until_due
    from invoices
    inner join latest_scores
        on latest_scores.invoice_id = invoices.invoice_id

),

placed as (

    select
        *,
        -- week 1 is the 7 days after as_of; a pay date already passed counts in week 1
        cast(floor(({{ larger_of(dbt.datediff(as_of_date(), 'predicted_pay_date', 'day'), 1) }} - 1) / 7)
             as integer) + 1                                                 as predicted_week,
        cast(floor((days_until_due - 1) / 7) as integer) + 1                 as due_week
    from dated

),

entity_currencies as (

    select distinct entity_id, currency, functional_currency from placed

),

final as (

    select
        entity_currencies.entity_id,
        entity_currencies.currency,
        weeks.week_number,
        cast({{ dbt.dateadd('day', '7 * (weeks.week_number - 1) + 1', as_of_date()) }} as date)
                                                                             as week_start,
        cast({{ dbt.dateadd('day', '7 * weeks.week_number', as_of_date()) }} as date)
                                                                             as week_end,
        {{ money("coalesce(sum(case when placed.predicted_week = weeks.week_number then placed.open_amount end), 0)") }}
                                                                             as expected_collections,
        {{ money("coalesce(sum(case when placed.due_week = weeks.week_number then placed.open_amount end), 0)") }}
                                                                             as due_date_collections,
        entity_currencies.functional_currency,
        {{ money("coalesce(sum(case when placed.predicted_week = weeks.week_number then placed.open_amount_functional end), 0)") }}
                                                                             as expected_collections_functional,
        {{ money("coalesce(sum(case when placed.due_week = weeks.week_number then placed.open_amount_functional end), 0)") }}
                                                                             as due_date_collections_functional,
        sum(case when placed.predicted_week = weeks.week_number then 1 else 0 end)
                                                                             as invoices_expected,
        max(placed.model_version)                                            as model_version,
        max(placed.scored_as_of)                                             as scored_as_of,
        {{ as_of_date() }}                                                   as as_of_date
    from entity_currencies
    cross join weeks
    left join placed
        on placed.entity_id = entity_currencies.entity_id
       and placed.currency = entity_currencies.currency
    group by
        entity_currencies.entity_id,
        entity_currencies.currency,
        entity_currencies.functional_currency,
        weeks.week_number

)

select * from final
