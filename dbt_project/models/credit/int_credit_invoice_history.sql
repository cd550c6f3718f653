/* grain: one row per non-void invoice issued on or before as_of: the narrow payment history the
   credit model learns from (settlement, payments, dispute, billing channel), as known at as_of */

with invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

settlements as (

    select * from {{ ref('int_invoices_settled') }}

),

movements as (

    select * from {{ ref('int_invoice_movements_unioned') }}

),

disputes as (

    select * from {{ ref('stg_erp__disputes') }}

),

ended_bank_applications as (

    -- a reversed or ERP-echoed bank application is not a payment of its own
    select distinct reference_id
    from movements
    where movement_type = 'bank_application_end'

),

payments as (

    select
        movements.invoice_id,
        movements.movement_date,
        row_number() over (
            partition by movements.invoice_id
            order by movements.movement_date, movements.reference_id
        ) as payment_number
    from movements
    left join ended_bank_applications
        on ended_bank_applications.reference_id = movements.reference_id
    where movements.movement_type in ('erp_application', 'bank_application')
      and ended_bank_applications.reference_id is null
      and movements.movement_date <= {{ as_of_date() }}
      and (movements.erp_applied > 0 or movements.bank_applied > 0)

),

payment_dates as (

    select
        invoice_id,
        min(movement_date)                                          as first_payment_date,
        min(case when payment_number = 2 then movement_date end)    as partial_payment_date
    from payments
    group by invoice_id

),

dispute_dates as (

    select
        invoice_id,
        min(opened_date) as disputed_date
    from disputes
    where opened_date <= {{ as_of_date() }}
    group by invoice_id

),

final as (

    select
        invoices.customer_id,
        invoices.invoice_id,
        invoices.issue_date,
        invoices.due_date,
        invoices.currency,
        invoices.amount,
        settlements.settled_date,
        dispute_dates.invoice_id is not null or invoices.is_disputed  as is_disputed,
        dispute_dates.disputed_date,
        invoices.is_paperless,
        true                                                          as has_payment_detail,
        payment_dates.first_payment_date,
        payment_dates.partial_payment_date
    from invoices
    left join settlements
        on settlements.invoice_id = invoices.invoice_id
    left join payment_dates
        on payment_dates.invoice_id = invoices.invoice_id
    left join dispute_dates
        on dispute_dates.invoice_id = invoices.invoice_id
    where invoices.status <> 'void'
      and invoices.issue_date <= {{ as_of_date() }}

)

select * from final
