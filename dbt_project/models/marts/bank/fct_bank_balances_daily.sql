/* grain: one row per house bank account and balance date, from booked end-of-day statements */

with statements as (

    select * from {{ ref('stg_bank__statements') }}
    where observation_kind = 'booked'
      and opening is not null
      and closing is not null

),

files as (

    select * from {{ ref('stg_raw__file_ledger') }}
    where status = 'loaded'

),

dated as (

    select
        statements.*,
        coalesce(statements.statement_date, statements.last_booking_date) as balance_date,
        files.load_seq                                                   as source_load_seq
    from statements
    inner join files
        on files.source_file_id = statements.source_file_id

),

latest_file as (

    -- a day re-delivered in another file: the latest load is the day (never both)
    select
        *,
        max(source_load_seq) over (partition by account, balance_date) as latest_load_seq
    from dated
    where balance_date is not null

),

pages as (

    -- a day can span several statements (MT940 :60M:/:62M: pages) of that one file
    select
        *,
        row_number() over (partition by account, balance_date order by statement_seq)      as first_rank,
        row_number() over (partition by account, balance_date order by statement_seq desc) as last_rank
    from latest_file
    where source_load_seq = latest_load_seq

),

daily as (

    select
        account,
        balance_date,
        max(currency)                                              as currency,
        max(case when first_rank = 1 then opening end)             as opening,
        {{ money('sum(sum_credits)') }}                            as credits,
        {{ money('sum(sum_debits)') }}                             as debits,
        max(case when last_rank = 1 then closing end)              as closing,
        sum(n_credits)                                             as n_credits,
        sum(n_debits)                                              as n_debits,
        count(*)                                                   as n_statements,
        max(source_file_id)                                        as source_file_id
    from pages
    group by account, balance_date

),

final as (

    select
        account,
        balance_date,
        currency,
        opening,
        credits,
        debits,
        closing,
        n_credits,
        n_debits,
        n_statements,
        lag(closing) over (partition by account order by balance_date) as previous_closing,
        coalesce(
            opening = lag(closing) over (partition by account order by balance_date), true
        )                                                              as opens_at_previous_close,
        source_file_id
    from daily

)

select * from final
