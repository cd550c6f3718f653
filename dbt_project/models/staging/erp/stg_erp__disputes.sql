with source as (

    {{ current_rows('disputes', mode='delta', key_columns=['dispute_id']) }}

),

renamed as (

    select
        trim(dispute_id)             as dispute_id,
        trim(invoice_id)             as invoice_id,
        trim(customer_id)            as customer_id,
        cast(opened_date as date)    as opened_date,
        upper(trim(currency))        as currency,
        {{ money('amount') }}        as amount,
        reason,
        lower(trim(status))          as status,
        cast(resolved_date as date)  as resolved_date,
        recorded_by,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
