/* grain: one row per customer in the current customer snapshot */

with customers as (

    select * from {{ ref('stg_erp__customers') }}

),

entities as (

    select * from {{ ref('stg_erp__entities') }}

),

contacts as (

    select * from {{ ref('stg_erp__contacts') }}

),

contact_lists as (

    select
        customer_id,
        {{ dbt.listagg("case when role = 'billing' and not do_not_dun then email end", "', '", 'order by email') }}
            as billing_emails,
        {{ dbt.listagg("case when role = 'escalation' and not do_not_dun then email end", "', '", 'order by email') }}
            as escalation_emails,
        {{ dbt.listagg('case when do_not_dun then email end', "', '", 'order by email') }}
            as do_not_dun_emails,
        sum(case when not do_not_dun then 1 else 0 end) as dunnable_contacts
    from contacts
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.name,
        customers.legal_name,
        customers.entity_id,
        entities.name                                     as entity_name,
        entities.functional_currency,
        customers.country,
        customers.currency,
        customers.locale,
        customers.payment_terms_days,
        customers.credit_limit,
        customers.crm_id,
        customers.crm_system,
        customers.account_owner_email,
        customers.csm_email,
        customers.collector_email,
        customers.parent_customer_id,
        coalesce(customers.parent_customer_id, customers.customer_id) as group_customer_id,
        customers.payer_accounts,
        contact_lists.billing_emails,
        contact_lists.escalation_emails,
        contact_lists.do_not_dun_emails,
        coalesce(contact_lists.dunnable_contacts, 0) = 0  as do_not_dun,
        customers.created_date,
        customers.source_file_id,
        customers.source_row
    from customers
    left join entities
        on entities.entity_id = customers.entity_id
    left join contact_lists
        on contact_lists.customer_id = customers.customer_id

)

select * from final
