/* grain: one row per invoice issued on or before as_of, with its balance as of as_of */

with balances as (

    select * from {{ ref('int_invoice_balances_dated') }}
    where measure_date = {{ as_of_date() }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

files as (

    select * from {{ ref('stg_raw__file_ledger') }}

),

settlements as (

    select * from {{ ref('int_invoices_settled') }}

),

disputes as (

    select * from {{ ref('stg_erp__disputes') }}

),

promises as (

    select * from {{ ref('stg_erp__promises') }}

),

open_disputes as (

    select
        invoice_id,
        count(*) as open_disputes
    from disputes
    where opened_date <= {{ as_of_date() }}
      and (status = 'open' or resolved_date > {{ as_of_date() }})
    group by invoice_id

),

open_promises as (

    select
        invoice_id,
        min(promised_date) as next_promised_date
    from promises
    where status = 'open'
      and recorded_date <= {{ as_of_date() }}
    group by invoice_id

),

aged as (

    select
        balances.*,
        case when balances.is_open then {{ days_past_due('balances.due_date', 'balances.measure_date') }} end
            as days_past_due
    from balances

),

final as (

    select
        aged.invoice_id,
        aged.entity_id,
        aged.customer_id,
        aged.issue_date,
        aged.due_date,
        invoices.status                                      as erp_status,
        invoices.po_number,
        invoices.is_disputed,
        invoices.is_paperless,
        aged.currency,
        invoices.amount,
        aged.credited,
        aged.erp_applied,
        aged.bank_applied,
        aged.open_amount,
        aged.overpaid_amount,
        aged.is_void,
        aged.is_open,
        aged.functional_currency,
        aged.fx_rate,
        aged.fx_rate_date,
        aged.open_amount_functional,
        aged.days_past_due,
        case when aged.is_open then {{ aging_bucket('aged.days_past_due') }} end
                                                             as aging_bucket,
        settlements.settled_date,
        {{ dbt.datediff('aged.due_date', 'settlements.settled_date', 'day') }}
                                                             as days_late_at_settlement,
        open_disputes.invoice_id is not null                 as has_open_dispute,
        open_promises.invoice_id is not null                 as has_open_promise,
        open_promises.next_promised_date,
        aged.measure_date                                    as as_of_date,
        invoices.source_file_id,
        invoices.source_row,
        files.path                                           as source_path,
        files.version                                        as source_version,
        files.checksum_sha256                                as source_checksum_sha256,
        files.load_seq                                       as source_load_seq,
        files.loaded_at                                      as source_loaded_at
    from aged
    left join invoices
        on invoices.invoice_id = aged.invoice_id
    left join files
        on files.source_file_id = invoices.source_file_id
    left join settlements
        on settlements.invoice_id = aged.invoice_id
    left join open_disputes
        on open_disputes.invoice_id = aged.invoice_id
    left join open_promises
        on open_promises.invoice_id = aged.invoice_id

)

select * from final
