with source as (

    {{ current_rows('invoices', mode='delta', key_columns=['invoice_id']) }}

),

renamed as (

    select
        trim(invoice_id)               as invoice_id,
        trim(entity_id)                as entity_id,
        trim(customer_id)              as customer_id,
        cast(issue_date as date)       as issue_date,
        cast(due_date as date)         as due_date,
        upper(trim(currency))          as currency,
        {{ money('amount') }}          as amount,
        lower(trim(status))            as status,
        po_number,
        coalesce(is_disputed, false)   as is_disputed,
        coalesce(is_paperless, false)  as is_paperless,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
