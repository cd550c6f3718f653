with source as (

    select * from {{ source('app', 'draft_events') }}

),

renamed as (

    select
        seq,
        draft_event_id,
        draft_id,
        lower(status)  as status,
        reason,
        run_id,
        recorded_at
    from source

)

select * from renamed
