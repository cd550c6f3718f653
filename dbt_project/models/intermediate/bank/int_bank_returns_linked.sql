/* grain: one row per current bank transaction that is a return or reversal, with the
   payment it undoes (null when no rule finds one) */

with payments as (

    select * from {{ ref('int_bank_transactions_deduplicated') }}
    where not is_retired

),

returns as (

    select
        *,
        coalesce(reverses_ref, end_to_end_id) as return_ref
    from payments
    where is_return

),

originals as (

    select * from payments
    where not is_return

),

candidates as (

    select
        returns.bank_txn_id,
        originals.bank_txn_id  as reverses_bank_txn_id,
        originals.value_date   as original_value_date,
        case
            when returns.return_ref = originals.end_to_end_id then 1
            when returns.return_ref = originals.bank_ref then 2
            else 3
        end                    as link_priority
    from returns
    inner join originals
        on originals.account = returns.account
       and originals.currency = returns.currency
       and originals.direction <> returns.direction
       and originals.value_date <= returns.value_date
       and (
            returns.return_ref = originals.end_to_end_id
            or returns.return_ref = originals.bank_ref
            or (
                originals.amount = returns.amount
                and originals.counterparty_account = returns.counterparty_account
                and {{ dbt.datediff('originals.value_date', 'returns.value_date', 'day') }}
                    <= {{ var('bank_return_window_days', 45) }}
            )
       )

),

best as (

    select
        *,
        row_number() over (
            partition by bank_txn_id
            order by link_priority, original_value_date desc, reverses_bank_txn_id
        ) as candidate_rank
    from candidates

),

final as (

    select
        returns.bank_txn_id,
        returns.account,
        returns.currency,
        returns.amount,
        returns.direction,
        returns.value_date,
        returns.return_reason,
        returns.return_ref,
        best.reverses_bank_txn_id,
        case best.link_priority
            when 1 then 'end_to_end_id'
            when 2 then 'bank_ref'
            when 3 then 'amount_counterparty'
        end                                       as link_rule,
        {{ dbt.datediff('best.original_value_date', 'returns.value_date', 'day') }}
                                                  as days_after_original
    from returns
    left join best
        on best.bank_txn_id = returns.bank_txn_id
       and best.candidate_rank = 1

)

select * from final
