/* grain: one row per invoice per measurement date (each KPI period end, the day before each
   period start, and as_of), for invoices issued on or before that date */

with invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

entities as (

    select * from {{ ref('stg_erp__entities') }}

),

movements as (

    select * from {{ ref('int_invoice_movements_unioned') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_dated') }}

),

periods as (

    select * from {{ ref('int_ar_periods') }}

),

measure_dates as (

    select period_end as measure_date from periods
    union
    select prior_period_end as measure_date from periods

),

invoice_dates as (

    select
        invoices.invoice_id,
        invoices.entity_id,
        invoices.customer_id,
        invoices.currency,
        invoices.issue_date,
        invoices.due_date,
        invoices.status = 'void' as is_void,
        measure_dates.measure_date
    from invoices
    inner join measure_dates
        on invoices.issue_date <= measure_dates.measure_date

),

summed as (

    select
        invoice_dates.invoice_id,
        invoice_dates.measure_date,
        {{ money('coalesce(sum(movements.invoiced), 0)') }}     as invoiced,
        {{ money('coalesce(sum(movements.credited), 0)') }}     as credited,
        {{ money('coalesce(sum(movements.erp_applied), 0)') }}  as erp_applied,
        {{ money('coalesce(sum(movements.bank_applied), 0)') }} as bank_applied
    from invoice_dates
    left join movements
        on movements.invoice_id = invoice_dates.invoice_id
       and movements.movement_date <= invoice_dates.measure_date
    group by invoice_dates.invoice_id, invoice_dates.measure_date

),

balanced as (

    select
        invoice_dates.*,
        summed.invoiced,
        summed.credited,
        summed.erp_applied,
        summed.bank_applied,
        {{ money('summed.invoiced - summed.credited - summed.erp_applied - summed.bank_applied') }}
            as net_balance
    from invoice_dates
    inner join summed
        on summed.invoice_id = invoice_dates.invoice_id
       and summed.measure_date = invoice_dates.measure_date

),

opened as (

    select
        *,
        case
            when is_void then {{ money(0) }}
            when net_balance > 0 then net_balance
            else {{ money(0) }}
        end as open_amount,
        case
            when is_void then {{ money(0) }}
            when net_balance < 0 then {{ money('-1 * net_balance') }}
            else {{ money(0) }}
        end as overpaid_amount
    from balanced

),

converted as (

    select
        opened.*,
        entities.functional_currency,
        case
            when opened.currency = entities.functional_currency then {{ fx_rate(1) }}
            else fx_rates.rate
        end as fx_rate,
        fx_rates.rate_date as fx_rate_date
    from opened
    left join entities
        on entities.entity_id = opened.entity_id
    left join fx_rates
        on fx_rates.measure_date = opened.measure_date
       and fx_rates.from_currency = opened.currency
       and fx_rates.to_currency = entities.functional_currency

),

final as (

    select
        invoice_id,
        measure_date,
        entity_id,
        customer_id,
        currency,
        issue_date,
        due_date,
        is_void,
        invoiced,
        credited,
        erp_applied,
        bank_applied,
        net_balance,
        open_amount,
        overpaid_amount,
        open_amount > 0                                   as is_open,
        open_amount > 0 and due_date >= measure_date      as is_current,
        functional_currency,
        fx_rate,
        fx_rate_date,
        {{ money('round(invoiced * fx_rate, 4)') }}       as invoiced_functional,
        {{ money('round(open_amount * fx_rate, 4)') }}    as open_amount_functional
    from converted

)

select * from final
