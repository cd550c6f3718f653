/* grain: one row per measurement date x from_currency x to_currency with a rate on or before that
   date: the latest such rate (a direct quote wins over an inverted one of the same date) */

with rates as (

    select * from {{ ref('stg_erp__fx_rates') }}

),

periods as (

    select * from {{ ref('int_ar_periods') }}

),

measure_dates as (

    select period_end as measure_date from periods
    union
    select prior_period_end as measure_date from periods

),

quotes as (

    select
        rate_date,
        from_currency,
        to_currency,
        rate,
        false as is_inverted
    from rates
    where rate > 0

    union all

    -- a quote of from -> to also prices to -> from at 1 / rate
    select
        rate_date,
        to_currency   as from_currency,
        from_currency as to_currency,
        {{ fx_rate('1.0 / rate') }} as rate,
        true          as is_inverted
    from rates
    where rate > 0

),

ranked as (

    select
        measure_dates.measure_date,
        quotes.from_currency,
        quotes.to_currency,
        quotes.rate,
        quotes.rate_date,
        quotes.is_inverted,
        row_number() over (
            partition by measure_dates.measure_date, quotes.from_currency, quotes.to_currency
            order by quotes.rate_date desc, case when quotes.is_inverted then 1 else 0 end
        ) as recency_rank
    from measure_dates
    inner join quotes
        on quotes.rate_date <= measure_dates.measure_date

),

final as (

    select
        measure_date,
        from_currency,
        to_currency,
        rate,
        rate_date,
        is_inverted
    from ranked
    where recency_rank = 1

)

select * from final
