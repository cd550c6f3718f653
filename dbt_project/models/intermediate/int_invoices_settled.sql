/* grain: one row per non-void invoice whose balance is 0 or less as of as_of: the date it got there */

with movements as (

    select * from {{ ref('int_invoice_movements_unioned') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

daily as (

    select
        movements.invoice_id,
        movements.movement_date,
        sum(movements.balance_change) as balance_change
    from movements
    inner join invoices
        on invoices.invoice_id = movements.invoice_id
    where movements.movement_date <= {{ as_of_date() }}
      and invoices.status <> 'void'
    group by movements.invoice_id, movements.movement_date

),

running as (

    select
        invoice_id,
        movement_date,
        sum(balance_change) over (
            partition by invoice_id
            order by movement_date
            rows between unbounded preceding and current row
        ) as balance_after
    from daily

),

last_open as (

    select
        invoice_id,
        max(case when balance_after > 0 then movement_date end) as last_open_date,
        max(movement_date)                                      as last_movement_date
    from running
    group by invoice_id

),

final as (

    -- settled: the first day after the last day with a positive balance (if that is today's state)
    select
        running.invoice_id,
        min(running.movement_date) as settled_date
    from running
    inner join last_open
        on last_open.invoice_id = running.invoice_id
    where running.balance_after <= 0
      and (last_open.last_open_date is null or running.movement_date > last_open.last_open_date)
      and (last_open.last_open_date is null
           or last_open.last_open_date < last_open.last_movement_date)
    group by running.invoice_id

)

select * from final
