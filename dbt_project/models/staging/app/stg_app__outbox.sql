with source as (

    select * from {{ source('app', 'outbox') }}

),

renamed as (

    select
        seq,
        outbox_event_id,
        message_id,
        draft_id,
        customer_id,
        channel,
        lower(state)  as state,
        subject,
        run_id,
        recorded_at
    from source

)

select * from renamed
