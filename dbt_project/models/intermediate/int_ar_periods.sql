/* grain: one row per calendar month of the KPI history window; months_back 0 is the month
   that contains as_of, measured up to as_of */

with month_offsets as (

    {% for months_back in range(var('kpi_history_months')) -%}
    select {{ months_back }} as months_back
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

anchored as (

    select
        months_back,
        cast({{ dbt.dateadd('month', '-1 * months_back', dbt.date_trunc('month', as_of_date())) }} as date)
            as period_start
    from month_offsets

),

bounded as (

    select
        months_back,
        period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'period_start')) }} as date) as month_end,
        cast({{ dbt.dateadd('day', -1, 'period_start') }} as date)                        as prior_period_end
    from anchored

),

final as (

    select
        period_start                                                     as period_month,
        months_back,
        period_start,
        {{ smaller_of('month_end', as_of_date()) }}                       as period_end,
        prior_period_end,
        {{ dbt.datediff('period_start', smaller_of('month_end', as_of_date()), 'day') }} + 1
                                                                         as days_in_period,
        month_end > {{ as_of_date() }}                                   as is_partial_month
    from bounded

)

select * from final
