/* grain: one row per entity per calendar month, the last kpi_report_months months up to as_of
   (the month that contains as_of is measured up to as_of); amounts in functional currency */

with inputs as (

    select * from {{ ref('int_ar_kpi_inputs') }}

),

walk as (

    -- each period paired with itself and every earlier month of the same entity, newest first
    select
        period.entity_id,
        period.period_month,
        period.ending_ar,
        earlier.credit_sales    as month_sales,
        earlier.days_in_period  as month_days,
        sum(earlier.credit_sales) over (
            partition by period.entity_id, period.period_month
            order by earlier.period_month desc
            rows between unbounded preceding and current row
        ) as sales_through_month
    from inputs as period
    inner join inputs as earlier
        on earlier.entity_id = period.entity_id
       and earlier.period_month <= period.period_month

),

count_back as (

    select
        entity_id,
        period_month,
        sum(case
                when ending_ar <= 0 then 0
                when sales_through_month <= ending_ar then month_days
                when sales_through_month - month_sales < ending_ar
                    then month_days * (ending_ar - (sales_through_month - month_sales)) / month_sales
                else 0
            end)                                                        as dso_count_back,
        max(case when sales_through_month >= ending_ar then 1 else 0 end) = 1
                                                                        as is_count_back_complete
    from walk
    group by entity_id, period_month

),

ratios as (

    select
        inputs.*,
        case when inputs.credit_sales > 0
             then round(inputs.ending_ar * inputs.days_in_period / inputs.credit_sales, 2) end
            as dso,
        case when inputs.credit_sales > 0
             then round(inputs.ending_current_ar * inputs.days_in_period / inputs.credit_sales, 2) end
            as best_possible_dso,
        round(count_back.dso_count_back, 2)                           as dso_count_back,
        count_back.is_count_back_complete,
        case when inputs.beginning_ar + inputs.credit_sales - inputs.ending_current_ar <> 0
             then round(100.0 * (inputs.beginning_ar + inputs.credit_sales - inputs.ending_ar)
                        / (inputs.beginning_ar + inputs.credit_sales - inputs.ending_current_ar), 2) end
            as collection_effectiveness_index
    from inputs
    inner join count_back
        on count_back.entity_id = inputs.entity_id
       and count_back.period_month = inputs.period_month

),

final as (

    select
        entity_id,
        period_month,
        period_start,
        period_end,
        days_in_period,
        is_partial_month,
        functional_currency,
        credit_sales,
        beginning_ar,
        ending_ar,
        ending_current_ar,
        {{ money('ending_ar - ending_current_ar') }}                   as ending_past_due_ar,
        cast(dso as decimal(12, 2))                                    as dso,
        cast(dso_count_back as decimal(12, 2))                         as dso_count_back,
        is_count_back_complete,
        cast(best_possible_dso as decimal(12, 2))                      as best_possible_dso,
        cast(dso - best_possible_dso as decimal(12, 2))                as average_days_delinquent,
        cast(collection_effectiveness_index as decimal(12, 2))         as collection_effectiveness_index,
        unconverted_invoices
    from ratios
    where months_back < {{ var('kpi_report_months') }}

)

select * from final
