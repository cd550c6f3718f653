with source as (

    select * from {{ source('raw', 'file_ledger') }}

),

renamed as (

    select
        source_file_id,
        path,
        dataset,
        file_format,
        checksum_sha256,
        landing_version,
        size_bytes,
        cast(version as integer)  as version,
        load_seq,
        lower(status)             as status,
        rows_total,
        rows_loaded,
        rows_quarantined,
        error,
        loaded_at
    from source

)

select * from renamed
