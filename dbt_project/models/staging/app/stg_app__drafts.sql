with source as (

    select * from {{ source('app', 'drafts') }}

),

renamed as (

    select
        draft_id,
        cast(as_of as date)  as as_of,
        customer_id,
        upper(currency)      as currency,
        stage,
        lower(status)        as status,
        subject,
        run_id,
        recorded_at
    from source

)

select * from renamed
