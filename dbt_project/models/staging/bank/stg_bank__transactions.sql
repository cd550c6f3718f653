with source as (

    select * from {{ source('bank', 'bank_transactions') }}

),

renamed as (

    select
        source_file_id || '-' || cast(record_seq as varchar) as observation_id,
        bank_txn_id,
        identity_basis,
        lower(observation_kind)          as observation_kind,
        trim(account)                    as account,
        upper(trim(currency))            as currency,
        {{ money('amount') }}            as amount,
        lower(direction)                 as direction,
        cast(value_date as date)         as value_date,
        cast(booking_date as date)       as booking_date,
        bank_ref,
        end_to_end_id,
        counterparty_name,
        counterparty_account,
        structured_ref,
        remittance,
        bank_code,
        entry_ref,
        coalesce(reversal, false)        as is_reversal,
        return_reason,
        reverses_ref,
        lower(format)                    as statement_format,
        statement_id,
        cast(statement_seq as integer)   as statement_seq,
        cast(record_seq as integer)      as record_seq,
        raw                              as raw_text,
        source_file_id,
        source_line
    from source

)

select * from renamed
