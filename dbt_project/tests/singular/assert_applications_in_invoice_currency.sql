{{ config(severity='warn') }}

-- Balances subtract credit memos and applications from the invoice as they are: each must be in
-- the invoice's currency. Any row here is a movement in another currency (warn: investigate).
select
    movements.invoice_id,
    movements.movement_type,
    movements.reference_id,
    movements.currency  as movement_currency,
    invoices.currency   as invoice_currency
from {{ ref('int_invoice_movements_unioned') }} as movements
inner join {{ ref('stg_erp__invoices') }} as invoices
    on invoices.invoice_id = movements.invoice_id
where movements.currency <> invoices.currency
