with source as (

    select * from {{ source('app', 'risk_events') }}

),

renamed as (

    select
        seq,
        event_id,
        cast(as_of as date)  as as_of,
        customer_id,
        event_type,
        lower(from_tier)     as from_tier,
        lower(to_tier)       as to_tier,
        detail,
        run_id,
        recorded_at,
        row_hash
    from source

)

select * from renamed
