with source as (

    {{ current_rows('entities', mode='snapshot', key_columns=['entity_id']) }}

),

renamed as (

    select
        trim(entity_id)                   as entity_id,
        name,
        upper(trim(functional_currency))  as functional_currency,
        time_zone,
        country,
        holiday_calendar,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
