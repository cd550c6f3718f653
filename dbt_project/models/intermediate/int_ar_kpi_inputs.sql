/* grain: one row per entity per calendar month of the KPI history window: the period's credit
   sales and its beginning, ending and ending-current AR, in the entity's functional currency */

with periods as (

    select * from {{ ref('int_ar_periods') }}

),

entities as (

    select * from {{ ref('stg_erp__entities') }}

),

balances as (

    select * from {{ ref('int_invoice_balances_dated') }}

),

entity_periods as (

    select
        entities.entity_id,
        entities.functional_currency,
        periods.period_month,
        periods.months_back,
        periods.period_start,
        periods.period_end,
        periods.prior_period_end,
        periods.days_in_period,
        periods.is_partial_month
    from entities
    cross join periods

),

ending as (

    select
        entity_periods.entity_id,
        entity_periods.period_month,
        sum(case
                when balances.issue_date >= entity_periods.period_start and not balances.is_void
                then balances.invoiced_functional
            end)                                                            as credit_sales,
        sum(balances.open_amount_functional)                                as ending_ar,
        sum(case when balances.is_current then balances.open_amount_functional end)
                                                                            as ending_current_ar,
        sum(case when balances.is_open and balances.fx_rate is null then 1 else 0 end)
                                                                            as unconverted_invoices
    from entity_periods
    inner join balances
        on balances.entity_id = entity_periods.entity_id
       and balances.measure_date = entity_periods.period_end
    group by entity_periods.entity_id, entity_periods.period_month

),

beginning as (

    select
        entity_periods.entity_id,
        entity_periods.period_month,
        sum(balances.open_amount_functional) as beginning_ar
    from entity_periods
    inner join balances
        on balances.entity_id = entity_periods.entity_id
       and balances.measure_date = entity_periods.prior_period_end
    group by entity_periods.entity_id, entity_periods.period_month

),

final as (

    select
        entity_periods.entity_id,
        entity_periods.period_month,
        entity_periods.months_back,
        entity_periods.period_start,
        entity_periods.period_end,
        entity_periods.days_in_period,
        entity_periods.is_partial_month,
        entity_periods.functional_currency,
        {{ money('coalesce(ending.credit_sales, 0)') }}          as credit_sales,
        {{ money('coalesce(beginning.beginning_ar, 0)') }}       as beginning_ar,
        {{ money('coalesce(ending.ending_ar, 0)') }}             as ending_ar,
        {{ money('coalesce(ending.ending_current_ar, 0)') }}     as ending_current_ar,
        coalesce(ending.unconverted_invoices, 0)                 as unconverted_invoices
    from entity_periods
    left join ending
        on ending.entity_id = entity_periods.entity_id
       and ending.period_month = entity_periods.period_month
    left join beginning
        on beginning.entity_id = entity_periods.entity_id
       and beginning.period_month = entity_periods.period_month

)

select * from final
