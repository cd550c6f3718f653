with source as (

    {{ current_rows('contacts', mode='snapshot', key_columns=['contact_id']) }}

),

renamed as (

    select
        trim(contact_id)             as contact_id,
        trim(customer_id)            as customer_id,
        lower(trim(role))            as role,
        name,
        lower(trim(email))           as email,
        coalesce(do_not_dun, false)  as do_not_dun,
        source_file_id,
        source_row,
        source_load_seq
    from source

)

select * from renamed
