with source as (

    {{ current_rows('customers', mode='snapshot', key_columns=['customer_id']) }}

),

renamed as (

    select
        trim(customer_id)                    as customer_id,
        trim(entity_id)                      as entity_id,
        name,
        legal_name,
        country,
        upper(trim(currency))                as currency,
        locale,
        cast(payment_terms_days as integer)  as payment_terms_days,
        {{ money('credit_limit') }}          as credit_limit,
        trim(crm_id)                         as crm_id,
        lower(trim(crm_system))              as crm_system,
        lower(trim(account_owner_email))     as account_owner_email,
        lower(trim(csm_email))               as csm_email,
        lower(trim(collector_email))         as collector_email,
        trim(parent_customer_id)             as parent_customer_id,
        payer_accounts,
        cast(created_date as date)           as created_date,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
