with source as (

    select * from {{ source('app', 'cash_applications') }}

),

renamed as (

    select
        seq,
        application_id,
        bank_txn_id,
        receipt_ref,
        invoice_id,
        customer_id,
        upper(currency)                          as currency,
        {{ money('cash_applied') }}              as cash_applied,
        {{ money('coalesce(write_off, 0)') }}    as write_off,
        write_off_reason,
        {{ money('coalesce(discount, 0)') }}     as discount,
        discount_reason,
        confidence,
        rule,
        evidence,
        lower(status)                            as status,
        reverses_application_id,
        decided_by,
        decided_at,
        cast(decided_at as date)                 as decided_date,
        run_id,
        recorded_at,
        row_hash
    from source

)

select * from renamed
