/* grain: one row per bank record observed (observation_id); per bank_txn_id exactly one row
   has is_retired = false: the most confirmed observation, ties to the latest load */

with transactions as (

    select * from {{ ref('stg_bank__transactions') }}

),

files as (

    select * from {{ ref('stg_raw__file_ledger') }}
    where status = 'loaded'

),

ranked_kinds as (

    select
        transactions.*,
        files.load_seq                       as source_load_seq,
        files.loaded_at                      as source_loaded_at,
        case transactions.observation_kind
            when 'booked' then 3
            when 'notification' then 2
            else 1
        end                                  as observation_rank
    from transactions
    inner join files
        on files.source_file_id = transactions.source_file_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by bank_txn_id
            order by observation_rank desc, source_load_seq desc, record_seq desc
        )                                                       as identity_rank,
        count(*) over (partition by bank_txn_id)                as n_observations,
        max(observation_rank) over (partition by bank_txn_id)   as best_observation_rank,
        min(source_loaded_at) over (partition by bank_txn_id)   as first_seen_at
    from ranked_kinds

),

current_observations as (

    select
        bank_txn_id,
        observation_id as current_observation_id
    from ranked
    where identity_rank = 1

),

final as (

    select
        ranked.observation_id,
        ranked.bank_txn_id,
        ranked.identity_basis,
        ranked.observation_kind,
        ranked.observation_rank,
        ranked.identity_rank > 1                                  as is_retired,
        case when ranked.identity_rank > 1
             then current_observations.current_observation_id end as retired_by_observation_id,
        ranked.best_observation_rank = 3                          as is_confirmed,
        ranked.n_observations,
        ranked.first_seen_at,
        ranked.account,
        ranked.currency,
        ranked.amount,
        ranked.direction,
        ranked.value_date,
        ranked.booking_date,
        ranked.bank_ref,
        ranked.end_to_end_id,
        ranked.counterparty_name,
        ranked.counterparty_account,
        ranked.structured_ref,
        ranked.remittance,
        ranked.bank_code,
        ranked.entry_ref,
        ranked.is_reversal,
        ranked.return_reason,
        ranked.reverses_ref,
        ranked.is_reversal or ranked.return_reason is not null   as is_return,
        ranked.statement_format,
        ranked.statement_id,
        ranked.statement_seq,
        ranked.record_seq,
        ranked.source_file_id,
        ranked.source_line,
        ranked.source_load_seq
    from ranked
    inner join current_observations
        on current_observations.bank_txn_id = ranked.bank_txn_id

)

select * from final
