with source as (

    {{ current_rows('receipt_applications', mode='delta', key_columns=['receipt_id', 'invoice_id']) }}

),

renamed as (

    select
        trim(receipt_id)               as receipt_id,
        trim(invoice_id)               as invoice_id,
        cast(applied_date as date)     as applied_date,
        upper(trim(currency))          as currency,
        {{ money('applied_amount') }}  as applied_amount,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
