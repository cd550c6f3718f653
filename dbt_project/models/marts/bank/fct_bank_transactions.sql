/* grain: one row per payment identity (bank_txn_id): the observation that counts, with its
   return links and the cash applications that reference it */

with payments as (

    select * from {{ ref('int_bank_transactions_deduplicated') }}
    where not is_retired

),

returns as (

    select * from {{ ref('int_bank_returns_linked') }}

),

returned as (

    select
        reverses_bank_txn_id                 as bank_txn_id,
        min(bank_txn_id)                     as returned_by_bank_txn_id,
        count(*)                             as n_returns
    from returns
    where reverses_bank_txn_id is not null
    group by reverses_bank_txn_id

),

applications as (

    select * from {{ ref('stg_app__cash_applications') }}

),

reversed_applications as (

    select distinct coalesce(reverses_application_id, application_id) as application_id
    from applications
    where status = 'reversed'

),

applied as (

    -- applications reference the payment identity, so they hold for every observation of it
    select
        applications.bank_txn_id,
        count(distinct applications.application_id) as n_applications
    from applications
    left join reversed_applications
        on reversed_applications.application_id = applications.application_id
    where applications.status in ('auto', 'confirmed')
      and applications.bank_txn_id is not null
      and reversed_applications.application_id is null
    group by applications.bank_txn_id

),

house_accounts as (

    select * from {{ ref('stg_erp__house_bank_accounts') }}

),

files as (

    select * from {{ ref('stg_raw__file_ledger') }}

),

final as (

    select
        payments.bank_txn_id,
        house_accounts.entity_id,
        payments.account,
        payments.currency,
        payments.amount,
        payments.direction,
        {{ money("case when payments.direction = 'credit' then payments.amount else -payments.amount end") }}
                                                   as signed_amount,
        payments.value_date,
        payments.booking_date,
        payments.bank_ref,
        payments.end_to_end_id,
        payments.counterparty_name,
        payments.counterparty_account,
        payments.structured_ref,
        payments.remittance,
        payments.bank_code,
        payments.direction = 'credit' and {{ is_bank_own_operation('payments.statement_format', 'payments.bank_code') }}
                                                   as is_bank_own_credit,
        payments.identity_basis,
        payments.observation_kind,
        payments.is_confirmed,
        payments.n_observations,
        payments.first_seen_at,
        payments.is_return,
        payments.return_reason,
        returns.reverses_bank_txn_id,
        returns.link_rule                          as return_link_rule,
        returned.returned_by_bank_txn_id,
        coalesce(returned.n_returns, 0) > 0        as is_returned,
        coalesce(applied.n_applications, 0)        as n_applications,
        payments.statement_format,
        payments.statement_id,
        payments.observation_id,
        payments.source_file_id,
        payments.source_line,
        payments.record_seq,
        files.path                                 as source_path,
        files.checksum_sha256                      as source_checksum_sha256
    from payments
    left join returns
        on returns.bank_txn_id = payments.bank_txn_id
    left join returned
        on returned.bank_txn_id = payments.bank_txn_id
    left join applied
        on applied.bank_txn_id = payments.bank_txn_id
    left join house_accounts
        on house_accounts.account_number = payments.account
    left join files
        on files.source_file_id = payments.source_file_id

)

select * from final
