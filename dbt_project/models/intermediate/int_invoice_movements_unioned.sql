/* grain: one row per dated change of an invoice's balance: the invoice itself, a credit memo
   against it, an ERP receipt application, and the start and end of an o2c cash application */

with invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

credit_memos as (

    select * from {{ ref('stg_erp__credit_memos') }}

),

receipt_applications as (

    select * from {{ ref('stg_erp__receipt_applications') }}

),

bank_applications as (

    select * from {{ ref('int_cash_applications_netted') }}

),

movements as (

    select
        invoice_id,
        'invoice'            as movement_type,
        invoice_id           as reference_id,
        issue_date           as movement_date,
        currency,
        amount               as invoiced,
        {{ money(0) }}       as credited,
        {{ money(0) }}       as erp_applied,
        {{ money(0) }}       as bank_applied
    from invoices

    union all

    select
        invoice_id,
        'credit_memo',
        credit_memo_id,
        issue_date,
        currency,
        {{ money(0) }},
        amount,
        {{ money(0) }},
        {{ money(0) }}
    from credit_memos
    where invoice_id is not null

    union all

    select
        invoice_id,
        'erp_application',
        receipt_id,
        applied_date,
        currency,
        {{ money(0) }},
        {{ money(0) }},
        applied_amount,
        {{ money(0) }}
    from receipt_applications

    union all

    select
        invoice_id,
        'bank_application',
        application_id,
        effective_from,
        currency,
        {{ money(0) }},
        {{ money(0) }},
        {{ money(0) }},
        applied_amount
    from bank_applications

    union all

    -- a reversed or ERP-echoed application stops counting: its amount comes back
    select
        invoice_id,
        'bank_application_end',
        application_id,
        effective_until,
        currency,
        {{ money(0) }},
        {{ money(0) }},
        {{ money(0) }},
        {{ money('-1 * applied_amount') }}
    from bank_applications
    where effective_until is not null

),

final as (

    select
        invoice_id,
        movement_type,
        reference_id,
        movement_date,
        currency,
        invoiced,
        credited,
        erp_applied,
        bank_applied,
        {{ money('invoiced - credited - erp_applied - bank_applied') }} as balance_change
    from movements

)

select * from final
