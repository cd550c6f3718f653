with source as (

    {{ current_rows('promises', mode='delta', key_columns=['promise_id']) }}

),

renamed as (

    select
        trim(promise_id)             as promise_id,
        trim(invoice_id)             as invoice_id,
        trim(customer_id)            as customer_id,
        cast(recorded_date as date)  as recorded_date,
        cast(promised_date as date)  as promised_date,
        upper(trim(currency))        as currency,
        {{ money('amount') }}        as amount,
        lower(trim(status))          as status,
        recorded_by,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
