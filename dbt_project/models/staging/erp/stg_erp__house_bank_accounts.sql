with source as (

    {{ current_rows('house_bank_accounts', mode='snapshot', key_columns=['account_number']) }}

),

renamed as (

    select
        trim(account_number)   as account_number,
        trim(entity_id)        as entity_id,
        upper(trim(currency))  as currency,
        bank_name,
        bic,
        statement_format,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
