with source as (

    {{ current_rows('receipts', mode='delta', key_columns=['receipt_id']) }}

),

renamed as (

    select
        trim(receipt_id)             as receipt_id,
        trim(entity_id)              as entity_id,
        trim(customer_id)            as customer_id,
        cast(received_date as date)  as received_date,
        upper(trim(currency))        as currency,
        {{ money('amount') }}        as amount,
        bank_ref,
        trim(application_id)         as application_id,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
