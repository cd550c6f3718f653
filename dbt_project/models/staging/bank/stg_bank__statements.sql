with source as (

    select * from {{ source('bank', 'bank_statements') }}

),

renamed as (

    select
        source_file_id || '-' || cast(statement_seq as varchar) as statement_key,
        source_file_id,
        cast(statement_seq as integer)    as statement_seq,
        statement_id,
        trim(account)                     as account,
        upper(trim(currency))             as currency,
        lower(format)                     as statement_format,
        lower(observation_kind)           as observation_kind,
        cast(statement_date as date)      as statement_date,
        cast(first_booking_date as date)  as first_booking_date,
        cast(last_booking_date as date)   as last_booking_date,
        {{ money('opening') }}            as opening,
        {{ money('closing') }}            as closing,
        n_credits,
        {{ money('sum_credits') }}        as sum_credits,
        n_debits,
        {{ money('sum_debits') }}         as sum_debits,
        n_records,
        source_line
    from source

)

select * from renamed
