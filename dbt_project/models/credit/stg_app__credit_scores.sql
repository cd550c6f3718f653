with source as (

    select * from {{ source('app', 'credit_scores') }}

),

renamed as (

    select
        seq,
        score_id,
        cast(as_of as date)                          as as_of,
        invoice_id,
        customer_id,
        model_version,
        scorer,
        cast(p_late as double)                       as p_late,
        cast(expected_days_to_pay as double)         as expected_days_to_pay,
        lower(risk_tier)                             as risk_tier,
        reasons,
        run_id,
        recorded_at,
        row_hash
    from source

)

select * from renamed
