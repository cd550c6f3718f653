with source as (

    {{ current_rows('fx_rates', mode='delta', key_columns=['rate_date', 'from_currency', 'to_currency']) }}

),

renamed as (

    select
        cast(rate_date as date)     as rate_date,
        upper(trim(from_currency))  as from_currency,
        upper(trim(to_currency))    as to_currency,
        {{ fx_rate('rate') }}       as rate,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
