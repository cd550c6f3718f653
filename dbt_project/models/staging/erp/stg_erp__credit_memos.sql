with source as (

    {{ current_rows('credit_memos', mode='delta', key_columns=['credit_memo_id']) }}

),

renamed as (

    select
        trim(credit_memo_id)      as credit_memo_id,
        trim(entity_id)           as entity_id,
        trim(customer_id)         as customer_id,
        trim(invoice_id)          as invoice_id,
        cast(issue_date as date)  as issue_date,
        upper(trim(currency))     as currency,
        {{ money('amount') }}     as amount,
        reason,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
