/* grain: one row per cash application from app.cash_applications that reduces an invoice's
   balance for at least one day: from effective_from until (not including) effective_until */

with journal as (

    select * from {{ ref('stg_app__cash_applications') }}

),

receipts as (

    select * from {{ ref('stg_erp__receipts') }}

),

credit_notes as (

    select credit_memo_id from {{ ref('stg_erp__credit_memos') }}

),

counting_entries as (

    -- auto and confirmed decisions count; the first such entry of an application decides
    select
        application_id,
        invoice_id,
        customer_id,
        currency,
        cash_applied,
        write_off,
        discount,
        decided_date,
        seq,
        row_number() over (partition by application_id order by seq) as entry_rank
    from journal
    where status in ('auto', 'confirmed')
      and invoice_id is not null
      -- a credit note a receipt netted is used up, it is no invoice's balance
      and invoice_id not in (select credit_memo_id from credit_notes)

),

reversals as (

    -- a reversal entry names the application it cancels (or carries the same id)
    select
        coalesce(reverses_application_id, application_id) as application_id,
        min(decided_date)                                  as reversed_date
    from journal
    where status = 'reversed'
    group by coalesce(reverses_application_id, application_id)

),

echoes as (

    -- once the ERP books a receipt that echoes our application id, its receipt_applications
    -- carry the amount and our application stops counting (never reduce a balance twice)
    select
        application_id,
        min(received_date) as echoed_date,
        min(receipt_id)    as echo_receipt_id
    from receipts
    where application_id is not null
    group by application_id

),

joined as (

    select
        counting_entries.application_id,
        counting_entries.invoice_id,
        counting_entries.customer_id,
        counting_entries.currency,
        counting_entries.cash_applied,
        counting_entries.write_off,
        counting_entries.discount,
        {{ money('counting_entries.cash_applied + counting_entries.write_off + counting_entries.discount') }}
                                           as applied_amount,
        counting_entries.decided_date      as effective_from,
        reversals.reversed_date,
        echoes.echoed_date,
        echoes.echo_receipt_id
    from counting_entries
    left join reversals
        on reversals.application_id = counting_entries.application_id
    left join echoes
        on echoes.application_id = counting_entries.application_id
    where counting_entries.entry_rank = 1

),

ended as (

    select
        *,
        case
            when reversed_date is null then echoed_date
            when echoed_date is null then reversed_date
            else {{ smaller_of('reversed_date', 'echoed_date') }}
        end as effective_until,
        case
            when reversed_date is null and echoed_date is null then null
            when echoed_date is null or reversed_date <= echoed_date then 'reversed'
            else 'echoed_by_erp'
        end as end_reason
    from joined

),

final as (

    select
        application_id,
        invoice_id,
        customer_id,
        currency,
        cash_applied,
        write_off,
        discount,
        applied_amount,
        effective_from,
        effective_until,
        end_reason,
        reversed_date,
        echoed_date,
        echo_receipt_id
    from ended
    where effective_until is null
       or effective_until > effective_from

)

select * from final
